"""The chain across transactions: parallel writers on PostgreSQL, and the backfill migration."""

import threading

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from openprobation.audit.chain import verify_audit_chain
from openprobation.audit.models import AuditEvent, ChainHead
from openprobation.audit.record import record

WRITERS, EACH = 4, 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes its one write lock at BEGIN IMMEDIATE")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_fork_the_chain(case, alice):
    start = threading.Barrier(WRITERS)
    failures = []

    def writer(number):
        try:
            start.wait()
            for n in range(EACH):
                record("parallel", case, by=alice, crn=case.crn, writer=number, n=n)
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    positions = list(AuditEvent.objects.filter(verb="parallel").order_by("seq").values_list("seq", flat=True))
    assert len(positions) == WRITERS * EACH
    assert positions == list(range(positions[0], positions[0] + WRITERS * EACH))
    report = verify_audit_chain()
    assert report.ok, report.broken
    assert ChainHead.objects.get(name=ChainHead.AUDIT).seq == report.head_seq


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_events_written_before_the_chain(alice):
    executor = MigrationExecutor(connection)
    before, after = ("audit", "0003_chain_and_history"), executor.loader.graph.leaf_nodes("audit")[0]
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    OldEvent = old_apps.get_model("audit", "AuditEvent")
    now = timezone.now()
    # Written out of id order in time, as an import might have: the chain follows time.
    for minutes, verb in ((5, "second"), (1, "first"), (9, "third")):
        OldEvent.objects.create(at=now - timezone.timedelta(minutes=10 - minutes), actor_id=alice.pk, verb=verb,
                                crn="X100001", object_type="people.person", object_id="1", summary={"m": minutes})
    assert OldEvent.objects.filter(seq__isnull=True).count() == 3

    executor = MigrationExecutor(connection)
    executor.migrate([after])

    assert list(AuditEvent.objects.order_by("seq").values_list("verb", "seq")) == [
        ("first", 1), ("second", 2), ("third", 3)
    ]
    report = verify_audit_chain()
    assert report.ok, report.broken
    assert report.head_seq == 3
    assert record("after_migration", alice, by=alice).seq == 4
