"""The demo's assessments, plans and requests: shaped as the actions write them, with every situation the
attention lists need, and deterministic."""

from datetime import date, timedelta

import pytest
from django.db.models import Count

from openprobation.assessments import reasons
from openprobation.assessments.models import (
    Assessment,
    ExternalAssessment,
    Goal,
    PersonRequest,
    PlanVersion,
    TierCalculation,
)
from openprobation.assessments.sweeps import sweep_assessments
from openprobation.demo.generator import generate
from openprobation.protection.models import Registration

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
TODAY = date(2026, 11, 23)
FLAG = {"low": "RLRH", "medium": "RMRH", "high": "RHRH", "very_high": "RVHR"}


@pytest.fixture
def demo(db):
    return generate(scale=150, seed=3, today=TODAY)


def test_demo_assessments_follow_the_rules(demo):
    statuses = dict(Assessment.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses.get("complete")
    assert statuses.get("superseded")
    assert statuses.get("awaiting_countersignature")
    for assessment in Assessment.objects.filter(status="complete").prefetch_related("rosh_ratings")[:50]:
        ratings = list(assessment.rosh_ratings.all())
        assert len(ratings) == 10
        community = max((r.level for r in ratings if r.setting == "community"), key=list(FLAG).index)
        assert community == assessment.overall_rosh
        assert assessment.countersignature_required == (assessment.overall_rosh in ("high", "very_high"))
        flag = Registration.objects.active().filter(person=assessment.person, register_type__exclusive_group="rosh")
        assert flag.get().register_type.code == FLAG[assessment.overall_rosh]
    assert TierCalculation.objects.values("person").distinct().count() == demo.people + demo.closed


def test_demo_has_plans_in_their_words_and_requests(demo):
    assert Goal.objects.exclude(own_words="").count() == Goal.objects.count() > 0
    assert PlanVersion.objects.filter(agreement="agreed").exists()
    assert PlanVersion.objects.exclude(agreement="agreed").exclude(agreement_details="").exists()
    statuses = set(PersonRequest.objects.values_list("status", flat=True))
    assert {"open", "met", "answered"} <= statuses
    assert PersonRequest.objects.filter(status="open", asked_on__lt=TODAY - timedelta(days=14)).exists()


def test_the_fixed_practitioner_has_a_conflicting_psychology_report(demo):
    report = ExternalAssessment.objects.get(person__practitioner__username="practitioner", rosh_level="very_high",
                                            kind="psychology")
    assert Assessment.objects.get(person=report.person, status="complete").overall_rosh == "medium"


def test_the_sweep_fills_the_attention_lists(demo):
    from openprobation.alerts.models import Alert

    sweep_assessments(TODAY)
    raised = set(Alert.objects.values_list("reason", flat=True))
    for reason in (reasons.REQUEST_UNANSWERED, reasons.COUNTERSIGN, reasons.CONFLICT, reasons.REVIEW_OVERDUE,
                   reasons.DRAFT_OVERDUE):
        assert reason in raised, reason


def test_the_demo_is_deterministic(db):
    def snapshot():
        return list(Assessment.objects.order_by("person__crn", "number").values_list(
            "person__crn", "number", "status", "overall_rosh", "review_due"))

    generate(scale=40, seed=5, today=TODAY)
    first = snapshot()
    generate(scale=40, seed=5, today=TODAY, reset=True)
    assert snapshot() == first
