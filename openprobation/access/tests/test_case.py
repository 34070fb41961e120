import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from openprobation.access.case import PartForbidden, access_case, access_equality_data, people_visible_to
from openprobation.access.models import AccessEvent
from openprobation.access.tests.factories import CaseShareFactory, InspectionSampleFactory, another_person
from openprobation.audit.models import AuditEvent
from openprobation.audit.record import record
from openprobation.people.models import EqualityData

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


# --- who reaches which case ---------------------------------------------------------------------------------


def test_providers_and_administrators_reach_no_case(case, pat, sam):
    for user in (pat, sam):
        assert not people_visible_to(user).exists()
        with pytest.raises(Http404):
            access_case(user, case.crn, part="overview")
        event = AccessEvent.objects.filter(user=user).get()
        assert (event.granted, event.denied_because, event.role) == (False, "not-in-scope", user.role)


def test_a_missing_case_and_one_out_of_reach_are_told_apart_only_in_the_log(case, pat):
    with pytest.raises(Http404) as missing:
        access_case(pat, "X999999", part="overview")
    with pytest.raises(Http404) as out_of_reach:
        access_case(pat, case.crn, part="overview")
    assert str(missing.value) == str(out_of_reach.value)
    assert list(AccessEvent.objects.order_by("id").values_list("denied_because", flat=True)) == [
        "no-such-case", "not-in-scope"]


def test_a_partner_reaches_only_cases_shared_with_them_while_shared(case, priya, alice):
    other = another_person()
    share = CaseShareFactory(person=case, partner=priya, added_by=alice,
                             end_date=timezone.localdate() + datetime.timedelta(days=3))
    assert list(people_visible_to(priya)) == [case]
    assert access_case(priya, case.crn, part="overview") == case
    with pytest.raises(Http404):
        access_case(priya, other.crn, part="overview")
    later = timezone.localdate() + datetime.timedelta(days=3)
    assert not people_visible_to(priya, today=later).exists()
    with pytest.raises(Http404):
        access_case(priya, case.crn, part="overview", today=later)
    assert share.is_active(timezone.localdate())


def test_an_inspector_reaches_only_their_sample_while_it_runs(case, ian, sam):
    other = another_person()
    sample = InspectionSampleFactory(inspectors=[ian], people=[case], created_by=sam)
    assert list(people_visible_to(ian)) == [case]
    with pytest.raises(Http404):
        access_case(ian, other.crn, part="overview")
    assert not people_visible_to(ian, today=sample.end_date).exists()
    assert not people_visible_to(ian, today=sample.start_date - datetime.timedelta(days=1)).exists()


# --- parts and changes --------------------------------------------------------------------------------------


def test_a_part_the_role_may_not_read_is_forbidden_not_missing(case, alice, dora):
    with pytest.raises(PartForbidden):
        access_case(alice, case.crn, part="access-log")
    with pytest.raises(PartForbidden):
        access_case(dora, case.crn, part="overview")
    assert access_case(dora, case.crn, part="access-log") == case
    assert list(AccessEvent.objects.order_by("id").values_list("denied_because", flat=True)) == ["role", "role", ""]


def test_roles_that_only_read_are_refused_changes(case, alice, cody, ian, sam):
    InspectionSampleFactory(inspectors=[ian], people=[case], created_by=sam)
    assert access_case(alice, case.crn, part="appointments", change=True) == case
    assert access_case(cody, case.crn, part="sentence", change=True) == case
    for user, part in ((cody, "appointments"), (ian, "overview"), (ian, "sentence")):
        assert access_case(user, case.crn, part=part) == case
        with pytest.raises(PartForbidden, match="may read this part of the case but not change it"):
            access_case(user, case.crn, part=part, change=True)
    assert AccessEvent.objects.filter(denied_because="read-only").count() == 3


def test_an_unlisted_part_is_case_record(case, ada, dora):
    assert access_case(ada, case.crn, part="a-new-page", change=True) == case
    with pytest.raises(PartForbidden):
        access_case(dora, case.crn, part="a-new-page")


def test_the_person_carries_what_the_viewer_may_do(case, cody):
    person = access_case(cody, case.crn, part="overview")
    assert person.case_access.may_read("overview")
    assert not person.case_access.may_change()
    assert person.case_access.may_change("sentence")
    assert not person.case_access.may_read("access-log")


# --- special-category data ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "allowed"), [
    ("alice", True), ("bob", True), ("mandy", True), ("ian", True),
    ("ada", False), ("cody", False), ("priya", False), ("dora", False),
])
def test_equality_data_only_for_roles_that_need_it_and_each_read_is_audited(request, case, username, allowed):
    user = request.getfixturevalue(username)
    EqualityData.objects.create(person=case, ethnicity="Synthetic ethnicity label")
    assert (access_equality_data(user, case) is not None) is allowed
    events = AccessEvent.objects.filter(user=user, part="equality-data")
    assert events.count() == (1 if allowed else 0)
