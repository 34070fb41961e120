import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openprobation.audit.models import AuditEvent
from openprobation.sentences.models import SentenceType
from openprobation.sentences.tests.factories import RequirementFactory, SentenceFactory
from openprobation.staff.models import Office
from openprobation.supervision import actions, rules
from openprobation.supervision.enforcement import decide_for_contact, enforcement_history
from openprobation.supervision.models import Breach, Contact, ContactType, EnforcementRecord
from openprobation.supervision.tests.factories import AppointmentFactory

HOUR = datetime.timedelta(hours=1)


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.fixture
def order(case):
    return case.sentences.get()


def appointment(order, when, **kwargs):
    return AppointmentFactory(sentence=order, starts_at=when, **kwargs)


def outcome(contact, code, by, today, notes=""):
    contact.refresh_from_db()
    return actions.record_outcome(
        contact, code, by=by, notes=notes, expected_version=contact.version, today=today
    )


def arrange(case, alice, when, **overrides):
    kwargs = {
        "by": alice,
        "contact_type": ContactType.objects.get(code="COAP"),
        "sentence": case.sentences.get(),
        "requirement": None,
        "location": alice.team.office,
        "staff": alice,
        "starts_at": when,
        "duration": HOUR,
        "repeat_frequency": "",
        "repeat_count": 1,
        "sensitive": False,
        "notes": "",
    }
    kwargs.update(overrides)
    return actions.arrange_appointments(case, **kwargs)


# --- enforcement paths ----------------------------------------------------------------------------


def test_first_unacceptable_absence_offers_warning_and_ea02_gives_seven_days(order, alice):
    missed = appointment(order, at(2026, 3, 2))

    decision = outcome(missed, "UAAB", alice, datetime.date(2026, 3, 3))

    assert decision.status == rules.EnforcementStatus.WARNING_OR_BREACH
    assert "EA02" in decision.allowed_actions
    assert "NFA" not in decision.allowed_actions

    record = actions.take_enforcement_action(missed, "EA02", by=alice, rationale="", today=datetime.date(2026, 3, 3))

    assert record.response_due == datetime.date(2026, 3, 10)
    assert record.breach_pack_due is None
    assert record.sentence == order
    logged = Contact.objects.get(person=order.person, contact_type__code="ENFA")
    assert logged.description.startswith("First warning letter sent. Response due by 10 March 2026.")
    assert "Enforcement action: First warning letter sent" in missed.notes.get().text
    assert AuditEvent.objects.filter(verb="take_enforcement_action", object_id=str(record.pk)).exists()
    assert not Breach.objects.exists()


def test_second_failure_within_twelve_months_of_a_warning_requires_breach(order, alice):
    first = appointment(order, at(2026, 3, 2))
    outcome(first, "UAAB", alice, datetime.date(2026, 3, 3))
    actions.take_enforcement_action(first, "EA02", by=alice, today=datetime.date(2026, 3, 3))
    second = appointment(order, at(2026, 3, 13))

    decision = outcome(second, "UAAB", alice, datetime.date(2026, 3, 16))

    assert decision.status == rules.EnforcementStatus.BREACH_REQUIRED
    assert "EA02" not in decision.allowed_actions
    with pytest.raises(ValidationError) as refused:
        actions.take_enforcement_action(second, "EA02", by=alice, today=datetime.date(2026, 3, 16))
    assert "action" in refused.value.message_dict

    record = actions.take_enforcement_action(second, "IBR", by=alice, today=datetime.date(2026, 3, 16))

    # Ten working days after Monday 16 March 2026 (no bank holidays in between).
    assert record.breach_pack_due == datetime.date(2026, 3, 30)
    breach = Breach.objects.get(sentence=order)
    assert breach.pack_due == datetime.date(2026, 3, 30)
    assert breach.triggered_by == second
    assert breach.status == Breach.Status.INITIATED
    assert breach.ended_on is None
    assert Contact.objects.filter(person=order.person, contact_type__code="BRIN").count() == 1


def test_breach_pack_deadline_skips_bank_holidays(order, alice):
    missed = appointment(order, at(2026, 3, 27))
    outcome(missed, "UAAB", alice, datetime.date(2026, 3, 30))

    record = actions.take_enforcement_action(
        missed, "IBR", by=alice, rationale="Threatened staff", today=datetime.date(2026, 3, 30)
    )

    # Good Friday (3 April) and Easter Monday (6 April) 2026 are not working days.
    assert record.breach_pack_due == datetime.date(2026, 4, 15)


