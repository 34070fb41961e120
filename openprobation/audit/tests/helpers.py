"""Helpers for the audit tests: altering rows underneath the guards, as an intruder with database access would."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def guards_lifted(table: str):
    """Inside the test's transaction, switch off the append-only guard on ``table``; rolled back after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's way round every trigger, for this transaction only (ALTER TABLE ... DISABLE
            # TRIGGER would refuse while the test's own inserts have deferred foreign-key checks pending).
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        if connection.vendor == "sqlite":
            from openprobation.audit.guards import install_guards

            install_guards(connection)


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
