from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "openprobation.core"
    label = "core"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
        from .lookups import register

        register()

        post_migrate.connect(_sync_reference_data, sender=self)


def _sync_reference_data(using, **kwargs):
    # Reference vocabularies ship as versioned files; after every migrate the tables are
    # brought up to the shipped versions, so tests, the demo and production agree.
    from .reference import load_all

    load_all(using=using)
