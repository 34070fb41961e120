"""The daily sweep: each alert it raises, its owner and escalation, and that running it twice changes nothing."""

import datetime

import pytest
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.assessments import actions, reasons
from openprobation.assessments.models import Assessment, PlanVersion, TierCalculation
from openprobation.assessments.sweeps import sweep_assessments
from openprobation.assessments.tests.factories import (
    ExternalAssessmentFactory,
    GoalFactory,
    PersonRequestFactory,
    completed_assessment,
)
from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.tests.factories import SentenceFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def open_alerts(reason):
    return Alert.objects.filter(reason=reason, closed_at__isnull=True)


def test_an_unanswered_request_older_than_14_days_alerts_the_practitioner(case, alice):
    old = PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=15), words="Somewhere to live")
    PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=14))
    counts = sweep_assessments(TODAY)
    alert = open_alerts(reasons.REQUEST_UNANSWERED).get()
    assert alert.owner == alice
    assert alert.subject_key == f"request:{old.pk}"
    assert "Somewhere to live" in alert.summary
    assert counts["requests_unanswered"] == 1


def test_a_request_being_acted_on_raises_nothing(case, alice):
    from openprobation.assessments.tests.factories import StepFactory

    request = PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=30))
    actions.link_request_to_step(request, by=alice, step=StepFactory(goal=GoalFactory(person=case)),
                                 expected_version=request.version)
    sweep_assessments(TODAY)
    assert not open_alerts(reasons.REQUEST_UNANSWERED).exists()


def test_the_sweep_is_idempotent(case, alice, mandy):
    PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=20))
    draft = actions.start_assessment(case, by=alice, purpose="start")
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    first = sweep_assessments(TODAY)
    alerts = Alert.objects.count()
    tiers = TierCalculation.objects.count()
    second = sweep_assessments(TODAY)
    assert Alert.objects.count() == alerts
    assert TierCalculation.objects.count() == tiers
    assert first["alerts_raised"] >= 2
    assert second["alerts_raised"] == 0
    assert second["tiers_recalculated"] == 0


def test_an_old_draft_alerts_the_practitioner_then_the_manager(case, alice, mandy):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    sweep_assessments(TODAY)
    alert = open_alerts(reasons.DRAFT_OVERDUE).get()
    assert alert.owner == alice
    assert alert.escalated_to is None
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=29))
    sweep_assessments(TODAY)
    alert.refresh_from_db()
    assert alert.escalated_to == mandy


def test_an_overdue_review_alerts_and_a_new_assessment_closes_it(case, alice):
    done = completed_assessment(case, alice, today=TODAY - datetime.timedelta(days=100))
    assert done.review_due < TODAY
    sweep_assessments(TODAY)
    alert = open_alerts(reasons.REVIEW_OVERDUE).get()
    assert alert.subject_key == f"assessment:{done.pk}"
    completed_assessment(case, alice)
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert alert.closed_by == alice


def test_a_case_without_an_assessment_after_15_working_days_is_flagged(alice, north_team):
    late = PersonFactory(practitioner=alice)
    SentenceFactory(event__person=late, start_date=TODAY - datetime.timedelta(days=40))
    recent = PersonFactory(practitioner=alice)
    SentenceFactory(event__person=recent, start_date=TODAY - datetime.timedelta(days=5))
    sweep_assessments(TODAY)
    alert = open_alerts(reasons.MISSING).get()
    assert alert.person == late
    assert alert.owner == alice


def test_an_assessment_since_the_order_started_is_enough(case, alice):
    completed_assessment(case, alice)
    sweep_assessments(TODAY)
    assert not open_alerts(reasons.MISSING).exists()


def test_an_unallocated_case_goes_to_the_team_manager(alice, mandy, north_team):
    person = PersonFactory(practitioner=None, team=north_team)
    PersonRequestFactory(person=person, asked_on=TODAY - datetime.timedelta(days=20), recorded_by=alice)
    sweep_assessments(TODAY)
    assert open_alerts(reasons.REQUEST_UNANSWERED).get().owner == mandy


def test_conflicting_psychology_report_raises_an_alert_until_reconciled(case, alice):
    completed_assessment(case, alice, level="medium")
    ExternalAssessmentFactory(person=case, rosh_level="very_high")
    counts = sweep_assessments(TODAY)
    alert = open_alerts(reasons.CONFLICT).get()
    assert counts["conflicts"] == 1
    assert alert.owner == alice
    assert alert.severity == "high"
    from openprobation.assessments.conflicts import reconcile_conflict

    reconcile_conflict(case, by=alice, subject_key=alert.subject_key, rationale="Spoke to the psychologist")
    sweep_assessments(TODAY)
    assert not open_alerts(reasons.CONFLICT).exists()


def test_old_or_set_aside_reports_do_not_conflict(case, alice):
    completed_assessment(case, alice, level="low")
    ExternalAssessmentFactory(person=case, rosh_level="high", assessed_on=TODAY - datetime.timedelta(days=800))
    report = ExternalAssessmentFactory(person=case, rosh_level="high")
    actions.set_aside_external_assessment(report, by=alice, reason="Replaced by a later report")
    sweep_assessments(TODAY)
    assert not open_alerts(reasons.CONFLICT).exists()


def test_waiting_countersignatures_and_plan_reviews(case, alice, mandy):
    completed_assessment(case, alice, level="high")
    Alert.objects.all().delete()
    GoalFactory(person=case)
    version = actions.record_agreement(case, by=alice, agreement="agreed")
    PlanVersion.objects.filter(pk=version.pk).update(review_due=TODAY - datetime.timedelta(days=1))
    sweep_assessments(TODAY)
    assert open_alerts(reasons.COUNTERSIGN).get().owner == mandy
    assert open_alerts(reasons.PLAN_COUNTERSIGN).get().owner == mandy


def test_overdue_plan_review(case, alice):
    GoalFactory(person=case)
    version = actions.record_agreement(case, by=alice, agreement="agreed")
    PlanVersion.objects.filter(pk=version.pk).update(review_due=TODAY - datetime.timedelta(days=1))
    sweep_assessments(TODAY)
    assert open_alerts(reasons.PLAN_REVIEW_OVERDUE).get().owner == alice


def test_the_tier_safety_net_calculates_supervised_people_once(case):
    counts = sweep_assessments(TODAY)
    calculation = TierCalculation.objects.get(person=case)
    assert counts["tiers_recalculated"] == 1
    assert calculation.tier == "MISSING"
    assert calculation.trigger == "Daily check"
