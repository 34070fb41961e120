"""The access actions: validation, lock-out guards, stale edits, and an AuditEvent for every change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprobation.access import actions
from openprobation.access.case import people_visible_to
from openprobation.access.models import CaseShare, Exclusion, InspectionSample, Restriction
from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    RestrictionFactory,
    another_person,
)
from openprobation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# --- exclusions -----------------------------------------------------------------------------------------------


def test_exclude_a_user_then_end_it(case, bob, mandy):
    entry = actions.exclude_user(case, user=bob, start_date=today(), reason="Knows the person", by=mandy)
    assert not people_visible_to(bob).filter(pk=case.pk).exists()
    audit = AuditEvent.objects.get(verb="exclude_user")
    assert (audit.actor, audit.crn, audit.summary["user"], audit.summary["reason"]) == (
        mandy, case.crn, "bob", "Knows the person")
    actions.end_exclusion(entry, by=mandy, expected_version=1)
    entry.refresh_from_db()
    assert (entry.end_date, entry.ended_by, entry.version) == (today(), mandy, 2)
    assert people_visible_to(bob).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(verb="end_exclusion", crn=case.crn).count() == 1


def test_exclusion_rules(case, bob, mandy):
    with pytest.raises(ValidationError) as refused:
        actions.exclude_user(case, user=mandy, start_date=today(), by=mandy)
    assert "cannot exclude yourself" in errors(refused.value)["user"][0]
    with pytest.raises(ValidationError) as refused:
        actions.exclude_user(case, user=bob, start_date=today(), end_date=today(), by=mandy)
    assert "end date must be after the start date" in errors(refused.value)["end_date"][0]
    actions.exclude_user(case, user=bob, start_date=today(), end_date=days(10), by=mandy)
    with pytest.raises(ValidationError) as refused:
        actions.exclude_user(case, user=bob, start_date=days(5), by=mandy)
    assert "already excluded" in errors(refused.value)["user"][0]
    actions.exclude_user(case, user=bob, start_date=days(10), by=mandy)  # after the first ends: fine
    assert Exclusion.objects.count() == 2
    assert AuditEvent.objects.filter(verb="exclude_user").count() == 2


def test_ending_is_refused_when_stale_or_already_over(case, bob, mandy):
    entry = ExclusionFactory(person=case, user=bob, added_by=mandy)
    with pytest.raises(ValidationError, match="Someone else changed this entry"):
        actions.end_exclusion(entry, by=mandy, expected_version=7)
    actions.end_exclusion(entry, by=mandy, expected_version=1)
    with pytest.raises(ValidationError, match="already ended"):
        actions.end_exclusion(entry, by=mandy, expected_version=2)


def test_ending_a_future_entry_means_it_never_comes_into_force(case, bob, mandy):
    entry = ExclusionFactory(person=case, user=bob, added_by=mandy, start_date=days(5))
    actions.end_exclusion(entry, by=mandy, expected_version=1)
    entry.refresh_from_db()
    assert entry.end_date == entry.start_date == days(5)
    assert not entry.is_active(days(5))


# --- restrictions ---------------------------------------------------------------------------------------------


def test_restrictions_start_with_the_one_adding_them(case, alice, mandy, bob):
    with pytest.raises(ValidationError) as refused:
        actions.restrict_to_user(case, user=alice, start_date=today(), by=mandy)
    assert "Add yourself to the restriction list first" in errors(refused.value)["user"][0]
    actions.restrict_to_user(case, user=mandy, start_date=today(), reason="MAPPA level 3", by=mandy)
    actions.restrict_to_user(case, user=alice, start_date=today(), by=mandy)
    assert set(people_visible_to(alice)) == {case}
    assert not people_visible_to(bob).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(verb="restrict_case", crn=case.crn).count() == 2


def test_nobody_can_end_their_own_restriction_while_others_stay(case, alice, mandy):
    mine = actions.restrict_to_user(case, user=mandy, start_date=today(), by=mandy)
    alices = actions.restrict_to_user(case, user=alice, start_date=today(), by=mandy)
    with pytest.raises(ValidationError, match="You would lose access"):
        actions.end_restriction(mine, by=mandy, expected_version=1)
    actions.end_restriction(alices, by=mandy, expected_version=1)
    actions.end_restriction(mine, by=mandy, expected_version=1)  # the last one: the case opens to everyone
    assert Restriction.objects.filter(end_date=today()).count() == 2
    assert AuditEvent.objects.filter(verb="end_restriction").count() == 2


# --- messages -------------------------------------------------------------------------------------------------


def test_messages_are_versioned_and_audited(case, mandy):
    saved = actions.set_limited_access_messages(
        case, exclusion_message="  Ask the SPO.  ", restriction_message="", expected_version=0, by=mandy)
    assert (saved.exclusion_message, saved.version) == ("Ask the SPO.", 1)
    with pytest.raises(ValidationError, match="Someone else changed these messages"):
        actions.set_limited_access_messages(case, exclusion_message="x", restriction_message="y",
                                            expected_version=0, by=mandy)
    saved = actions.set_limited_access_messages(case, exclusion_message="Ask the SPO.",
                                                restriction_message="Restricted.", expected_version=1, by=mandy)
    assert saved.version == 2
    audit = AuditEvent.objects.filter(verb="set_limited_access_messages").order_by("id").last()
    assert audit.summary["before"]["restriction_message"] == ""
    assert audit.summary["after"]["restriction_message"] == "Restricted."


# --- shares ---------------------------------------------------------------------------------------------------


def test_share_with_a_partner_then_stop(case, alice, priya):
    assert not people_visible_to(priya).exists()
    share = actions.share_case(case, partner=priya, start_date=today(), reason="MAPPA level 2", by=alice)
    assert list(people_visible_to(priya)) == [case]
    assert AuditEvent.objects.get(verb="share_case").summary["partner"] == "priya"
    actions.end_case_share(share, by=alice, expected_version=1)
    assert not people_visible_to(priya).exists()
    assert AuditEvent.objects.filter(verb="end_case_share").count() == 1


def test_only_active_partners_and_a_reason(case, alice, bob, priya):
    with pytest.raises(ValidationError) as refused:
        actions.share_case(case, partner=bob, start_date=today(), reason="x", by=alice)
    assert "public protection partner" in errors(refused.value)["partner"][0]
    with pytest.raises(ValidationError) as refused:
        actions.share_case(case, partner=priya, start_date=today(), reason="  ", by=alice)
    assert "Enter why" in errors(refused.value)["reason"][0]
    CaseShareFactory(person=case, partner=priya, added_by=alice)
    with pytest.raises(ValidationError, match="already shared"):
        actions.share_case(case, partner=priya, start_date=today(), reason="again", by=alice)
    priya.is_active = False
    priya.save(update_fields=["is_active"])
    other = another_person()
    with pytest.raises(ValidationError):
        actions.share_case(other, partner=priya, start_date=today(), reason="x", by=alice)
    assert CaseShare.objects.count() == 1


# --- inspection samples -----------------------------------------------------------------------------------------


def test_create_an_inspection_sample(case, ian, sam):
    other = another_person()
    sample = actions.create_inspection_sample(
        name="Northwold core inspection", start_date=today(), end_date=days(28), inspectors=[ian],
        crns=[case.crn.lower(), other.crn, " "], by=sam,
    )
    assert set(people_visible_to(ian)) == {case, other}
    audit = AuditEvent.objects.get(verb="create_inspection_sample")
    assert audit.summary["crns"] == sorted([case.crn, other.crn])
    assert audit.summary["inspectors"] == ["ian"]
    actions.end_inspection_sample(sample, by=sam, expected_version=1)
    assert not people_visible_to(ian).exists()
    with pytest.raises(ValidationError, match="already ended"):
        actions.end_inspection_sample(sample, by=sam, expected_version=2)


def test_inspection_sample_rules(case, ian, alice, sam):
    good = {"name": "Inspection", "start_date": today(), "end_date": days(5), "inspectors": [ian],
            "crns": [case.crn], "by": sam}
    for change, field, message in [
        ({"name": " "}, "name", "Enter a name"),
        ({"end_date": today()}, "end_date", "after the start date"),
        ({"inspectors": []}, "inspectors", "at least one inspector"),
        ({"inspectors": [alice]}, "inspectors", "Not an active inspector"),
        ({"crns": []}, "crns", "Enter the CRNs"),
        ({"crns": [case.crn, "Z999999"]}, "crns", "No case with CRN Z999999"),
    ]:
        with pytest.raises(ValidationError) as refused:
            actions.create_inspection_sample(**(good | change))
        assert message in errors(refused.value)[field][0]
    assert not InspectionSample.objects.exists()


# --- constraints ------------------------------------------------------------------------------------------------


def test_entries_cannot_end_before_they_start(case, bob, mandy):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExclusionFactory(person=case, user=bob, added_by=mandy, start_date=today(), end_date=days(-1))


def test_ended_by_and_ended_at_go_together(case, bob, mandy):
    with pytest.raises(IntegrityError), transaction.atomic():
        RestrictionFactory(person=case, user=bob, added_by=mandy, ended_by=mandy)
