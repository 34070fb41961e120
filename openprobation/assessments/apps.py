from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "openprobation.assessments"
    label = "assessments"
