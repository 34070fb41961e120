import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from openprobation.access.case import access_case
from openprobation.access.models import AccessEvent
from openprobation.audit.chain import seal_access_events, verify_access_chain
from openprobation.audit.models import AccessSeal, ChainHead

from .helpers import guards_lifted, raw

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(hours=1)


@pytest.fixture
def reads(case, alice, bob):
    """Seven reads of the case, by two users."""
    for n in range(7):
        access_case(alice if n % 2 else bob, case.crn, part="overview")
    return list(AccessEvent.objects.order_by("id"))


def test_sealing_covers_every_event_in_batches_and_verifies(reads):
    assert seal_access_events(now=timezone.now() + LATER, batch_size=3) == 7
    seals = list(AccessSeal.objects.order_by("seq"))
    assert [(s.seq, s.count) for s in seals] == [(1, 3), (2, 3), (3, 1)]
    assert seals[-1].last_event_id == reads[-1].pk
    head = ChainHead.objects.get(name=ChainHead.ACCESS)
    assert (head.seq, head.hash, head.last_event_id) == (3, seals[-1].hash, reads[-1].pk)
    report = verify_access_chain()
    assert report.ok, report.broken
    assert (report.checked, report.events, report.unsealed) == (3, 7, 0)


def test_sealing_again_seals_only_new_events(case, alice, reads):
    seal_access_events(now=timezone.now() + LATER)
    assert seal_access_events(now=timezone.now() + LATER) == 0
    access_case(alice, case.crn, part="sentence")
    assert seal_access_events(now=timezone.now() + LATER) == 1
    assert verify_access_chain().ok


def test_recent_events_wait_for_the_next_run(reads):
    # Ids are handed out before commit: events are sealed only once no earlier one can still be in flight.
    assert seal_access_events() == 0
    report = verify_access_chain()
    assert report.ok
    assert report.unsealed == 7


def test_an_altered_event_is_named(reads):
    seal_access_events(now=timezone.now() + LATER, batch_size=3)
    target = reads[5]
    with guards_lifted("access_accessevent"):
        raw("UPDATE access_accessevent SET user_id = %s WHERE id = %s", [reads[0].user_id, target.pk])
    assert target.user_id != reads[0].user_id
    report = verify_access_chain()
    assert report.broken.row == f"access event {target.pk} (seal 2)"
    assert report.broken.at == target.at
    assert report.broken.expected.startswith("digest ")
    assert report.broken.found.startswith("digest ")
    assert report.broken.expected != report.broken.found


def test_a_removed_event_is_named(reads):
    seal_access_events(now=timezone.now() + LATER)
    with guards_lifted("access_accessevent"):
        raw("DELETE FROM access_accessevent WHERE id = %s", [reads[2].pk])
    report = verify_access_chain()
    assert report.broken.row == f"access event {reads[2].pk} (seal 1)"
    assert report.broken.found == "no such event"


def test_an_event_slipped_into_a_sealed_range_is_named(reads, alice):
    seal_access_events(now=timezone.now() + LATER)
    with guards_lifted("access_accessevent"):
        raw("DELETE FROM access_accessevent WHERE id = %s", [reads[3].pk])
    seal_access_events(now=timezone.now() + LATER)  # nothing new
    # Put a different row where the removed one was (bulk_create, as the model's save() refuses an id).
    AccessEvent.objects.bulk_create([AccessEvent(id=reads[3].pk, user=alice, crn=reads[3].crn, part="overview")])
    report = verify_access_chain()
    assert report.broken.row == f"access event {reads[3].pk} (seal 1)"


def test_an_altered_seal_is_named(reads):
    seal_access_events(now=timezone.now() + LATER, batch_size=4)
    second = AccessSeal.objects.get(seq=2)
    with guards_lifted("audit_accessseal"):
        raw("UPDATE audit_accessseal SET count = 1 WHERE id = %s", [second.pk])
    report = verify_access_chain()
    assert report.broken.row.startswith("seal 2 ")
    assert report.broken.found == f"hash {second.hash}"


def test_the_seal_command(reads):
    out = io.StringIO()
    call_command("seal_access_events", "--grace-seconds", "0", stdout=out)
    assert out.getvalue().strip() == "Sealed 7 access events."
    out = io.StringIO()
    call_command("verify_audit_chain", "--chain", "access", stdout=out)
    assert "access chain: OK, 1 links checked, covering 7 events" in out.getvalue()
