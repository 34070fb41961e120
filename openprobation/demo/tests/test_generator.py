"""The demo generator: every compliance situation, the statutory limits, constraints, determinism, sign-ins."""

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from openprobation.audit.models import AuditEvent
from openprobation.core.calendar import default_calendar
from openprobation.demo.generator import (
    DEMO_PASSWORD,
    FIXED_SIGN_INS,
    DemoDataExists,
    generate,
    plan_organisation,
)
from openprobation.demo.generator.plan import caseload_sizes
from openprobation.people.models import NO_FIXED_ABODE_POSTCODE, Address, Alias, Person
from openprobation.people.search import normalise
from openprobation.sentences import rules
from openprobation.sentences.actions import limits as statutory_limits
from openprobation.sentences.models import Requirement, Sentence
from openprobation.staff.models import Role, User
from openprobation.supervision import rules as supervision_rules
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return generate(scale=60, seed=1, today=TODAY)


def practitioner_cases():
    return Person.objects.filter(practitioner__username="practitioner")


def past_appointments(people):
    return Contact.objects.filter(
        person__in=people, contact_type__outcome_required=True, starts_at__date__lt=TODAY
    )


# --- compliance situations ---------------------------------------------------------------------------


def test_the_demo_practitioner_has_every_compliance_situation(demo):
    mine = practitioner_cases()
    sentences = Sentence.objects.filter(person__in=mine, terminated_on=None)

    open_breaches = Breach.objects.filter(ended_on=None)
    warnings = EnforcementRecord.objects.filter(sentence__in=sentences, action__is_warning=True).exclude(
        sentence__in=open_breaches.values("sentence")
    )
    assert any(
        supervision_rules.warning_is_live(
            supervision_rules.IssuedWarning(w.decided_on, withdrawn=w.withdrawn_on is not None), TODAY
        )
        for w in warnings
    )
    assert Breach.objects.filter(sentence__in=sentences, ended_on=None, status__startswith="BRE").exists()
    assert Breach.objects.filter(sentence__in=sentences, ended_on=None, status="REC01").exists()
    assert Breach.objects.filter(sentence__in=sentences, status="BRE08").exclude(ended_on=None).exists()
    assert past_appointments(mine).filter(outcome__code="AFTA", evidence_due__gte=TODAY).exists()
    assert past_appointments(mine).filter(outcome__code="AFTA", evidence_due__lt=TODAY).exists()
    assert past_appointments(mine).filter(outcome=None, rescheduled_to=None).exists()
    assert EnforcementRecord.objects.filter(sentence__in=sentences, action__code="EA06").exists()
    undecided = past_appointments(mine).filter(outcome__enforceable=True, enforcement=None)
    assert undecided.filter(starts_at__date__gte=TODAY - timedelta(days=7)).exists()
    assert EnforcementRecord.objects.filter(sentence__in=sentences, action__code="IMB").exists()

    failing = past_appointments(mine).filter(outcome__enforceable=True).values("person")
    awaiting = past_appointments(mine).filter(outcome__awaiting_evidence=True).values("person")
    overdue = past_appointments(mine).filter(outcome=None, rescheduled_to=None).values("person")
    compliant = mine.exclude(pk__in=failing).exclude(pk__in=awaiting).exclude(pk__in=overdue)
    assert compliant.filter(contacts__outcome__code="ATTC").exists()
    assert 15 <= mine.count() <= 70


def test_a_failure_while_a_warning_is_live_becomes_a_breach(demo):
    breaches = EnforcementRecord.objects.filter(action__code="IBR").select_related("contact", "sentence")
    assert breaches.exists()
    for breach in breaches:
        failed_on = timezone.localdate(breach.contact.starts_at)
        warnings = EnforcementRecord.objects.filter(sentence=breach.sentence, action__is_warning=True)
        live = [
            w
            for w in warnings
            if w.decided_on < failed_on
            and supervision_rules.warning_is_live(
                supervision_rules.IssuedWarning(w.decided_on, withdrawn=w.withdrawn_on is not None), failed_on
            )
        ]
        assert live, breach
        assert breach.contact.outcome.enforceable
    assert not EnforcementRecord.objects.filter(
        action__code="NFA"
    ).exists()  # never for an unacceptable failure


