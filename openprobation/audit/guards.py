"""Database-level guards that keep the audit tables append-only underneath the application.

PostgreSQL: row triggers refuse UPDATE and DELETE on the audit events, the access events and the
access seals, and DELETE of a chain head (a head is updated by every writer, never removed).
``TRUNCATE`` does not fire row triggers: Django's test flush relies on it, and production must not
let the application's database role own these tables (see docs/audit.md, "Deployment").

SQLite: triggers refuse UPDATE of the same tables. DELETE is left to the models (which refuse it)
and to the chains (which report a removed row), because Django empties SQLite tables with
``DELETE FROM`` between transactional tests and SQLite has no TRUNCATE to tell the two apart.

The guards are installed by migration ``audit.0005`` and again after every ``migrate``
(``ensure_guards``), because SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("audit_auditevent", "access_accessevent", "audit_accessseal")
NO_DELETE_TABLES = ("audit_chainhead",)
PG_FUNCTION = "openprobation_refuse_change"


def _pg_statements() -> list[tuple[str | None, str]]:
    """(table the statement needs, or None; SQL)."""
    statements: list[tuple[str | None, str]] = [
        (None, f"""
        CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% on % refused: the audit tables are append-only', TG_OP, TG_TABLE_NAME;
        END;
        $$
        """)
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append((table, f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                                  f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"))
    for table in NO_DELETE_TABLES:
        statements.append((table, f"CREATE OR REPLACE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                                  f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"))
    return statements


def _sqlite_statements() -> list[tuple[str | None, str]]:
    return [
        (table, f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} refused: the audit tables are append-only'); END")
        for table in APPEND_ONLY_TABLES
    ]


def install_guards(connection) -> bool:
    """Create (or replace) the guards on this connection's database; False if the vendor has none."""
    if connection.vendor == "postgresql":
        statements = _pg_statements()
    elif connection.vendor == "sqlite":
        statements = _sqlite_statements()
    else:
        return False
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, statement in statements:
            if table is None or table in existing:
                cursor.execute(statement)
    return True


def remove_guards(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in APPEND_ONLY_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            for table in NO_DELETE_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
        elif connection.vendor == "sqlite":
            for table in APPEND_ONLY_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")


def expected_guards(connection) -> set[str]:
    if connection.vendor == "postgresql":
        return {f"{t}_append_only" for t in APPEND_ONLY_TABLES} | {f"{t}_no_delete" for t in NO_DELETE_TABLES}
    if connection.vendor == "sqlite":
        return {f"{t}_append_only" for t in APPEND_ONLY_TABLES}
    return set()


def installed_guards(connection) -> set[str]:
    """The guard triggers present (and enabled) in the database, for checks and tests."""
    expected = sorted(expected_guards(connection))
    if not expected:
        return set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' AND tgname = ANY(%s)",
                [expected],
            )
        else:
            marks = ", ".join(["%s"] * len(expected))
            query = f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"  # noqa: S608 (placeholders only)
            cursor.execute(query, expected)
        return {row[0] for row in cursor.fetchall()}


def ensure_guards(sender=None, *, using="default", **kwargs) -> None:
    """post_migrate: put back any guard a migration removed (SQLite rebuilds drop triggers)."""
    from django.db import connections

    install_guards(connections[using])
