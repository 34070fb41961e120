"""The daily tier check: only the people whose date-driven inputs cross a boundary, and the full run."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprobation.assessments.models import TierCalculation
from openprobation.assessments.sweeps import sweep_assessments
from openprobation.assessments.tiering import check_tiers, next_check, recalculate_tier, recalculate_tiers
from openprobation.people.models import Person
from openprobation.people.tests.factories import PersonFactory
from openprobation.protection.queries import RegistrationRow
from openprobation.protection.tests.factories import RegistrationFactory, register_type
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision.models import Breach

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
DAY = datetime.timedelta(days=1)


def days(n):
    return datetime.timedelta(days=n)


# --- the boundaries (pure) ---------------------------------------------------------------------------------


def test_a_breach_counts_from_its_start_for_365_days():
    assert next_check(TODAY, breaches=[TODAY - days(10)]) == TODAY - days(10) + days(365)
    assert next_check(TODAY, breaches=[TODAY + days(3)]) == TODAY + days(3)
    assert next_check(TODAY, breaches=[TODAY - days(10), TODAY + days(3)]) == TODAY + days(3)


def test_a_registration_counts_from_its_date_until_its_removal():
    future = RegistrationRow("MAPP", "M2", "M1", TODAY + days(7))
    ending = RegistrationRow("ADVP", "", "", TODAY - days(100), TODAY + days(2))
    past = RegistrationRow("RCPR", "", "", TODAY - days(100), TODAY - days(50))
    assert next_check(TODAY, registrations=[future]) == TODAY + days(7)
    assert next_check(TODAY, registrations=[future, ending]) == TODAY + days(2)
    assert next_check(TODAY, registrations=[past]) is None


def test_an_assessment_stops_counting_386_days_after_completion():
    completed = datetime.date(2026, 1, 10)
    assert next_check(TODAY, assessment_completed=completed) == completed + days(386)
    assert next_check(TODAY, assessment_completed=TODAY - days(400)) is None


def test_a_released_lifer_changes_step_one_and_five_years_on():
    released = datetime.date(2026, 6, 1)
    assert next_check(TODAY, released=released, lifer=True) == datetime.date(2027, 6, 2)
    assert next_check(datetime.date(2027, 6, 2), released=released, lifer=True) == datetime.date(2031, 6, 2)
    assert next_check(TODAY, released=released, lifer=False) is None
    # From 29 February: minus_years makes 28 February the last day "within the last year".
    assert next_check(datetime.date(2024, 3, 1), released=datetime.date(2024, 2, 29), lifer=True) == \
        datetime.date(2025, 3, 1)


def test_the_scheme_changes_on_16_march_2026():
    assert next_check(datetime.date(2026, 1, 5)) == datetime.date(2026, 3, 16)
    assert next_check(TODAY) is None


def test_each_boundary_is_where_the_rules_change_their_answer():
    """next_check is the first day the stored line (or result) differs: checked against the adapter."""
    from openprobation.assessments.tiering.adapter import lines_and_next_checks

    person = PersonFactory()
    order = SentenceFactory(event__person=person)
    Breach.objects.create(sentence=order, started_on=TODAY - days(20), pack_due=TODAY,
                          initiated_by=person.practitioner or _user())
    lines, nexts = lines_and_next_checks([(person.pk, person.gender)], TODAY)
    due = nexts[person.pk]
    assert due == TODAY - days(20) + days(365)
    on_the_eve = lines_and_next_checks([(person.pk, person.gender)], due - DAY)[0][person.pk]
    on_the_day = lines_and_next_checks([(person.pk, person.gender)], due)[0][person.pk]
    assert on_the_eve["previous_enforcement_activity"] is True
    assert on_the_day["previous_enforcement_activity"] is False


def _user():
    from openprobation.staff.tests.factories import UserFactory

    return UserFactory()


# --- the daily check -------------------------------------------------------------------------------------


@pytest.fixture
def three(alice):
    """Three supervised people with a tier: one whose breach leaves the window tomorrow, two with nothing."""
    people = []
    for _ in range(3):
        person = PersonFactory(practitioner=alice)
        SentenceFactory(event__person=person, start_date=TODAY - days(400))
        people.append(person)
    order = people[0].sentences.get()
    Breach.objects.create(sentence=order, started_on=TODAY - days(364), pack_due=TODAY - days(350),
                          initiated_by=alice)
    recalculate_tiers(Person.objects.filter(pk__in=[p.pk for p in people]), today=TODAY, trigger="Order recorded")
    return people


def test_nobody_is_due_on_a_quiet_day_and_nothing_is_written(three):
    with CaptureQueriesContext(connection) as captured:
        counts = check_tiers(TODAY)
    assert counts == {"due": 0, "checked": 0, "recalculated": 0, "changed": 0}
    assert len(captured.captured_queries) <= 2
    assert not [q for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]


def test_the_person_whose_breach_leaves_the_window_is_recalculated_and_no_one_else(three):
    breached = three[0]
    before = TierCalculation.objects.get(person=breached)
    assert before.inputs["previous_enforcement_activity"] is True
    assert before.next_check_on == TODAY + DAY
    counts = check_tiers(TODAY + DAY)
    assert counts["due"] == 1
    assert counts["checked"] == 1
    latest = TierCalculation.objects.filter(person=breached).order_by("-calculated_at", "-id").first()
    assert latest.inputs["previous_enforcement_activity"] is False
    assert latest.trigger == "Daily check"
    before.refresh_from_db()
    assert before.next_check_on is None  # only the latest calculation has one
    assert check_tiers(TODAY + days(2))["due"] == 0


def test_a_boundary_that_changes_nothing_moves_the_next_check_on(alice):
    person = PersonFactory(practitioner=alice)
    for started in (TODAY - days(300), TODAY - days(100)):  # one breach an order
        Breach.objects.create(sentence=SentenceFactory(event__person=person), started_on=started, pack_due=started,
                              initiated_by=alice)
    recalculate_tier(person, trigger="Breach started", today=TODAY)
    calculation = TierCalculation.objects.get(person=person)
    assert calculation.next_check_on == TODAY - days(300) + days(365)
    counts = check_tiers(calculation.next_check_on)
    assert (counts["due"], counts["recalculated"]) == (1, 0)  # the other breach still counts
    calculation.refresh_from_db()
    assert calculation.next_check_on == TODAY - days(100) + days(365)
    assert check_tiers(calculation.next_check_on - DAY)["due"] == 0


def test_a_flag_registered_ahead_is_picked_up_on_its_day(case, alice):
    recalculate_tier(case, trigger="Order recorded", today=TODAY)
    RegistrationFactory(person=case, register_type=register_type("RCPR"), registered_on=TODAY + days(5),
                        next_review_date=TODAY + days(100))
    recalculate_tier(case, trigger="Child protection flag added", today=TODAY)  # nothing changes yet
    assert TierCalculation.objects.get(person=case).next_check_on == TODAY + days(5)
    assert check_tiers(TODAY + days(4))["due"] == 0
    assert check_tiers(TODAY + days(5))["recalculated"] == 1
    latest = TierCalculation.objects.filter(person=case).order_by("-calculated_at", "-id").first()
    assert [r["code"] for r in latest.inputs["registrations"]] == ["RCPR"]


def test_a_supervised_person_with_no_tier_is_calculated_and_one_without_an_order_is_not(alice):
    supervised = PersonFactory(practitioner=alice)
    SentenceFactory(event__person=supervised)
    PersonFactory(practitioner=alice)
    counts = check_tiers(TODAY)
    assert (counts["due"], counts["recalculated"]) == (1, 1)
    assert TierCalculation.objects.get().person == supervised


def test_the_sweep_uses_the_daily_check(three):
    counts = sweep_assessments(TODAY + DAY)
    assert (counts["tiers_due"], counts["tiers_checked"]) == (1, 1)


def test_the_full_recalculation_checks_everyone(three):
    counts = check_tiers(TODAY, full=True)
    assert counts["checked"] == 3
    assert counts["recalculated"] == 0


def test_the_full_recalculation_command(three):
    TierCalculation.objects.filter(person=three[1]).delete()
    out = StringIO()
    call_command("recalculate_tiers", "--today", TODAY.isoformat(), stdout=out)
    assert "checked 3, recalculated 1" in out.getvalue()
    assert TierCalculation.objects.get(person=three[1]).trigger == "Full recalculation"


def test_a_migrated_calculation_is_due_on_its_own_date(three):
    """Calculations from before the next check existed are made due by the migration: simulated here."""
    TierCalculation.objects.update(next_check_on=None)
    latest = TierCalculation.objects.get(person=three[1])
    TierCalculation.objects.filter(pk=latest.pk).update(next_check_on=latest.calculation_date)
    counts = check_tiers(TODAY)
    assert counts["due"] == 1
    latest.refresh_from_db()
    assert latest.next_check_on is None  # nothing ahead depends on the date for this person