def test_the_failure_to_comply_limit_opens_an_enforcement_review(demo):
    reviews = Contact.objects.filter(contact_type__code="ARWS")
    assert reviews.exists()
    for review in reviews:
        limit = review.sentence.sentence_type.ftc_limit
        failures = Contact.objects.filter(
            sentence=review.sentence, outcome__enforceable=True, starts_at__lte=review.starts_at
        )
        assert len({timezone.localdate(c.starts_at) for c in failures}) >= limit


def test_enforcement_deadlines_follow_the_rules(demo):
    calendar = default_calendar()
    for warning in EnforcementRecord.objects.filter(action__code="EA02"):
        assert warning.response_due == warning.decided_on + timedelta(days=7)
    breaches = Breach.objects.all()
    assert breaches.exists()
    for breach in breaches:
        assert breach.pack_due == calendar.add_working_days(breach.started_on, 10)
        assert breach.triggered_by.outcome.enforceable
    for appointment in Contact.objects.filter(outcome__code="AFTA"):
        assert appointment.evidence_due == calendar.add_working_days(appointment.starts_at.date(), 5)


def test_the_history_has_every_kind_of_contact(demo):
    contacts = Contact.objects.all()
    codes = set(contacts.exclude(outcome=None).values_list("outcome__code", flat=True))
    assert {"ATTC", "UAAB", "AFTA", "AAME", "RSOF", "RSSR"} <= codes
    assert codes & {"AFTC", "ATSH"}
    assert len(codes & {"AACL", "AAEM", "AAFC", "AAHO", "AARE", "AARC", "CO05"}) >= 3

    future = contacts.filter(contact_type__attendance=True, starts_at__date__gte=TODAY)
    assert future.filter(starts_at__date__gte=TODAY + timedelta(days=27)).exists()
    assert not future.filter(starts_at__date__gt=TODAY + timedelta(days=42)).exists()
    assert not future.exclude(outcome__reschedule=True).exclude(outcome=None).exists()

    moved = contacts.exclude(rescheduled_to=None)
    assert moved.exists()
    assert not moved.filter(reschedule_requested_by="").exists()
    assert not moved.filter(reschedule_reason="").exists()

    assert contacts.filter(contact_type__code__in=["CTOA", "CTOB", "CMOA", "CMOB", "CLOB"]).exists()
    assert ContactNote.objects.filter(sensitive=True).exists()
    assert ContactNote.objects.filter(sensitive=False).exists()
    # Weekly reporting at the start of an order: some case has appointments seven days apart.
    assert _has_weekly_reporting()


def _has_weekly_reporting():
    for person in Person.objects.exclude(practitioner=None)[:20]:
        days = sorted(
            d.date()
            for d in Contact.objects.filter(person=person, contact_type__code="COAP").values_list(
                "starts_at", flat=True
            )
        )
        if any((b - a).days == 7 for a, b in zip(days, days[1:], strict=False)):
            return True
    return False


# --- sentences and the law ----------------------------------------------------------------------------


def test_sentence_mix_and_dates(demo):
    current = Sentence.objects.filter(terminated_on=None)
    assert set(current.values_list("sentence_type__code", flat=True)) == {"CO", "SSO", "LIC", "PSS"}
    assert not current.filter(expected_end_date__lte=TODAY).exists()
    for sentence in Sentence.objects.all():
        assert sentence.two_thirds_date == rules.two_thirds_date(
            sentence.start_date, sentence.expected_end_date
        )
    for sentence in current.filter(sentence_type__code="LIC"):
        assert sentence.licence_expiry_date == sentence.sentence_expiry_date == sentence.expected_end_date
        assert sentence.start_date < sentence.two_thirds_date < sentence.licence_expiry_date
    for sentence in current.filter(sentence_type__code="PSS"):
        # Licence to sentence expiry, then top-up supervision to 12 months after release.
        assert sentence.supervision_end_date == rules.add_months(sentence.start_date, 12)
        assert sentence.supervision_end_date == sentence.expected_end_date
        assert sentence.start_date < sentence.sentence_expiry_date < TODAY