def test_breach_on_a_first_failure_needs_a_rationale(order, alice):
    missed = appointment(order, at(2026, 3, 2))
    outcome(missed, "UAAB", alice, datetime.date(2026, 3, 3))

    with pytest.raises(ValidationError) as refused:
        actions.take_enforcement_action(missed, "IBR", by=alice, rationale="  ", today=datetime.date(2026, 3, 3))

    assert "rationale" in refused.value.message_dict
    assert not Breach.objects.exists()
    assert not EnforcementRecord.objects.exists()


def test_no_further_action_is_refused_for_an_unacceptable_failure(order, alice):
    missed = appointment(order, at(2026, 3, 2))
    outcome(missed, "UAAB", alice, datetime.date(2026, 3, 3))

    with pytest.raises(ValidationError):
        actions.take_enforcement_action(missed, "NFA", by=alice, rationale="x", today=datetime.date(2026, 3, 3))
    assert not EnforcementRecord.objects.exists()


def test_a_second_warning_letter_for_the_same_appointment_is_refused(order, alice):
    missed = appointment(order, at(2026, 3, 2))
    outcome(missed, "UAAB", alice, datetime.date(2026, 3, 3))
    actions.take_enforcement_action(missed, "EA02", by=alice, today=datetime.date(2026, 3, 3))

    with pytest.raises(ValidationError):
        actions.take_enforcement_action(missed, "EA02", by=alice, today=datetime.date(2026, 3, 4))
    assert EnforcementRecord.objects.count() == 1


def test_failed_to_attend_awaits_evidence_for_five_working_days(order, alice):
    missed = appointment(order, at(2026, 3, 2))

    decision = outcome(missed, "AFTA", alice, datetime.date(2026, 3, 2))

    missed.refresh_from_db()
    assert missed.evidence_due == datetime.date(2026, 3, 9)
    assert decision.status == rules.EnforcementStatus.AWAITING_EVIDENCE
    assert decision.due_dates["evidence_due"] == datetime.date(2026, 3, 9)


def test_failed_to_attend_becomes_unacceptable_later(order, alice):
    missed = appointment(order, at(2026, 3, 2))
    outcome(missed, "AFTA", alice, datetime.date(2026, 3, 2))

    decision = outcome(missed, "UAAB", alice, datetime.date(2026, 3, 10), notes="No evidence received.")

    missed.refresh_from_db()
    assert missed.outcome.code == "UAAB"
    assert missed.evidence_due is None
    assert missed.version == 3
    assert decision.status == rules.EnforcementStatus.WARNING_OR_BREACH


def test_acceptable_outcome_after_a_warning_allows_withdrawing_it(order, alice):
    missed = appointment(order, at(2026, 3, 2))
    outcome(missed, "UAAB", alice, datetime.date(2026, 3, 3))
    warning = actions.take_enforcement_action(missed, "EA02", by=alice, today=datetime.date(2026, 3, 3))

    decision = outcome(missed, "AAME", alice, datetime.date(2026, 3, 6), notes="Hospital letter seen.")
    assert decision.allowed_actions == (rules.Action.WITHDRAW_WARNING_LETTER,)
    actions.take_enforcement_action(missed, "EA06", by=alice, today=datetime.date(2026, 3, 6))

    warning.refresh_from_db()
    assert warning.withdrawn_on == datetime.date(2026, 3, 6)
    # With the warning withdrawn, a later failure is a first failure again.
    later = appointment(order, at(2026, 3, 16))
    assert outcome(later, "UAAB", alice, datetime.date(2026, 3, 17)).status == rules.EnforcementStatus.WARNING_OR_BREACH


def test_reaching_the_failure_limit_opens_one_enforcement_review(order, alice):
    assert SentenceType.objects.get(code="CO").ftc_limit == 2
    first, second, third = (appointment(order, at(2026, 3, day)) for day in (2, 9, 16))

    assert not outcome(first, "UAAB", alice, datetime.date(2026, 3, 3)).enforcement_review_due
    assert not Contact.objects.filter(contact_type__code="ARWS").exists()
    assert outcome(second, "UAAB", alice, datetime.date(2026, 3, 10)).enforcement_review_due
    assert not outcome(third, "AFTC", alice, datetime.date(2026, 3, 17)).enforcement_review_due

    reviews = Contact.objects.filter(person=order.person, contact_type__code="ARWS")
    assert reviews.count() == 1
    assert reviews.get().sentence == order
    assert reviews.get().staff == alice


