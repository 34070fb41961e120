from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openprobation.audit"
    label = "audit"
