"""Risk, needs and planning in the subject access export.

Every version of the practitioner's assessment (risk of serious harm ratings and narrative, risk to self,
needs, predictors), the other assessments and reports recorded beside it, the sentence plan (goals with their
steps, each agreed version with its reviews), the person's own requests and every tier calculation with its
inputs and reasons. None of these records carries a sensitive flag, so none is withheld: health and risk to
self are the person's own data (as equality data and disabilities are), and the narrative of who is at risk is
exported as personal contacts are (see docs/audit.md, "What is withheld, and why").

One query per kind of record, whatever the number of versions.
"""

from __future__ import annotations

from openprobation.assessments.models import (
    Assessment,
    ExternalAssessment,
    Goal,
    NeedRating,
    PersonRequest,
    PlanReview,
    PlanVersion,
    RiskToSelf,
    RoshRating,
    Step,
    TierCalculation,
)

from .records import Section, grouped, row

PERSON = ("person",)


def assessment_sections(person) -> list[Section]:
    return [
        Section("assessments", "Risk and needs assessments (every version)", _assessments(person)),
        Section("other_assessments", "Other assessments and reports",
                [row(report, leave_out=PERSON) for report in ExternalAssessment.objects.filter(person=person)
                 .select_related("recorded_by", "set_aside_by").order_by("assessed_on", "id")]),
        Section("plan_goals", "Sentence plan goals and steps", _goals(person)),
        Section("plan_versions", "Sentence plans agreed, with their reviews", _plan_versions(person)),
        Section("requests", "Requests made by the person and what was done",
                [row(request, leave_out=PERSON) for request in PersonRequest.objects.filter(person=person)
                 .select_related("area", "step", "referral__contract", "recorded_by", "closed_by")
                 .order_by("asked_on", "id")]),
        Section("tier_calculations", "Tier calculations",
                [row(calculation, leave_out=PERSON) for calculation in TierCalculation.objects.filter(person=person)
                 .select_related("triggered_by").order_by("calculated_at", "id")]),
    ]


def _assessments(person) -> list[dict]:
    assessments = list(Assessment.objects.filter(person=person)
                       .select_related("created_by", "completed_by", "countersigned_by").order_by("number"))
    numbers = {assessment.pk: assessment.number for assessment in assessments}
    of_person = {"assessment__person": person}
    parent = ("assessment",)
    rosh = grouped(RoshRating.objects.filter(**of_person).order_by("group", "setting"), "assessment_id",
                   leave_out=parent)
    to_self = grouped(RiskToSelf.objects.filter(**of_person).order_by("concern"), "assessment_id", leave_out=parent)
    needs = grouped(NeedRating.objects.filter(**of_person).select_related("area").order_by("area__sort_order", "id"),
                    "assessment_id", leave_out=parent)
    rows = []
    for assessment in assessments:
        data = row(assessment, leave_out=PERSON)
        if assessment.superseded_by_id is not None:
            number = numbers.get(assessment.superseded_by_id)
            data["superseded_by"] = {"id": assessment.superseded_by_id, "name": f"Version {number}"}
        rows.append({**data, "risk_of_serious_harm": rosh.get(assessment.pk, []),
                     "risk_to_self": to_self.get(assessment.pk, []), "needs": needs.get(assessment.pk, [])})
    return rows


def _goals(person) -> list[dict]:
    steps = grouped(Step.objects.filter(goal__person=person).select_related("created_by").order_by("created_at", "id"),
                    "goal_id", leave_out=("goal",))
    return [{**row(goal, leave_out=PERSON), "steps": steps.get(goal.pk, [])}
            for goal in Goal.objects.filter(person=person).select_related("area", "created_by")
            .order_by("created_at", "id")]


def _plan_versions(person) -> list[dict]:
    reviews = grouped(PlanReview.objects.filter(person=person).select_related("recorded_by")
                      .order_by("reviewed_on", "id"), "plan_version_id", leave_out=("person", "plan_version"))
    return [{**row(version, leave_out=PERSON), "reviews": reviews.get(version.pk, [])}
            for version in PlanVersion.objects.filter(person=person)
            .select_related("recorded_by", "countersigned_by").order_by("number")]
