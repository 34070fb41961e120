from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "openprobation.audit"
    label = "audit"

    def ready(self):
        from . import checks  # noqa: F401  (registers the database check of the guards)
        from .guards import ensure_guards

        # After every migrate, not only once: SQLite drops a table's triggers when it rebuilds it.
        post_migrate.connect(ensure_guards, sender=self, dispatch_uid="audit.ensure_guards")