def test_failures_on_one_day_count_once(order, alice):
    morning = appointment(order, at(2026, 3, 2, 9))
    afternoon = appointment(order, at(2026, 3, 2, 15))
    outcome(morning, "UAAB", alice, datetime.date(2026, 3, 3))
    outcome(afternoon, "UAAB", alice, datetime.date(2026, 3, 3))

    assert not Contact.objects.filter(contact_type__code="ARWS").exists()


def test_outcome_on_a_future_appointment_is_refused(order, alice):
    upcoming = appointment(order, timezone.now() + datetime.timedelta(days=2))

    with pytest.raises(ValidationError, match="before it has happened"):
        actions.record_outcome(upcoming, "ATTC", by=alice, expected_version=upcoming.version)

    upcoming.refresh_from_db()
    assert upcoming.outcome is None
    assert upcoming.version == 1


def test_outcome_later_today_is_refused(order, alice):
    upcoming = appointment(order, timezone.now() + datetime.timedelta(minutes=5))
    if timezone.localdate(upcoming.starts_at) != timezone.localdate():
        pytest.skip("too close to midnight")

    with pytest.raises(ValidationError, match="before it has happened"):
        actions.record_outcome(upcoming, "ATTC", by=alice, expected_version=1)


def test_stale_version_is_refused_and_nothing_is_overwritten(order, alice, bob):
    missed = appointment(order, at(2026, 3, 2))
    seen_version = missed.version
    actions.record_outcome(missed, "ATTC", by=bob, expected_version=seen_version, today=datetime.date(2026, 3, 3))

    with pytest.raises(ValidationError) as refused:
        actions.record_outcome(
            missed, "UAAB", by=alice, notes="mine", expected_version=seen_version, today=datetime.date(2026, 3, 3)
        )

    assert refused.value.messages == [actions.STALE_MESSAGE]
    missed.refresh_from_db()
    assert missed.outcome.code == "ATTC"
    assert missed.outcome_recorded_by == bob
    assert not missed.notes.exists()


def test_outcomes_only_for_appointments_and_only_selectable_codes(case, order, alice):
    call = actions.record_contact(
        case, by=alice, contact_type=ContactType.objects.get(code="CTOA"), starts_at=at(2026, 3, 2)
    )
    with pytest.raises(ValidationError, match="Only appointments"):
        actions.record_outcome(call, "ATTC", by=alice, expected_version=1, today=datetime.date(2026, 3, 3))

    visit = appointment(order, at(2026, 3, 2))
    with pytest.raises(ValidationError) as refused:
        actions.record_outcome(visit, "RSOF", by=alice, expected_version=1, today=datetime.date(2026, 3, 3))
    assert "outcome" in refused.value.message_dict


def test_contact_not_on_an_order_is_never_enforced(case, alice):
    visit = AppointmentFactory(sentence=None, person=case, starts_at=at(2026, 3, 2))

    decision = outcome(visit, "UAAB", alice, datetime.date(2026, 3, 3))

    assert decision.status == rules.EnforcementStatus.NO_ACTION
    assert decision.allowed_actions == ()


# --- notes, contacts ------------------------------------------------------------------------------


def test_notes_are_appended_never_overwritten(order, alice, bob):
    visit = appointment(order, at(2026, 3, 2))

    actions.add_note(visit, by=alice, text="First note", sensitive=False)
    actions.add_note(visit, by=bob, text="Second note", sensitive=True)

    notes = list(visit.notes.all())
    assert [(n.text, n.created_by, n.sensitive) for n in notes] == [
        ("First note", alice, False),
        ("Second note", bob, True),
    ]
    assert AuditEvent.objects.filter(verb="add_note").count() == 2
    with pytest.raises(ValidationError):
        actions.add_note(visit, by=alice, text="   ")
    with pytest.raises(ValidationError):
        actions.add_note(visit, by=alice, text="x" * 12001)
    assert visit.notes.count() == 2


def test_record_contact_takes_its_direction_from_the_type(case, alice):
    contact = actions.record_contact(
        case,
        by=alice,
        contact_type=ContactType.objects.get(code="CTOB"),
        starts_at=at(2026, 3, 2, 14),
        description="Reminder about Monday",
        notes="Left a voicemail.",
    )

    assert contact.direction == Contact.Direction.TO_PERSON
    assert contact.staff == alice
    assert contact.notes.get().text == "Left a voicemail."
    with pytest.raises(ValidationError) as refused:
        actions.record_contact(
            case,
            by=alice,
            contact_type=ContactType.objects.get(code="CTOB"),
            starts_at=at(2026, 3, 2),
            direction=Contact.Direction.FROM_PERSON,
        )
    assert "direction" in refused.value.message_dict