def test_orders_and_requirements_respect_the_statutory_limits(demo):
    """Checked with the same rules (sentences.rules) that data entry applies, on each sentence's legal dates."""
    limits = statutory_limits()
    problems = []
    for sentence in Sentence.objects.select_related("sentence_type", "event"):
        dates = rules.LegalDates(conviction=sentence.event.conviction_date, sentence=sentence.sentence_date)
        code = sentence.sentence_type.code
        if code == "CO":
            problems += rules.check_community_order(
                sentence.start_date, sentence.expected_end_date, dates, limits
            )
            assert sentence.length_months == rules.whole_months_between(
                sentence.start_date, sentence.expected_end_date
            )
        if code == "SSO":
            problems += rules.check_suspended_sentence(
                Decimal(sentence.custodial_term_months),
                rules.whole_months_between(sentence.start_date, sentence.operational_period_end),
                rules.whole_months_between(sentence.start_date, sentence.supervision_period_end),
                dates,
                limits,
            )
        for requirement in sentence.requirements.select_related("requirement_type"):
            kind = requirement.requirement_type
            problems += rules.check_requirement(
                kind.code,
                kind.description,
                requirement.length,
                requirement.start_date,
                requirement.expected_end_date,
                sentence.expected_end_date,
                dates,
                limits,
            )
            assert kind.is_licence_condition == (sentence.sentence_type.kind == "licence")
            if kind.code == "CURF":
                assert requirement.length * 7 <= 112  # hours in any seven days
            if requirement.length is not None:
                assert requirement.progress <= requirement.length
    assert problems == []
    assert Requirement.objects.filter(requirement_type__code="UPW").exists()


# --- people and data quality -----------------------------------------------------------------------------


def test_every_row_passes_model_validation_and_the_database_constraints(demo):
    connection.check_constraints()
    from django.apps import apps

    checked = 0
    for app_label in ("people", "sentences", "supervision", "staff"):
        for model in apps.get_app_config(app_label).get_models():
            rows = model.objects.order_by("pk")
            step = 9 if model in (Contact, ContactNote) else 1
            for row in rows[::step] if step > 1 else rows:
                row.full_clean()
                checked += 1
    assert checked > 500


def test_people_identifiers_and_search_keys(demo):
    people = Person.objects.all()
    assert people.count() == 60
    assert len(set(people.values_list("crn", flat=True))) == 60
    for person in people:
        assert person.search_surname == normalise(person.surname)
        assert person.phonetic_surname
        if person.pnc_number:
            year, rest = person.pnc_number.split("/")
            assert re.fullmatch(r"[0-9]{4}", year)
            assert re.fullmatch(r"[0-9]{7}[A-Z]", rest)
            assert int(year) <= person.events.order_by("conviction_date").first().conviction_date.year
        assert (person.practitioner is None) == (person.allocated_on is None)
        assert person.team_id is not None
        assert person.addresses.filter(status="main").count() == 1
        assert hasattr(person, "equality")
    assert people.filter(practitioner=None).exists()
    for alias in Alias.objects.all():
        assert alias.search_first == normalise(alias.first_name)
    homeless = Address.objects.filter(no_fixed_abode=True)
    assert homeless.exists()
    assert not homeless.exclude(postcode=NO_FIXED_ABODE_POSTCODE).exists()
    assert Address.objects.filter(status="previous").exists()


# --- sign-ins and staff ----------------------------------------------------------------------------------


def test_the_demo_sign_ins_work_and_other_staff_cannot_sign_in(demo):
    signs = {u.username: u for u in User.objects.filter(username__in=[u for u, _, _ in FIXED_SIGN_INS])}
    assert len(signs) == len(FIXED_SIGN_INS)
    for user in signs.values():
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_active
    assert signs["practitioner"].role == Role.PROBATION_OFFICER
    assert signs["manager"].role == Role.SENIOR_PROBATION_OFFICER
    assert signs["caseadmin"].role == Role.CASE_ADMINISTRATOR
    assert signs["admin"].role == Role.ADMIN
    assert signs["manager"].team == signs["practitioner"].team == signs["caseadmin"].team
    others = User.objects.exclude(username__in=signs)
    assert others.exists()
    assert not any(u.has_usable_password() for u in others)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_one_audit_event_summarises_the_run(demo):
    # The bulk load itself writes one event; the alerts the demo's first sweep raises write their own.
    event = AuditEvent.objects.get(verb="demo_data_generated")
    assert set(AuditEvent.objects.values_list("verb", flat=True)) <= {"demo_data_generated", "alert_raised",
                                                                       "alert_escalated"}
    assert event.summary["counts"]["people.Person"] == 60
    assert event.summary["seed"] == 1


