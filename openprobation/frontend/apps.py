from django.apps import AppConfig


class FrontendConfig(AppConfig):
    """GOV.UK and MoJ look and feel: the base page, component tags and the form renderer."""

    name = "openprobation.frontend"
    label = "frontend"
    verbose_name = "Look and feel"