def test_record_contact_refuses_future_and_appointment_types(case, alice):
    with pytest.raises(ValidationError) as refused:
        actions.record_contact(
            case,
            by=alice,
            contact_type=ContactType.objects.get(code="COAP"),
            starts_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"contact_type", "starts_at"}


# --- arranging ------------------------------------------------------------------------------------


def test_repeat_dates():
    monday = datetime.date(2026, 3, 2)
    assert actions.repeat_dates(monday, "", 1) == [monday]
    assert actions.repeat_dates(monday, "weekly", 3) == [monday, datetime.date(2026, 3, 9), datetime.date(2026, 3, 16)]
    assert actions.repeat_dates(monday, "fortnightly", 2)[-1] == datetime.date(2026, 3, 16)
    assert actions.repeat_dates(monday, "four-weekly", 3)[-1] == datetime.date(2026, 4, 27)
    assert actions.repeat_dates(monday, "daily", 2)[-1] == datetime.date(2026, 3, 3)
    with pytest.raises(ValueError, match="frequency"):
        actions.repeat_dates(monday, "monthly", 2)
    with pytest.raises(ValueError, match="count"):
        actions.repeat_dates(monday, "weekly", 0)


def test_arrange_a_weekly_series_keeps_the_local_time_across_the_clock_change(case, alice):
    contacts = arrange(
        case, alice, at(2026, 3, 16, 10), repeat_frequency="weekly", repeat_count=3, notes="Bring ID", sensitive=True
    )

    assert [timezone.localtime(c.starts_at).strftime("%Y-%m-%d %H:%M") for c in contacts] == [
        "2026-03-16 10:00",
        "2026-03-23 10:00",
        "2026-03-30 10:00",
    ]
    assert len({c.series for c in contacts}) == 1
    assert contacts[0].series is not None
    assert all(c.ends_at - c.starts_at == HOUR and c.sensitive for c in contacts)
    assert [c.notes.get().text for c in contacts] == ["Bring ID"] * 3
    assert AuditEvent.objects.filter(verb="arrange_appointments").count() == 1


def test_arrange_refuses_clashes_unless_confirmed(case, alice):
    appointment(case.sentences.get(), at(2026, 12, 1, 10))  # Tuesday 10:00 to 11:00

    with pytest.raises(ValidationError) as refused:
        arrange(case, alice, at(2026, 12, 1, 11, 30))
    assert refused.value.error_list[0].code == "clash"
    assert "already has Planned office visit (NS) from 10:00 to 11:00 on 1 December 2026" in refused.value.messages[0]
    assert Contact.objects.count() == 1

    created = arrange(case, alice, at(2026, 12, 1, 11, 30), allow_clashes=True)
    assert len(created) == 1
    assert AuditEvent.objects.get(verb="arrange_appointments").summary["clashes_accepted"]


def test_clash_rules(case, alice, bob):
    order = case.sentences.get()
    appointment(order, at(2026, 12, 1, 10))  # alice with the case, 10:00 to 11:00
    plan = actions.plan_appointments(
        case,
        contact_type=ContactType.objects.get(code="COAP"),
        sentence=order,
        requirement=None,
        location=alice.team.office,
        staff=bob,
        starts_at=at(2026, 12, 1, 12),
        duration=HOUR,
        repeat_frequency="weekly",
        repeat_count=2,
    )
    # Exactly an hour after the other appointment ends is not a clash; a week later is free.
    assert [p.clashes for p in plan] == [(), ()]

    other_case = AppointmentFactory(starts_at=at(2026, 12, 8, 9), staff=bob, created_by=bob)
    weekend = actions.plan_appointments(
        case,
        contact_type=ContactType.objects.get(code="COHV"),
        sentence=order,
        requirement=None,
        location=None,
        staff=bob,
        starts_at=at(2026, 12, 5, 10),
        duration=HOUR,
        repeat_frequency="daily",
        repeat_count=4,
    )
    assert weekend[0].clashes == ("Saturday 5 December 2026 is not a working day",)
    assert weekend[1].clashes == ("Sunday 6 December 2026 is not a working day",)
    assert weekend[2].clashes == ()
    # Bob's appointment with someone else on the 8th is named without naming the other person.
    assert weekend[3].clashes == (f"{bob} already has another appointment from 09:00 to 10:00 on 8 December 2026",)
    assert other_case.person.full_name not in weekend[3].clashes[0]


