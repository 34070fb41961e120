"""The demo's risk flags: typical counts, MAPPA, reviews (some overdue), removals, and usable tier inputs."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from openprobation.assessments.rules import tier
from openprobation.demo.generator import generate
from openprobation.demo.generator.registrations import build_registrations
from openprobation.protection.models import Registration, RegistrationReview
from openprobation.protection.queries import RegistrationRow, registrations_for_tier

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return generate(scale=60, seed=1, today=TODAY)


def test_demo_people_carry_typical_flags(demo):
    assert demo.counts["protection.Registration"] == Registration.objects.count() > 60
    assert demo.counts["protection.RegistrationReview"] == RegistrationReview.objects.count() > 0
    active = Counter(Registration.objects.active().values_list("person_id", flat=True))
    typical = sum(1 for n in active.values() if 2 <= n <= 7)
    assert typical >= 0.75 * len(active)
    assert max(active.values()) <= 14
    mappa = Registration.objects.active().filter(register_type__code="MAPP")
    assert mappa.exists()
    assert not mappa.filter(level="").exists()
    assert not mappa.filter(category="").exists()
    assert Registration.objects.active().filter(next_review_date__lt=TODAY).exists()  # some reviews overdue
    assert Registration.objects.removed().exclude(deregistration_reason="").count() == \
        Registration.objects.removed().count() > 0
    # One RoSH level at a time, as the actions insist.
    rosh = Counter(Registration.objects.active().filter(register_type__exclusive_group="rosh")
                   .values_list("person_id", flat=True))
    assert set(rosh.values()) == {1}


def test_demo_flags_are_dated_sensibly(demo):
    for registration in Registration.objects.select_related("person").prefetch_related("reviews"):
        assert registration.person.date_of_birth < registration.registered_on <= TODAY
        for review in registration.reviews.all():
            assert registration.registered_on <= review.reviewed_on <= TODAY
            if registration.deregistered_on:
                assert review.reviewed_on <= registration.deregistered_on


def test_demo_flags_feed_the_tier(demo):
    by_person = defaultdict(list)
    for person_id, *row in Registration.objects.values_list("person_id", "register_type__code", "level",
                                                            "category", "registered_on", "deregistered_on"):
        by_person[person_id].append(RegistrationRow(*row))
    protect = Counter(
        tier.calculate_v2(tier.TierInput(calculation_date=TODAY, registrations=registrations_for_tier(rows, TODAY)))
        .protect for rows in by_person.values())
    assert set(protect) >= {"A", "B", "C"}


def test_the_same_seed_gives_the_same_flags(demo):
    def snapshot():
        return sorted(Registration.objects.values_list("person__crn", "register_type__code", "level", "category",
                                                       "registered_on", "next_review_date", "deregistered_on"))

    first = snapshot()
    Registration.objects.all().delete()
    build_registrations(seed=1, today=TODAY)
    assert snapshot() == first
