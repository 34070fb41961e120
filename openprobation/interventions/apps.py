from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "openprobation.interventions"
    label = "interventions"
