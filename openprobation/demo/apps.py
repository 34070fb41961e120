from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openprobation.demo"
    label = "demo"
