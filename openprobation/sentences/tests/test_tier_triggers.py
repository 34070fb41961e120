"""Requirements are tier inputs: adding one recalculates the tier once the change commits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openprobation.assessments.models import TierCalculation
from openprobation.assessments.tests.factories import completed_assessment
from openprobation.sentences import actions
from openprobation.sentences.models import RequirementType

pytestmark = pytest.mark.django_db


def test_adding_a_requirement_recalculates_the_tier(case, alice, django_capture_on_commit_callbacks):
    """An order with no requirement gives no mandate for change; a rehabilitation activity requirement does."""
    completed_assessment(case, alice, level="medium")
    before = TierCalculation.objects.filter(person=case).latest("pk")
    assert before.result["derived"]["has_no_mandate"] is True
    order = case.sentences.get()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.add_requirement(order, by=alice, requirement_type=RequirementType.objects.get(code="RAR"),
                                length=Decimal(20), start_date=order.start_date)

    assert len(callbacks) == 1
    after = TierCalculation.objects.filter(person=case).latest("pk")
    assert after.pk != before.pk
    assert after.trigger == "Rehabilitation activity requirement added"
    assert after.triggered_by == alice
    assert {"main_category": "RAR", "restrictive": False} in after.inputs["convictions"][0]["requirements"]
    assert after.result["derived"]["has_no_mandate"] is False


def test_a_refused_requirement_schedules_nothing(case, alice, django_capture_on_commit_callbacks):
    order = case.sentences.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        actions.add_requirement(order, by=alice, requirement_type=RequirementType.objects.get(code="UPW"),
                                length=Decimal(301), start_date=order.start_date)
    assert callbacks == []
    assert not TierCalculation.objects.filter(person=case).exists()
