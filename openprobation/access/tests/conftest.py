import datetime

import pytest
from django.utils import timezone

from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    InspectionSampleFactory,
    RestrictionFactory,
)
from openprobation.people.models import PersonalCircumstance
from openprobation.staff.tests.factories import UserFactory
from openprobation.supervision.models import Outcome
from openprobation.supervision.tests.factories import AppointmentFactory

from .matrix import app_values


@pytest.fixture
def world(case, alice, mandy, pat, priya, ian, sam):
    """One case and a real object of the case for every id its routes take: `(case, values, per_route)`, where
    `values` are shared by every route ({parameter: value}) and `per_route` are {route name: {parameter: value}},
    the apps' own from their `tests/matrix_values.py` (see `matrix.app_values`)."""
    order = case.sentences.get()
    appointment = AppointmentFactory(
        sentence=order,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        outcome=Outcome.objects.get(code="AFTC"),
        outcome_recorded_at=timezone.now(),
        outcome_recorded_by=alice,
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    stranger = UserFactory(username="xavier", role="po")
    circumstance = PersonalCircumstance.objects.create(person=case, type="Employment", start_date=datetime.date(2025, 1, 6))
    values = {
        "crn": case.crn,
        "contact_id": appointment.pk,
        "sentence_id": order.pk,
        "kind": "alias",
        "share_id": CaseShareFactory(person=case, partner=priya, added_by=alice).pk,
        "circumstance_id": circumstance.pk,
    }
    per_route = {
        # Entries that are not yet in force, so the case stays visible to everyone while their pages render.
        "case-access:end-exclusion": {"entry_id": ExclusionFactory(person=case, user=stranger, start_date=later,
                                                                   added_by=mandy).pk},
        "case-access:end-restriction": {"entry_id": RestrictionFactory(person=case, user=mandy, start_date=later,
                                                                       added_by=mandy).pk},
    }
    InspectionSampleFactory(inspectors=[ian], people=[case], created_by=sam)
    users = {"alice": alice, "mandy": mandy, "pat": pat, "priya": priya, "ian": ian, "sam": sam}
    per_route.update(app_values(case, users))
    return case, values, per_route
