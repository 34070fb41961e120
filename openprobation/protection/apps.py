from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "openprobation.protection"
    label = "protection"