def test_refuses_to_run_twice_without_reset(demo):
    with pytest.raises(DemoDataExists):
        generate(scale=60, seed=1, today=TODAY)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo_data", "--scale", "60", "--today", TODAY.isoformat(), verbosity=0)


# --- determinism ------------------------------------------------------------------------------------------


def digest() -> str:
    h = hashlib.sha256()
    for row in Person.objects.order_by("crn").values_list(
        "crn", "first_name", "surname", "date_of_birth", "pnc_number", "gender", "practitioner__username"
    ):
        h.update(repr(row).encode())
    # Each ordering covers every column read, so rows that tie on the first few (two contacts at the same
    # moment) still come back in one order: after a reset PostgreSQL may return ties in another.
    for row in Sentence.objects.order_by(
        "person__crn", "start_date", "sentence_type__code", "expected_end_date"
    ).values_list("person__crn", "sentence_type__code", "start_date", "expected_end_date"):
        h.update(repr(row).encode())
    for row in Contact.objects.order_by(
        "person__crn", "starts_at", "contact_type__code", "description", "outcome__code", "evidence_due",
        "staff__username",
    ).values_list(
        "person__crn", "contact_type__code", "starts_at", "outcome__code", "evidence_due", "staff__username"
    ):
        h.update(repr(row).encode())
    for row in EnforcementRecord.objects.order_by(
        "sentence__person__crn", "decided_on", "action__code"
    ).values_list("sentence__person__crn", "action__code", "decided_on"):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_the_same_seed_and_date_give_the_same_data(db):
    generate(scale=50, seed=7, today=TODAY)
    first = digest()
    result = generate(scale=50, seed=7, today=TODAY, reset=True)
    assert result.deleted_people == 50
    assert digest() == first
    generate(scale=50, seed=8, today=TODAY, reset=True)
    assert digest() != first


def test_the_command_prints_the_sign_ins(db, capsys):
    call_command("demo_data", "--scale", "30", "--today", TODAY.isoformat(), "--seed", "3")
    out = capsys.readouterr().out
    assert "Generated 30 people" in out
    assert DEMO_PASSWORD in out
    for username, _, _ in FIXED_SIGN_INS:
        assert f"  {username} " in out


# --- the plan at full scale (no database) -------------------------------------------------------------------


def test_small_scale_plan_has_realistic_teams_and_caseloads():
    plan = plan_organisation(2_000, seed=1)
    assert [name for _, name in plan.regions] == ["Northwold"]
    assert len(plan.delivery_units) >= 2
    assert 5 <= len(plan.teams) <= 6
    assert sum(t.people for t in plan.teams) == 2_000
    for team in plan.teams:
        assert 6 <= len(team.practitioner_roles) <= 8
        assert {"po", "pso"} <= set(team.practitioner_roles)
        assert 1 <= team.unallocated <= 5
        sizes = caseload_sizes(team.people - team.unallocated, team.practitioner_roles)
        assert all(30 <= size <= 70 for size in sizes), sizes
    first = plan.teams[0]
    fixed = caseload_sizes(first.people - first.unallocated, first.practitioner_roles)[0]
    assert 55 <= fixed <= 65


def test_national_plan_spreads_over_regions():
    plan = plan_organisation(250_000, seed=1)
    assert len(plan.regions) == 12
    assert sum(t.people for t in plan.teams) == 250_000
    assert len({t.code for t in plan.teams}) == len(plan.teams)
    assert all(len(t.code) <= 10 for t in plan.teams)
