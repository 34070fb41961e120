"""The registration-derived tier inputs and the case flags read model."""

import datetime

import pytest

from openprobation.assessments.rules import tier
from openprobation.protection.queries import (
    RegistrationRow,
    case_flags,
    registrations_for_tier,
    tier_registrations,
)

from .factories import RegistrationFactory, RegistrationReviewFactory, register_type

ON = datetime.date(2026, 6, 1)


def test_registrations_for_tier_is_pure_and_counts_only_flags_active_on_the_day():
    rows = [
        RegistrationRow("MAPP", "M2", "M1", datetime.date(2026, 1, 1)),
        RegistrationRow("ALSH", "", "", datetime.date(2026, 6, 1)),  # registered that day: counts
        RegistrationRow("SPO", "", "", datetime.date(2026, 6, 2)),  # not yet
        RegistrationRow("ADVP", "", "", datetime.date(2025, 1, 1), datetime.date(2026, 6, 1)),  # removed that day
        RegistrationRow("RCPR", "", "", datetime.date(2025, 1, 1), datetime.date(2026, 6, 2)),  # removed later
    ]
    assert registrations_for_tier(rows, ON) == (
        tier.Registration("MAPP", "M2", "M1", datetime.date(2026, 1, 1)),
        tier.Registration("ALSH", None, None, datetime.date(2026, 6, 1)),
        tier.Registration("RCPR", None, None, datetime.date(2025, 1, 1)),
    )


def test_the_tier_reads_the_registrations_as_the_national_service_does():
    registrations = registrations_for_tier([
        RegistrationRow("MAPP", "M3", "M2", datetime.date(2026, 1, 1)),
        RegistrationRow("RHRH", "", "", datetime.date(2026, 2, 1)),
        RegistrationRow("RMDO", "", "", datetime.date(2026, 2, 1)),
    ], ON)
    result = tier.calculate_v2(tier.TierInput(calculation_date=ON, registrations=registrations))
    assert (result.protect, result.protect_points) == ("A", 172)


@pytest.mark.django_db
def test_tier_registrations_from_the_database(case):
    RegistrationFactory(person=case, register_type=register_type("MAPP"), level="M1", category="M4",
                        registered_on=datetime.date(2026, 2, 1), next_review_date=None)
    RegistrationFactory(person=case, registered_on=datetime.date(2026, 7, 1), next_review_date=None)
    assert tier_registrations(case, ON) == (tier.Registration("MAPP", "M1", "M4", datetime.date(2026, 2, 1)),)


@pytest.mark.django_db
def test_case_flags_in_one_query(case, alice, django_assert_num_queries):
    today = datetime.date(2026, 11, 23)
    overdue = RegistrationFactory(person=case, next_review_date=datetime.date(2026, 11, 22))
    RegistrationReviewFactory(registration=overdue, reviewed_on=datetime.date(2025, 8, 1), next_review_date=None)
    RegistrationReviewFactory(registration=overdue, reviewed_on=datetime.date(2026, 5, 1), next_review_date=None)
    mappa = RegistrationFactory(person=case, register_type=register_type("MAPP"), level="M2", category="M1",
                                next_review_date=today)
    removed = RegistrationFactory(person=case, register_type=register_type("SPO"),
                                  deregistered_on=datetime.date(2026, 3, 1), deregistered_by=alice,
                                  deregistration_reason="Order ended", next_review_date=datetime.date(2025, 2, 1))
    with django_assert_num_queries(1):
        flags = case_flags(case, today)
        names = [(r.register_type.code, r.registered_by.username, r.review_count) for r in flags.active]
    assert sorted(names) == [("ALSH", "alice", 2), ("MAPP", "alice", 0)]
    assert flags.mappa == mappa
    assert flags.removed == [removed]
    assert not flags.removed[0].overdue  # removed flags are never overdue
    assert flags.overdue == 1
    assert flags.overdue_message == "1 flag review is overdue"
    assert next(r for r in flags.active if r.pk == overdue.pk).last_reviewed_on == datetime.date(2026, 5, 1)