def test_bank_holiday_is_named_as_a_clash(case, alice):
    [planned] = actions.plan_appointments(
        case,
        contact_type=ContactType.objects.get(code="COHV"),
        sentence=None,
        requirement=None,
        location=None,
        staff=alice,
        starts_at=at(2026, 12, 25, 10),
        duration=HOUR,
    )
    assert planned.clashes == ("Friday 25 December 2026 is not a working day (Christmas Day)",)


def test_arrange_validates_its_input(case, alice, carol):
    other_order = SentenceFactory()
    with pytest.raises(ValidationError) as refused:
        arrange(
            case,
            alice,
            at(2026, 12, 1),
            contact_type=ContactType.objects.get(code="ENFA"),
            sentence=other_order,
            duration=datetime.timedelta(0),
            repeat_frequency="weekly",
            repeat_count=99,
        )
    assert set(refused.value.message_dict) == {"contact_type", "sentence", "duration", "repeat_count"}

    with pytest.raises(ValidationError) as refused:
        arrange(case, alice, at(2026, 12, 1), location=None)
    assert set(refused.value.message_dict) == {"location"}

    with pytest.raises(ValidationError) as refused:
        arrange(case, alice, at(2025, 1, 6))
    assert "starts_at" in refused.value.message_dict
    assert not Contact.objects.exists()


def test_arrange_towards_a_requirement_links_its_order(case, alice):
    rar = RequirementFactory(sentence=case.sentences.get())

    [contact] = arrange(
        case,
        alice,
        at(2026, 12, 1),
        contact_type=ContactType.objects.get(code="CRAR"),
        sentence=None,
        requirement=rar,
        location=Office.objects.get(code="NWO"),
    )

    assert contact.requirement == rar
    assert contact.sentence == rar.sentence


# --- rescheduling ---------------------------------------------------------------------------------


def test_reschedule_links_old_and_new(order, alice):
    old = appointment(order, at(2026, 12, 1, 10))

    new = actions.reschedule_appointment(
        old,
        by=alice,
        starts_at=at(2026, 12, 3, 14),
        requested_by=Contact.RequestedBy.PERSON,
        reason="Job interview",
        expected_version=old.version,
    )

    old.refresh_from_db()
    assert old.rescheduled_to == new
    assert old.outcome.code == "RSOF"
    assert old.reschedule_reason == "Job interview"
    assert old.version == 2
    assert new.ends_at - new.starts_at == HOUR
    assert (new.sentence, new.contact_type, new.staff) == (order, old.contact_type, old.staff)
    assert new.rescheduled_from == old
    with pytest.raises(ValidationError, match="Someone else changed"):
        actions.reschedule_appointment(
            old,
            by=alice,
            starts_at=at(2026, 12, 4, 14),
            requested_by="service",
            reason="again",
            expected_version=1,
        )
    with pytest.raises(ValidationError, match="already has an outcome"):
        actions.reschedule_appointment(
            old, by=alice, starts_at=at(2026, 12, 4, 14), requested_by="service", reason="again", expected_version=2
        )
    with pytest.raises(ValidationError, match="rescheduled"):
        actions.record_outcome(old, "ATTC", by=alice, expected_version=2, today=datetime.date(2026, 12, 2))


def test_reschedule_by_the_service_and_bad_input(order, alice):
    old = appointment(order, at(2026, 12, 1, 10))

    with pytest.raises(ValidationError) as refused:
        actions.reschedule_appointment(
            old, by=alice, starts_at=old.starts_at, requested_by="nobody", reason="", expected_version=1
        )
    assert set(refused.value.message_dict) == {"starts_at", "requested_by", "reason"}

    actions.reschedule_appointment(
        old, by=alice, starts_at=at(2026, 12, 2, 10), requested_by="service", reason="Office closed", expected_version=1
    )
    old.refresh_from_db()
    assert old.outcome.code == "RSSR"


# --- the adapter ----------------------------------------------------------------------------------


def test_enforcement_history_uses_a_fixed_number_of_queries(order, alice, django_assert_num_queries):
    for day in (2, 9, 16, 23):
        visit = appointment(order, at(2026, 3, day))
        outcome(visit, "UAAB", alice, datetime.date(2026, 3, 24))
    order = type(order).objects.select_related("sentence_type").get(pk=order.pk)

    with django_assert_num_queries(4):
        history = enforcement_history(order)

    assert history.previous_failure_dates == tuple(datetime.date(2026, 3, d) for d in (2, 9, 16, 23))
    assert history.enforcement_review_open
    assert history.ftc_limit == 2


def test_decision_for_a_contact_with_no_outcome_is_none(order):
    assert decide_for_contact(appointment(order, at(2026, 3, 2)), today=datetime.date(2026, 3, 3)) is None
