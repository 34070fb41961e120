from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "openprobation.alerts"
    label = "alerts"
