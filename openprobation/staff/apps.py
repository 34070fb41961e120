from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "openprobation.staff"
    label = "staff"
