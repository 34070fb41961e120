"""Registration actions: add, review, remove, the RoSH mirror; validation, audit, tier recalculation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprobation.audit.models import AuditEvent
from openprobation.protection import actions
from openprobation.protection.models import Registration, RegistrationReview

from .factories import RegistrationFactory, register_type

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def add(case, by, code="ALSH", **kw):
    kw.setdefault("registered_on", datetime.date(2026, 5, 1))
    kw.setdefault("today", TODAY)
    return actions.add_registration(case, by=by, register_type=register_type(code), **kw)


def field_errors(caught) -> dict:
    return {field: [str(m) for m in messages] for field, messages in caught.value.message_dict.items()}


# --- reference data ---------------------------------------------------------------------------------


def test_register_types_are_loaded_with_mappa_levels_and_categories():
    mappa = register_type("MAPP")
    assert [code for code, _ in mappa.levels] == ["M1", "M2", "M3"]
    assert [code for code, _ in mappa.categories] == ["M1", "M2", "M3", "M4"]
    assert (mappa.review_months, mappa.level_required, mappa.category_required) == (3, True, True)
    assert {register_type(c).exclusive_group for c in ("RVHR", "RHRH", "RMRH", "RLRH")} == {"rosh"}
    assert register_type("REG30").review_months is None


def test_every_register_code_the_tier_reads_is_a_register_type():
    from openprobation.assessments.rules.tier_inputs import TIER_CODES
    from openprobation.protection.models import RegisterType

    shipped = set(RegisterType.objects.values_list("code", flat=True))
    assert TIER_CODES - {"HREG"} <= shipped  # historic registrations are an import artefact, never added


# --- add --------------------------------------------------------------------------------------------


def test_add_sets_the_review_date_from_the_type_and_is_audited(case, alice):
    registration = add(case, alice, "MAPP", level="M2", category="M1", notes="Synthetic MAPPA notes")
    assert registration.next_review_date == datetime.date(2026, 8, 1)  # MAPPA: every 3 months
    assert (registration.registered_by, registration.version, registration.active) == (alice, 1, True)
    event = AuditEvent.objects.get(verb="registration_added")
    assert (event.crn, event.actor, event.summary["type"], event.summary["level"]) == (case.crn, alice, "MAPP", "M2")


def test_a_given_review_date_is_kept_and_types_without_reviews_have_none(case, alice):
    assert add(case, alice, next_review_date=datetime.date(2026, 6, 1)).next_review_date == datetime.date(2026, 6, 1)
    assert add(case, alice, "REG30").next_review_date is None


@pytest.mark.parametrize(("code", "kw", "field", "message"), [
    ("MAPP", {"category": "M1"}, "level", "Select the MAPPA level"),
    ("MAPP", {"level": "M1"}, "category", "Select the MAPPA category"),
    ("MAPP", {"level": "M4", "category": "M1"}, "level", "does not have a level M4"),
    ("ALSH", {"level": "M1"}, "level", "does not take a level"),
    ("ALSH", {"registered_on": datetime.date(2026, 11, 24)}, "registered_on", "today or in the past"),
    ("ALSH", {"registered_on": datetime.date(1950, 1, 1)}, "registered_on", "after the person's date of birth"),
    ("ALSH", {"next_review_date": datetime.date(2026, 4, 30)}, "next_review_date", "on or after the registration"),
])
def test_add_refuses_bad_input_on_its_field(case, alice, code, kw, field, message):
    with pytest.raises(ValidationError) as caught:
        add(case, alice, code, **kw)
    assert message in " ".join(field_errors(caught)[field])
    assert not Registration.objects.exists()


def test_one_active_flag_of_a_type_and_one_rosh_level(case, alice):
    add(case, alice, "ALSH")
    with pytest.raises(ValidationError, match="already has an active Suicide or self-harm flag"):
        add(case, alice, "ALSH")
    add(case, alice, "RHRH")
    with pytest.raises(ValidationError, match="already has a High risk of serious harm flag"):
        add(case, alice, "RMRH")


def test_a_removed_flag_can_be_registered_again(case, alice):
    first = add(case, alice, "ALSH")
    actions.remove_registration(first, by=alice, removed_on=datetime.date(2026, 6, 1), reason="Risk reduced",
                                today=TODAY)
    assert add(case, alice, "ALSH", registered_on=datetime.date(2026, 9, 1)).active


def test_retired_types_cannot_be_added(case, alice):
    alsh = register_type("ALSH")
    alsh.selectable = False
    alsh.save(update_fields=["selectable"])
    with pytest.raises(ValidationError, match="no longer used"):
        add(case, alice, "ALSH")


@pytest.mark.parametrize("who", ["cody", "ian", "pat", "priya", "sam"])
def test_only_case_record_writers_change_flags(request, case, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        add(case, user)
    registration = RegistrationFactory(person=case)
    with pytest.raises(PermissionDenied):
        actions.remove_registration(registration, by=user, removed_on=TODAY, reason="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        actions.review_registration(registration, by=user, reviewed_on=TODAY, notes="x", today=TODAY)


@pytest.mark.parametrize("who", ["alice", "bob", "mandy", "ada"])
def test_practitioners_managers_and_case_admins_change_flags(request, case, who):
    assert add(case, request.getfixturevalue(who)).active


# --- review -----------------------------------------------------------------------------------------


def test_review_records_what_was_due_sets_the_next_date_and_may_change_the_level(case, alice, mandy):
    registration = add(case, alice, "MAPP", level="M2", category="M1")
    review = actions.review_registration(registration, by=mandy, reviewed_on=datetime.date(2026, 8, 5),
                                         notes="Stepped down after the MAPP meeting", level="M1",
                                         expected_version=1, today=TODAY)
    assert (review.due_on, review.level, review.category) == (datetime.date(2026, 8, 1), "M1", "M1")
    assert review.next_review_date == datetime.date(2026, 11, 5)
    registration.refresh_from_db()
    assert (registration.level, registration.next_review_date, registration.version) == (
        "M1", datetime.date(2026, 11, 5), 2)
    event = AuditEvent.objects.get(verb="registration_reviewed")
    assert event.summary["level_changed"] == "M2 to M1"
    assert event.actor == mandy


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"notes": "  "}, "notes", "Enter what the review found"),
    ({"reviewed_on": datetime.date(2026, 4, 1)}, "reviewed_on", "on or after the registration date"),
    ({"reviewed_on": datetime.date(2026, 12, 1)}, "reviewed_on", "today or in the past"),
    ({"next_review_date": datetime.date(2026, 7, 1)}, "next_review_date", "on or after the review date"),
    ({"level": "M9"}, "level", "does not have a level M9"),
])
def test_review_refuses_bad_input(case, alice, kw, field, message):
    registration = add(case, alice, "MAPP", level="M2", category="M1")
    data = {"reviewed_on": datetime.date(2026, 8, 1), "notes": "Still applies", **kw}
    with pytest.raises(ValidationError) as caught:
        actions.review_registration(registration, by=alice, today=TODAY, **data)
    assert message in " ".join(field_errors(caught)[field])
    assert not RegistrationReview.objects.exists()


def test_reviews_go_forward_in_time(case, alice):
    registration = add(case, alice)
    actions.review_registration(registration, by=alice, reviewed_on=datetime.date(2026, 9, 1), notes="a", today=TODAY)
    with pytest.raises(ValidationError, match="on or after the last review"):
        actions.review_registration(registration, by=alice, reviewed_on=datetime.date(2026, 8, 1), notes="b",
                                    today=TODAY)


def test_a_stale_review_is_refused(case, alice, bob):
    registration = add(case, alice)
    stale_copy = Registration.objects.get(pk=registration.pk)
    actions.review_registration(registration, by=bob, reviewed_on=TODAY, notes="First", expected_version=1,
                                today=TODAY)
    with pytest.raises(ValidationError, match="Someone else changed this flag"):
        actions.review_registration(stale_copy, by=alice, reviewed_on=TODAY, notes="Second", expected_version=1,
                                    today=TODAY)
    assert RegistrationReview.objects.count() == 1


# --- remove -----------------------------------------------------------------------------------------


def test_remove_keeps_the_flag_with_date_reason_and_who(case, alice, mandy):
    registration = add(case, alice)
    actions.remove_registration(registration, by=mandy, removed_on=datetime.date(2026, 10, 1),
                                reason="Risk no longer present", expected_version=1, today=TODAY)
    registration.refresh_from_db()
    assert (registration.active, registration.deregistered_by, registration.deregistration_reason) == (
        False, mandy, "Risk no longer present")
    assert AuditEvent.objects.get(verb="registration_removed").summary["reason"] == "Risk no longer present"
    with pytest.raises(ValidationError, match="already been removed"):
        actions.remove_registration(registration, by=mandy, removed_on=TODAY, reason="Again", today=TODAY)
    with pytest.raises(ValidationError, match="cannot be reviewed"):
        actions.review_registration(registration, by=mandy, reviewed_on=TODAY, notes="x", today=TODAY)


@pytest.mark.parametrize(("kw", "field"), [
    ({"reason": ""}, "reason"),
    ({"removed_on": datetime.date(2026, 4, 30)}, "removed_on"),
    ({"removed_on": datetime.date(2026, 11, 24)}, "removed_on"),
])
def test_remove_refuses_bad_input(case, alice, kw, field):
    registration = add(case, alice)
    with pytest.raises(ValidationError) as caught:
        actions.remove_registration(registration, by=alice, **{"removed_on": TODAY, "reason": "Ended", **kw},
                                    today=TODAY)
    assert field in caught.value.message_dict
    registration.refresh_from_db()
    assert registration.active


# --- RoSH mirror ------------------------------------------------------------------------------------


def test_set_rosh_registration_replaces_the_level(case, alice):
    first = actions.set_rosh_registration(case, by=alice, rosh="medium", on=datetime.date(2026, 5, 1), today=TODAY)
    assert first.register_type.code == "RMRH"
    assert actions.set_rosh_registration(case, by=alice, rosh="medium", on=datetime.date(2026, 6, 1),
                                         today=TODAY) == first
    second = actions.set_rosh_registration(case, by=alice, rosh="very_high", on=datetime.date(2026, 7, 1),
                                           today=TODAY)
    first.refresh_from_db()
    assert (second.register_type.code, first.active, first.deregistered_on) == ("RVHR", False,
                                                                                datetime.date(2026, 7, 1))
    assert actions.set_rosh_registration(case, by=alice, rosh=None, on=TODAY, today=TODAY) is None
    assert not Registration.objects.active().filter(person=case).exists()


# --- the tier follows the flags -----------------------------------------------------------------------


def test_each_change_recalculates_the_tier_after_commit(case, alice, django_capture_on_commit_callbacks):
    from openprobation.assessments.models import TierCalculation

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registration = actions.add_registration(
            case, by=alice, register_type=register_type("MAPP"), level="M3", category="M2", registered_on=today)
    assert len(callbacks) == 1
    latest = TierCalculation.objects.filter(person=case).latest("pk")
    assert {"code": "MAPP", "level": "M3", "category": "M2", "date": today.isoformat()} in \
        latest.inputs["registrations"]
    assert latest.triggered_by == alice
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.remove_registration(registration, by=alice, removed_on=today, reason="Ended")
    assert len(callbacks) == 1
    assert TierCalculation.objects.filter(person=case).latest("pk").inputs.get("registrations", []) == []


def test_a_review_that_changes_nothing_tier_relevant_does_not_recalculate(case, alice,
                                                                          django_capture_on_commit_callbacks):
    registration = add(case, alice, "MAPP", level="M2", category="M1")
    with django_capture_on_commit_callbacks() as callbacks:
        actions.review_registration(registration, by=alice, reviewed_on=TODAY, notes="No change", today=TODAY)
    assert callbacks == []


# --- database constraints ----------------------------------------------------------------------------


def test_the_database_holds_one_active_flag_per_type(case):
    RegistrationFactory(person=case, registered_by=case.practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(person=case, registered_by=case.practitioner)


@pytest.mark.parametrize("fields", [
    {"deregistered_on": datetime.date(2025, 2, 1)},  # no reason or who
    {"deregistration_reason": "Ended"},  # no date
    {"deregistered_on": datetime.date(2024, 12, 1), "deregistration_reason": "Ended", "who": True},  # before
    {"next_review_date": datetime.date(2024, 12, 1)},  # review before registration
])
def test_registration_constraints(case, alice, fields):
    fields = dict(fields)
    if fields.pop("who", False) or "deregistered_on" in fields and "deregistration_reason" in fields:
        fields["deregistered_by"] = alice
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(person=case, **fields)


@pytest.mark.parametrize("fields", [{"notes": ""}, {"next_review_date": datetime.date(2025, 6, 1)}])
def test_review_constraints(case, fields):
    from .factories import RegistrationReviewFactory

    registration = RegistrationFactory(person=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationReviewFactory(registration=registration, **fields)
