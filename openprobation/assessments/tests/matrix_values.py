"""Real objects of the case for the access matrix test (`access/tests/test_matrix.py`).

Every assessments route that takes an id other than the CRN gets one that exists on the case under test, in
the state its page needs to render: a current assessment that disagrees with a psychology report (the reconcile
page), the draft assessment for the section pages, a recorded plan version, a goal with a step, a request, and
the psychology report, not set aside.
"""

import datetime

from django.utils import timezone

from openprobation.assessments import actions
from openprobation.assessments.models import Assessment, NeedArea, PlanVersion, RoshLevel

from .factories import (
    AssessmentFactory,
    ExternalAssessmentFactory,
    GoalFactory,
    PersonRequestFactory,
    StepFactory,
)


def matrix_values(case, users) -> dict[str, dict]:
    alice = users["alice"]
    today = timezone.localdate()
    # The current assessment says low, the psychology report very high: the two disagree, so there is something
    # to reconcile.
    AssessmentFactory(person=case, number=1, created_by=alice, status=Assessment.Status.COMPLETE,
                      completed_at=timezone.now(), completed_by=alice, overall_rosh=RoshLevel.LOW,
                      review_due=today + datetime.timedelta(days=90))
    report = ExternalAssessmentFactory(person=case, recorded_by=alice, rosh_level=RoshLevel.VERY_HIGH)
    # One open assessment per person: a draft, which every section page needs. Its countersign page then sends
    # a user back to the assessment ("not waiting for a countersignature"), having read the case.
    draft = AssessmentFactory(person=case, number=2, created_by=alice)
    goal = GoalFactory(person=case, created_by=alice)
    step = StepFactory(goal=goal, created_by=alice)
    asked = PersonRequestFactory(person=case, recorded_by=alice)
    version = actions.record_agreement(case, by=alice, agreement=PlanVersion.Agreement.AGREED)
    area = NeedArea.objects.selectable().order_by("sort_order").first()
    assessment = {"number": draft.number}
    return {
        "assessments:assessment": assessment,
        "assessments:edit-rosh": assessment,
        "assessments:edit-risk-to-self": assessment,
        "assessments:edit-need": {**assessment, "code": area.code},
        "assessments:edit-predictors": assessment,
        "assessments:ogrs3": assessment,
        "assessments:complete": assessment,
        "assessments:countersign": assessment,
        "assessments:set-aside-external": {"report_id": report.pk},
        "assessments:edit-goal": {"goal_id": goal.pk},
        "assessments:goal-status": {"goal_id": goal.pk},
        "assessments:add-step": {"goal_id": goal.pk},
        "assessments:edit-step": {"step_id": step.pk},
        "assessments:plan-version": {"number": version.number},
        "assessments:request": {"request_id": asked.pk},
    }
