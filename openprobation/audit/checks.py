"""A database check (``manage.py check --database default``): the append-only guards are in place.

A warning, not an error: ``migrate`` runs the database checks before migrating, and it is ``migrate``
that puts missing guards back (``audit.guards.ensure_guards``), so an error would block its own fix.
"""

from django.core.checks import Tags, Warning, register
from django.db import connections


@register(Tags.database)
def check_append_only_guards(app_configs, databases=None, **kwargs):
    from .guards import expected_guards, installed_guards

    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        tables = set(connection.introspection.table_names())
        expected = {name for name in expected_guards(connection) if name.rsplit("_", 2)[0] in tables}
        missing = sorted(expected - installed_guards(connection))
        if missing:
            warnings.append(
                Warning(
                    f"The audit tables' append-only guards are missing or disabled in database {alias!r}: "
                    + ", ".join(missing),
                    hint="Run `manage.py migrate`, which puts them back.",
                    id="audit.W001",
                )
            )
    return warnings
