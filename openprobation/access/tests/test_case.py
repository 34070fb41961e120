import pytest
from django.http import Http404

from openprobation.access.case import access_case, people_visible_to
from openprobation.access.models import AccessEvent
from openprobation.audit.models import AuditEvent
from openprobation.audit.record import record

pytestmark = pytest.mark.django_db


def test_access_case_returns_the_person_and_writes_an_access_event(alice, case):
    assert access_case(alice, case.crn.lower(), part="overview") == case
    event = AccessEvent.objects.get()
    assert (event.user, event.crn, event.part, event.granted) == (alice, case.crn, "overview", True)


def test_missing_case_raises_not_found_and_is_recorded(alice):
    with pytest.raises(Http404):
        access_case(alice, "X000000", part="overview")
    assert AccessEvent.objects.get().granted is False


def test_inactive_user_sees_nothing(alice, case):
    alice.is_active = False
    assert not people_visible_to(alice).exists()
    with pytest.raises(Http404):
        access_case(alice, case.crn, part="overview")


def test_access_and_audit_events_are_append_only(alice, case):
    access_case(alice, case.crn, part="overview")
    event = AccessEvent.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    audit = record("looked", case, by=alice, crn=case.crn)
    with pytest.raises(ValueError, match="append-only"):
        audit.save()
    assert AuditEvent.objects.count() == 1
