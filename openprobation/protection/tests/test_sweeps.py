"""The overdue flag review sweep: raise once, refresh, clear when reviewed or removed, route to the owner."""

import datetime

import pytest

from openprobation.alerts.models import Alert
from openprobation.protection import actions
from openprobation.protection.sweeps import REASON, sweep_registration_reviews

from .factories import RegistrationFactory, register_type

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_an_overdue_review_raises_one_alert_for_the_practitioner(case, alice):
    overdue = RegistrationFactory(person=case, register_type=register_type("MAPP"), level="M2", category="M1",
                                  next_review_date=datetime.date(2026, 11, 1))
    RegistrationFactory(person=case, register_type=register_type("ALSH"), next_review_date=TODAY)  # due today
    counts = sweep_registration_reviews(TODAY)
    assert counts["raised"] == 1
    assert counts["overdue"] == 1
    alert = Alert.objects.get(reason=REASON)
    assert (alert.owner, alert.person, alert.subject_key) == (alice, case, f"registration:{overdue.pk}")
    assert alert.title == "MAPPA flag review overdue"
    assert "due for review on 1 November 2026 and has not been reviewed since" in alert.summary
    assert alert.severity == "high"
    assert alert.due == datetime.date(2026, 11, 15)
    assert sweep_registration_reviews(TODAY)["unchanged"] == 1  # idempotent
    assert Alert.objects.filter(reason=REASON).count() == 1


def test_unallocated_cases_go_to_the_team_manager(case, mandy):
    case.practitioner = None
    case.save(update_fields=["practitioner"])
    RegistrationFactory(person=case, registered_by=mandy, next_review_date=datetime.date(2026, 10, 1))
    sweep_registration_reviews(TODAY)
    assert Alert.objects.get(reason=REASON).owner == mandy


def test_a_review_or_removal_clears_the_alert(case, alice):
    reviewed = RegistrationFactory(person=case, next_review_date=datetime.date(2026, 10, 1))
    removed = RegistrationFactory(person=case, register_type=register_type("WEAP"),
                                  next_review_date=datetime.date(2026, 10, 1))
    assert sweep_registration_reviews(TODAY)["raised"] == 2
    actions.review_registration(reviewed, by=alice, reviewed_on=TODAY, notes="Still applies", today=TODAY)
    actions.remove_registration(removed, by=alice, removed_on=TODAY, reason="No longer relevant", today=TODAY)
    counts = sweep_registration_reviews(TODAY)
    assert counts["cleared"] == 2
    assert all("cleared_on" in a.evidence for a in Alert.objects.filter(reason=REASON))


def test_scope_by_person(case):
    RegistrationFactory(person=case, next_review_date=datetime.date(2026, 10, 1))
    other = RegistrationFactory(next_review_date=datetime.date(2026, 10, 1))
    assert sweep_registration_reviews(TODAY, person_ids=[other.person_id])["overdue"] == 1


def test_queries_per_batch_are_fixed(case, alice, django_assert_max_num_queries):
    for code in ("ALSH", "WEAP", "RCPR", "STRG", "ADVP"):
        RegistrationFactory(person=case, register_type=register_type(code), next_review_date=datetime.date(2026, 1, 1))
    sweep_registration_reviews(TODAY)  # raise them first: raising writes each alert
    with django_assert_max_num_queries(8):
        assert sweep_registration_reviews(TODAY)["unchanged"] == 5
