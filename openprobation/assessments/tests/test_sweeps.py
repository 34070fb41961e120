"""The daily sweep: each alert it raises, its owner and escalation, and that running it twice changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprobation.alerts.actions import close_alert
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
from openprobation.audit.models import AuditEvent
from openprobation.core.calendar import format_date
from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.models import Sentence
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


# --- batching, stable wording, decisions, cleared --------------------------------------------------------


def writes(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def every_kind_of_alert(person, alice, mandy, *, today):
    """Five alerts on ``person`` as of ``today``: a request, a review, a plan review, an old draft (escalated)
    and a missing assessment (an order started after the last one)."""
    PersonRequestFactory(person=person, asked_on=today - datetime.timedelta(days=40), words="Somewhere to live")
    done = completed_assessment(person, alice, today=today - datetime.timedelta(days=100))
    GoalFactory(person=person)
    version = actions.record_agreement(person, by=alice, agreement="agreed")
    PlanVersion.objects.filter(pk=version.pk).update(review_due=today - datetime.timedelta(days=3))
    draft = actions.start_assessment(person, by=alice, purpose="review")
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    Assessment.objects.filter(pk=done.pk).update(completed_at=timezone.now() - datetime.timedelta(days=100))
    SentenceFactory(event__person=person, start_date=today - datetime.timedelta(days=40))
    return done


def test_the_wording_is_the_same_the_next_day_and_the_next_run_writes_nothing(case, alice, mandy):
    every_kind_of_alert(case, alice, mandy, today=TODAY)
    first = sweep_assessments(TODAY)
    assert first["alerts_raised"] == 5
    assert set(Alert.objects.values_list("reason", flat=True)) == {
        reasons.REQUEST_UNANSWERED, reasons.REVIEW_OVERDUE, reasons.PLAN_REVIEW_OVERDUE, reasons.DRAFT_OVERDUE,
        reasons.MISSING}
    before = {a.pk: (a.title, a.summary, a.next_step, a.evidence, a.severity, a.due, a.escalated_to_id)
              for a in Alert.objects.all()}
    assert not any(word in a[1] for a in before.values() for word in (" days", " day "))
    audit = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        second = sweep_assessments(TODAY + datetime.timedelta(days=1))
    assert writes(captured) == []
    assert AuditEvent.objects.count() == audit
    assert second["alerts_raised"] == 0
    assert second["unchanged"] == 5
    after = {a.pk: (a.title, a.summary, a.next_step, a.evidence, a.severity, a.due, a.escalated_to_id)
             for a in Alert.objects.all()}
    assert after == before


def test_the_words_hold_dates(case, alice, mandy):
    request = PersonRequestFactory(person=case, asked_on=datetime.date(2026, 3, 3), words="Somewhere to live")
    draft = actions.start_assessment(case, by=alice, purpose="start")
    started = timezone.now() - datetime.timedelta(days=20)
    Assessment.objects.filter(pk=draft.pk).update(created_at=started)
    sweep_assessments(TODAY)
    asked = open_alerts(reasons.REQUEST_UNANSWERED).get()
    assert asked.summary.startswith(f"On 3 March 2026 {case.full_name} asked: \u201cSomewhere to live\u201d.")
    assert asked.summary.endswith("It has not been acted on or answered since.")
    assert asked.evidence == {"request": request.pk, "asked_on": "2026-03-03"}
    old = open_alerts(reasons.DRAFT_OVERDUE).get()
    assert old.summary.endswith(f"on {format_date(timezone.localdate(started))}, is still a draft.")
    assert old.evidence == {"assessment": draft.pk, "started_on": timezone.localdate(started).isoformat()}


def test_queries_per_batch_do_not_grow_with_the_alerts(alice, mandy, north_team, django_assert_max_num_queries):
    def person_with_alerts():
        person = PersonFactory(practitioner=alice, team=north_team)
        SentenceFactory(event__person=person)
        every_kind_of_alert(person, alice, mandy, today=TODAY)
        return person

    one = [person_with_alerts()]
    sweep_assessments(TODAY, person_ids=[p.pk for p in one])
    with CaptureQueriesContext(connection) as few:
        sweep_assessments(TODAY, person_ids=[p.pk for p in one])
    many = one + [person_with_alerts() for _ in range(4)]
    sweep_assessments(TODAY, person_ids=[p.pk for p in many])
    assert Alert.objects.filter(closed_at__isnull=True).count() >= 25
    with django_assert_max_num_queries(len(few.captured_queries)):
        counts = sweep_assessments(TODAY, person_ids=[p.pk for p in many])
    assert counts["unchanged"] == 25
    # Every person in one batch, or one person a batch: the cost is per batch.
    with CaptureQueriesContext(connection) as small_batches:
        sweep_assessments(TODAY, person_ids=[p.pk for p in many], batch_size=1)
    assert len(small_batches.captured_queries) > len(few.captured_queries)


def test_the_sweep_raises_the_conflict_alert_the_action_raises(case, alice):
    from openprobation.assessments.conflicts import conflict_for, raise_conflict_alert

    completed_assessment(case, alice, level="medium")
    ExternalAssessmentFactory(person=case, rosh_level="very_high")
    sweep_assessments(TODAY)
    swept = open_alerts(reasons.CONFLICT).get()
    Alert.objects.filter(pk=swept.pk).delete()
    by_action, _ = raise_conflict_alert(case, conflict_for(case, TODAY), today=TODAY)
    fields = ("subject_key", "title", "summary", "next_step", "evidence", "severity", "owner_id", "due")
    assert [getattr(swept, f) for f in fields] == [getattr(by_action, f) for f in fields]


def test_a_decision_holds_until_the_draft_is_old_enough_to_escalate(case, alice, mandy):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    sweep_assessments(TODAY)
    closed = close_alert(open_alerts(reasons.DRAFT_OVERDUE).get(), by=alice, decision="accepted",
                         rationale="Waiting for the psychology report")
    assert sweep_assessments(TODAY)["suppressed"] == 1
    assert not open_alerts(reasons.DRAFT_OVERDUE).exists()
    # Two weeks on: decided at 15 days old, the draft is now 29 days old.
    Alert.objects.filter(pk=closed.pk).update(closed_at=closed.closed_at - datetime.timedelta(days=14))
    Assessment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=29))
    sweep_assessments(TODAY)
    assert open_alerts(reasons.DRAFT_OVERDUE).get().escalated_to == mandy


def test_an_alert_whose_cause_went_without_an_action_is_marked_cleared_not_closed(alice, north_team):
    late = PersonFactory(practitioner=alice)
    order = SentenceFactory(event__person=late, start_date=TODAY - datetime.timedelta(days=40))
    sweep_assessments(TODAY)
    alert = open_alerts(reasons.MISSING).get()
    Sentence.objects.filter(pk=order.pk).update(terminated_on=TODAY, termination_reason="Revoked")
    assert sweep_assessments(TODAY)["cleared"] == 1
    alert.refresh_from_db()
    assert alert.closed_at is None
    assert alert.evidence["cleared_on"] == TODAY.isoformat()
    assert sweep_assessments(TODAY).get("cleared", 0) == 0


def test_an_unowned_case_keeps_its_alert(alice, mandy, north_team):
    person = PersonFactory(practitioner=alice, team=north_team)
    PersonRequestFactory(person=person, asked_on=TODAY - datetime.timedelta(days=20))
    sweep_assessments(TODAY)
    User = type(alice)
    User.objects.filter(pk__in=[alice.pk, mandy.pk]).update(is_active=False)
    counts = sweep_assessments(TODAY)
    assert counts["no_owner"] == 1
    assert "cleared_on" not in open_alerts(reasons.REQUEST_UNANSWERED).get().evidence
