import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openprobation.audit.chain import GENESIS, link_hash, verify_audit_chain
from openprobation.audit.chain.audit import AUDIT_FIELDS, audit_row
from openprobation.audit.models import AuditEvent, ChainHead
from openprobation.audit.record import record, record_written

from .helpers import guards_lifted, raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(case, alice):
    """Five audited actions on the case, as actions write them."""
    return [record("test_action", case, by=alice, crn=case.crn, n=n, when=datetime.date(2026, 3, n + 1))
            for n in range(5)]


def test_each_event_is_the_next_link_of_the_chain(events):
    previous = GENESIS
    for position, event in enumerate(events, start=1):
        event.refresh_from_db()
        assert event.seq == position
        assert event.hash == link_hash(previous, {name: getattr(event, name) for name in AUDIT_FIELDS})
        previous = event.hash
    head = ChainHead.objects.get(name=ChainHead.AUDIT)
    assert (head.seq, head.hash) == (5, events[-1].hash)


def test_the_hash_covers_the_row_as_read_back_from_the_database(events):
    stored = AuditEvent.objects.get(pk=events[2].pk)
    assert stored.summary == {"n": 2, "when": "2026-03-03"}
    assert link_hash(events[1].hash, audit_row(stored)) == stored.hash


def test_an_intact_chain_verifies(events):
    report = verify_audit_chain()
    assert report.ok, report.broken
    assert (report.checked, report.head_seq, report.head_hash) == (5, 5, events[-1].hash)


def test_an_altered_row_breaks_the_chain_at_that_row(events):
    target = events[2]
    with guards_lifted("audit_auditevent"):
        raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ['{"n": 99}', target.pk])
    report = verify_audit_chain()
    assert not report.ok
    assert report.broken.row == f"audit event {target.pk} (position 3)"
    assert report.broken.found == f"hash {target.hash}"
    assert report.broken.expected != report.broken.found
    assert report.broken.at == AuditEvent.objects.get(pk=target.pk).at


def test_a_row_rewritten_with_a_new_hash_breaks_the_next_link(events):
    target = events[1]
    forged = link_hash(events[0].hash, {**audit_row(target), "verb": "nothing_happened"})
    with guards_lifted("audit_auditevent"):
        raw("UPDATE audit_auditevent SET verb = %s, hash = %s WHERE id = %s", ["nothing_happened", forged, target.pk])
    report = verify_audit_chain()
    assert report.broken.row == f"audit event {events[2].pk} (position 3)"


def test_a_removed_row_is_reported_where_it_is_missing(events):
    with guards_lifted("audit_auditevent"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[3].pk])
    report = verify_audit_chain()
    assert report.broken.row == f"audit event {events[4].pk} (position 5)"
    assert (report.broken.expected, report.broken.found) == ("position 4", "position 5")


def test_removing_the_newest_rows_is_caught_by_the_head(events):
    with guards_lifted("audit_auditevent"):
        raw("DELETE FROM audit_auditevent WHERE seq >= 4")
    report = verify_audit_chain()
    assert report.broken.row == "the chain head"
    assert "position 5" in report.broken.expected


def test_an_anchor_verifies_only_what_came_after_it(events):
    anchor = f"3:{events[2].hash}"
    report = verify_audit_chain(anchor=anchor)
    assert report.ok
    assert report.checked == 2
    wrong = verify_audit_chain(anchor=f"3:{events[1].hash}")
    assert wrong.broken.row.startswith("position 3")
    with pytest.raises(ValueError, match="POSITION:HASH"):
        verify_audit_chain(anchor="three")


def test_a_rolled_back_action_leaves_no_link(case, alice, events):
    from django.db import transaction

    def doomed_action():
        with transaction.atomic():
            record("doomed", case, by=alice, crn=case.crn)
            raise RuntimeError("the action failed after auditing")

    with pytest.raises(RuntimeError):
        doomed_action()
    assert verify_audit_chain().ok
    assert record("after", case, by=alice, crn=case.crn).seq == 6


def test_the_command_reports_ok_and_the_head(events):
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert f"audit chain: OK, 5 links checked, covering 5 events; head 5:{events[-1].hash}" in out.getvalue()
    assert "access chain: OK" in out.getvalue()


def test_the_command_fails_with_the_first_broken_link(events):
    with guards_lifted("audit_auditevent"):
        raw("UPDATE audit_auditevent SET crn = %s WHERE id = %s", ["X999999", events[0].pk])
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain", "--chain", "audit", stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert f"BROKEN: audit chain broken at audit event {events[0].pk} (position 1)" in err.getvalue()
    assert f"found hash {events[0].hash}" in err.getvalue()


def test_the_command_refuses_a_malformed_anchor(events):
    with pytest.raises(CommandError, match="POSITION:HASH"):
        call_command("verify_audit_chain", "--anchor", "x", stdout=io.StringIO())


def test_a_missing_head_is_recreated_at_the_last_link(case, alice, events):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL guard refuses to delete a chain head")
    ChainHead.objects.filter(name=ChainHead.AUDIT).delete()
    assert record("after", case, by=alice, crn=case.crn).seq == 6
    assert verify_audit_chain().ok


def test_events_appended_together_continue_the_chain_in_order(case, alice, events):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        together = record_written("bulk_action", [(case, case.crn, {"n": n}) for n in range(3)], by=alice)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == 3, statements  # the head locked, the events inserted, the head moved
    assert [event.seq for event in together] == [6, 7, 8]
    stored = list(AuditEvent.objects.filter(seq__gt=5).order_by("seq"))
    assert [event.summary for event in stored] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert [event.actor_id for event in stored] == [alice.pk] * 3
    assert stored[0].hash == link_hash(events[-1].hash, audit_row(stored[0]))
    report = verify_audit_chain()
    assert report.ok, report.broken
    assert (report.checked, report.head_hash) == (8, stored[-1].hash)
    assert record("after", case, by=alice, crn=case.crn).seq == 9
    assert record_written("nothing", [], by=alice) == []


def test_events_appended_together_are_each_covered_by_the_chain(case, alice, events):
    together = record_written("bulk_action", [(case, case.crn, {"n": n}) for n in range(3)], by=None)
    assert AuditEvent.objects.get(pk=together[1].pk).actor_id is None
    with guards_lifted("audit_auditevent"):
        raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["0", together[1].pk])
    assert verify_audit_chain().broken.row == f"audit event {together[1].pk} (position 7)"
