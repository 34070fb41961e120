from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "openprobation.access"
    label = "access"
