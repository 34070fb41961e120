"""Database-level append-only guards (triggers) on the audit and access event tables.

The SQL differs by database (PL/pgSQL triggers on PostgreSQL, SQLite triggers on SQLite), so it runs
through RunPython; the statements are in `openprobation.audit.guards`, which also puts them back after
every `migrate` in case a later migration rebuilt a table (SQLite drops triggers when it does).
"""

from django.db import migrations

from openprobation.audit.guards import install_guards, remove_guards


def install(apps, schema_editor):
    install_guards(schema_editor.connection)


def remove(apps, schema_editor):
    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_chain_required"),
        ("access", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
