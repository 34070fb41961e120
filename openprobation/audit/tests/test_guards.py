"""The audit tables are append-only underneath the application, not only through it."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from openprobation.access.case import access_case
from openprobation.access.models import AccessEvent
from openprobation.audit.chain import seal_access_events
from openprobation.audit.guards import (
    ensure_guards,
    expected_guards,
    install_guards,
    installed_guards,
    remove_guards,
)
from openprobation.audit.models import AccessSeal, AuditEvent, ChainHead
from openprobation.audit.record import record

from .helpers import raw

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL guards")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite guards")


@pytest.fixture
def rows(case, alice):
    import datetime

    from django.utils import timezone

    event = record("test_action", case, by=alice, crn=case.crn)
    access_case(alice, case.crn, part="overview")
    seal_access_events(now=timezone.now() + datetime.timedelta(hours=1))
    return {
        "audit_auditevent": event.pk,
        "access_accessevent": AccessEvent.objects.latest("id").pk,
        "audit_accessseal": AccessSeal.objects.get().pk,
    }


def refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql, params)


def test_the_models_refuse_to_change_or_delete_an_event(rows):
    for model in (AuditEvent, AccessEvent, AccessSeal):
        row = model.objects.get()
        with pytest.raises(ValueError, match="append-only"):
            row.save()
        with pytest.raises(ValueError, match="append-only"):
            row.delete()


def test_every_guard_is_installed(db):
    assert installed_guards(connection) == expected_guards(connection)
    assert expected_guards(connection)


@pytest.mark.parametrize("table", ["audit_auditevent", "access_accessevent", "audit_accessseal"])
def test_the_database_refuses_an_update(rows, table):
    refused(f"UPDATE {table} SET id = id WHERE id = %s", [rows[table]])  # noqa: S608 (a fixed table name)


@postgresql_only
@pytest.mark.parametrize("table", ["audit_auditevent", "access_accessevent", "audit_accessseal"])
def test_postgresql_refuses_a_delete(rows, table):
    refused(f"DELETE FROM {table} WHERE id = %s", [rows[table]])  # noqa: S608 (a fixed table name)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


@postgresql_only
def test_postgresql_refuses_to_delete_a_chain_head(rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_chainhead WHERE name = %s", [ChainHead.AUDIT])
    # Writers still move the head forward: only its removal is refused.
    assert ChainHead.objects.filter(name=ChainHead.AUDIT).update(seq=F("seq")) == 1


@sqlite_only
def test_sqlite_leaves_deletes_to_the_models_and_the_chain(rows):
    # Django empties SQLite tables with DELETE between transactional tests, so SQLite guards updates only;
    # a deleted event is still caught by the verifier (test_chain.py).
    raw("DELETE FROM access_accessevent WHERE id = %s", [rows["access_accessevent"]])
    assert not AccessEvent.objects.exists()


def test_the_guards_come_back_after_migrate_if_a_table_rebuild_dropped_them(db):
    remove_guards(connection)
    assert installed_guards(connection) == set()
    ensure_guards(using="default")
    assert installed_guards(connection) == expected_guards(connection)


def test_the_database_check_reports_missing_guards(db):
    from openprobation.audit.checks import check_append_only_guards

    assert check_append_only_guards(None, databases=["default"]) == []
    remove_guards(connection)
    try:
        [warning] = check_append_only_guards(None, databases=["default"])
        assert warning.id == "audit.W001"
    finally:
        install_guards(connection)
    call_command("check", "--database", "default")


def test_the_check_does_not_stand_in_the_way_of_a_first_migrate(db, monkeypatch):
    # migrate runs the database checks before it creates the tables (and the guards) of a new database.
    from openprobation.audit.checks import check_append_only_guards

    remove_guards(connection)
    try:
        monkeypatch.setattr(type(connection.introspection), "table_names", lambda self, *a, **k: [])
        assert check_append_only_guards(None, databases=["default"]) == []
    finally:
        monkeypatch.undo()
        install_guards(connection)
