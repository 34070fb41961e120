"""Our own system checks (IDs op.E00x / op.W00x)."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_database(app_configs, **kwargs):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        return [Error(f"Unsupported database engine {engine}.", hint="Use SQLite or PostgreSQL.", id="op.E001")]
    return []


@register(deploy=True)
def check_production_database(app_configs, **kwargs):
    if settings.PRODUCTION and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [
            Warning(
                "Production is running on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database for more than one web process.",
                id="op.W001",
            )
        ]
    return []
