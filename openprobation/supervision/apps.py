from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "openprobation.supervision"
    label = "supervision"
