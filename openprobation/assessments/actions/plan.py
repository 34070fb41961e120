"""The sentence plan: goals in the person's words, steps, the person's agreement, countersignature, reviews."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openprobation.alerts.actions import raise_alert
from openprobation.audit.record import record
from openprobation.core.calendar import format_date

from .. import reasons
from ..config import setting
from ..models import COUNTERSIGN_LEVELS, Assessment, Goal, NeedArea, PlanReview, PlanVersion, Step
from .assessments import add_months
from .common import (
    alert_owner,
    check_version,
    close_open_alerts,
    require_assessor,
    require_countersigner,
    team_manager,
    text_length,
)

OPEN_GOAL_STATUSES = (Goal.Status.ACTIVE, Goal.Status.FUTURE)


def _goal_errors(area, own_words, practitioner_words, target_date, today) -> dict:
    errors = {}
    if not isinstance(area, NeedArea):
        errors["area"] = "Select the area of need this goal is about"
    if not (own_words or "").strip():
        errors["own_words"] = "Enter the goal in the person's own words"
    text_length(errors, "own_words", own_words, "The goal in their words")
    text_length(errors, "practitioner_words", practitioner_words, "Your description")
    if target_date is not None and target_date <= today:
        errors["target_date"] = "The target date must be in the future"
    return errors


def add_goal(person, *, by, area, own_words: str, practitioner_words: str = "", status: str = Goal.Status.ACTIVE,
             target_date: datetime.date | None = None, today=None) -> Goal:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = _goal_errors(area, own_words, practitioner_words, target_date, today)
    if status not in OPEN_GOAL_STATUSES:
        errors["status"] = "Select whether to work on this goal now or in the future"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        goal = Goal.objects.create(person=person, area=area, own_words=own_words.strip(),
                                   practitioner_words=(practitioner_words or "").strip(), status=status,
                                   target_date=target_date, created_by=by)
        record("goal_added", goal, by=by, crn=person.crn, area=area.code, status=status, target_date=target_date)
    return goal


def _lock_goal(goal, expected_version) -> Goal:
    current = Goal.objects.select_for_update(of=("self",)).select_related("person").get(pk=goal.pk)
    check_version(current, expected_version)
    return current


def update_goal(goal, *, by, area, own_words: str, practitioner_words: str = "",
                target_date: datetime.date | None = None, expected_version, today=None) -> Goal:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = _goal_errors(area, own_words, practitioner_words, None, today)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_goal(goal, expected_version)
        if not current.is_open:
            raise ValidationError("This goal is closed: reopen it before changing it.")
        if target_date is not None and target_date != current.target_date and target_date <= today:
            raise ValidationError({"target_date": "The target date must be in the future"})
        before = {"area": current.area.code, "own_words": current.own_words,
                  "practitioner_words": current.practitioner_words, "target_date": current.target_date}
        current.area, current.own_words = area, own_words.strip()
        current.practitioner_words, current.target_date = (practitioner_words or "").strip(), target_date
        current.version += 1
        current.save(update_fields=["area", "own_words", "practitioner_words", "target_date", "version", "updated_at"])
        after = {"area": area.code, "own_words": current.own_words, "practitioner_words": current.practitioner_words,
                 "target_date": target_date}
        record("goal_updated", current, by=by, crn=current.person.crn,
               changed={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return current


def change_goal_status(goal, *, by, status: str, note: str = "", expected_version) -> Goal:
    """Work on it now, later, mark it achieved (how it helped) or remove it (why)."""
    require_assessor(by)
    if status not in Goal.Status.values:
        raise ValidationError({"status": "Select what has happened to this goal"})
    if status in (Goal.Status.ACHIEVED, Goal.Status.REMOVED) and not (note or "").strip():
        raise ValidationError({"note": "Say how achieving it helped them" if status == Goal.Status.ACHIEVED
                               else "Say why the goal is being removed"})
    errors = {}
    text_length(errors, "note", note, "The note")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_goal(goal, expected_version)
        before = current.status
        current.status = status
        current.status_note = (note or "").strip() if status not in OPEN_GOAL_STATUSES else ""
        current.version += 1
        current.save(update_fields=["status", "status_note", "version", "updated_at"])
        record("goal_status_changed", current, by=by, crn=current.person.crn, status=[before, status],
               note=current.status_note)
    return current


def _step_errors(description, owner, service_name, target_date, today, *, new: bool) -> dict:
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Enter what needs to happen"
    text_length(errors, "description", description, "The step")
    if owner not in Step.Owner.values:
        errors["owner"] = "Select who will do it"
    elif owner == Step.Owner.SERVICE and not (service_name or "").strip():
        errors["service_name"] = "Enter the name of the service"
    if len(service_name or "") > 200:
        errors["service_name"] = "The name of the service must be 200 characters or fewer"
    if new and target_date is not None and target_date <= today:
        errors["target_date"] = "The target date must be in the future"
    return errors


def add_step(goal, *, by, description: str, owner: str, service_name: str = "",
             target_date: datetime.date | None = None, today=None) -> Step:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = _step_errors(description, owner, service_name, target_date, today, new=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Goal.objects.select_for_update(of=("self",)).select_related("person").get(pk=goal.pk)
        if not current.is_open:
            raise ValidationError("Steps can only be added to a goal that is being worked on.")
        step = Step.objects.create(
            goal=current, description=description.strip(), owner=owner,
            service_name=(service_name or "").strip() if owner == Step.Owner.SERVICE else "",
            target_date=target_date, created_by=by)
        record("step_added", step, by=by, crn=current.person.crn, goal=current.pk, owner=owner,
               service=step.service_name, target_date=target_date)
    return step


def update_step(step, *, by, description: str, owner: str, service_name: str = "",
                target_date: datetime.date | None = None, status: str, expected_version, today=None) -> Step:
    """Change a step or record progress; completing a step meets the requests it was answering."""
    require_assessor(by)
    today = today or timezone.localdate()
    errors = _step_errors(description, owner, service_name, target_date, today, new=False)
    if status not in Step.Status.values:
        errors["status"] = "Select how the step is going"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Step.objects.select_for_update(of=("self",)).select_related("goal__person").get(pk=step.pk)
        check_version(current, expected_version)
        if target_date is not None and target_date != current.target_date and target_date <= today:
            raise ValidationError({"target_date": "The target date must be in the future"})
        before = {"description": current.description, "owner": current.owner, "service_name": current.service_name,
                  "target_date": current.target_date, "status": current.status}
        current.description, current.owner = description.strip(), owner
        current.service_name = (service_name or "").strip() if owner == Step.Owner.SERVICE else ""
        current.target_date = target_date
        if status != current.status:
            current.completed_on = today if status == Step.Status.COMPLETED else None
        current.status = status
        current.version += 1
        current.save(update_fields=["description", "owner", "service_name", "target_date", "status",
                                    "completed_on", "version", "updated_at"])
        person = current.goal.person
        after = {"description": current.description, "owner": owner, "service_name": current.service_name,
                 "target_date": target_date, "status": status}
        record("step_updated", current, by=by, crn=person.crn,
               changed={k: [before[k], after[k]] for k in after if before[k] != after[k]})
        if status == Step.Status.COMPLETED and before["status"] != status:
            from .requests import meet_requests_of_step

            meet_requests_of_step(current, by=by, today=today)
    return current


def _snapshot(person) -> dict:
    goals = (Goal.objects.filter(person=person).select_related("area").prefetch_related("steps")
             .order_by("created_at", "id"))
    return {"goals": [
        {"id": g.pk, "area": g.area.description, "area_code": g.area.code, "own_words": g.own_words,
         "practitioner_words": g.practitioner_words, "status": g.status, "status_label": g.get_status_display(),
         "status_note": g.status_note, "target_date": g.target_date.isoformat() if g.target_date else None,
         "steps": [{"id": s.pk, "description": s.description, "owner": s.owner_label, "status": s.status,
                    "status_label": s.get_status_display(),
                    "target_date": s.target_date.isoformat() if s.target_date else None}
                   for s in g.steps.all()]}
        for g in goals]}


def plan_countersignature_reason(person) -> str:
    """Our rule: a plan needs a manager's countersignature when the latest completed assessment (final or
    awaiting countersignature) rates the risk of serious harm high or very high."""
    latest = (Assessment.objects.filter(person=person).exclude(status=Assessment.Status.DRAFT)
              .exclude(status=Assessment.Status.SUPERSEDED).order_by("-number").first())
    if latest is not None and latest.overall_rosh in COUNTERSIGN_LEVELS:
        return f"Assessment {latest.number} rates the risk of serious harm {latest.get_overall_rosh_display().lower()}"
    return ""


def record_agreement(person, *, by, agreement: str, details: str = "", comments: str = "", today=None) -> PlanVersion:
    """Freeze the plan as it stands with the person's answer to 'do you agree to this plan?'."""
    require_assessor(by)
    today = today or timezone.localdate()
    errors = {}
    if agreement not in PlanVersion.Agreement.values:
        errors["agreement"] = "Select whether they agree to the plan"
    elif agreement != PlanVersion.Agreement.AGREED and not (details or "").strip():
        errors["details"] = ("Enter why they do not agree" if agreement == PlanVersion.Agreement.DO_NOT_AGREE
                             else "Enter why they could not answer")
    text_length(errors, "details", details, "The details")
    text_length(errors, "comments", comments, "Their comments")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        type(person).objects.select_for_update().filter(pk=person.pk).first()
        if not Goal.objects.filter(person=person, status__in=OPEN_GOAL_STATUSES).exists():
            raise ValidationError("Add at least one goal before recording agreement to the plan.")
        now = timezone.now()
        for waiting in PlanVersion.objects.filter(person=person, status=PlanVersion.Status.AWAITING_COUNTERSIGNATURE):
            waiting.status, waiting.superseded_at = PlanVersion.Status.SUPERSEDED, now
            waiting.save(update_fields=["status", "superseded_at"])
            close_open_alerts(person, reasons.PLAN_COUNTERSIGN, by=by, subject_key=reasons.plan_subject(waiting.pk),
                              rationale="A newer version of the plan replaced it before it was countersigned.")
        number = (PlanVersion.objects.filter(person=person).aggregate(n=Max("number"))["n"] or 0) + 1
        reason = plan_countersignature_reason(person)
        version = PlanVersion(
            person=person, number=number, agreement=agreement,
            agreement_details=(details or "").strip() if agreement != PlanVersion.Agreement.AGREED else "",
            person_comments=(comments or "").strip(), snapshot=_snapshot(person), recorded_by=by,
            countersignature_required=bool(reason), countersignature_reason=reason,
            review_due=add_months(today, setting("PLAN_REVIEW_MONTHS")))
        if reason:
            version.status = PlanVersion.Status.AWAITING_COUNTERSIGNATURE
            version.save()
            manager = team_manager(person) or alert_owner(person)
            if manager is not None:
                raise_alert(
                    person, reason=reasons.PLAN_COUNTERSIGN, subject_key=reasons.plan_subject(version.pk),
                    owner=manager, due=today + datetime.timedelta(days=setting("COUNTERSIGN_DUE_DAYS")),
                    title="Countersign a sentence plan",
                    summary=f"Version {number} of the sentence plan needs countersigning: {reason}.",
                    next_step="Read the plan and countersign it.", evidence={"plan_version": version.pk}, by=by)
        else:
            version.status = PlanVersion.Status.CURRENT
            _supersede_current_plan(person, now)
            version.save()
            close_open_alerts(person, reasons.PLAN_REVIEW_OVERDUE, by=by,
                              rationale=f"Version {number} of the plan was agreed on {format_date(today)}.")
        record("plan_agreement_recorded", version, by=by, crn=person.crn, number=number, agreement=agreement,
               countersignature_required=bool(reason), goals=len(version.snapshot["goals"]))
    return version


def _supersede_current_plan(person, now) -> None:
    PlanVersion.objects.filter(person=person, status=PlanVersion.Status.CURRENT).update(
        status=PlanVersion.Status.SUPERSEDED, superseded_at=now)


def countersign_plan(version, *, by, comments: str = "", today=None) -> PlanVersion:
    today = today or timezone.localdate()
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update(of=("self",)).select_related("person").get(pk=version.pk)
        if current.status != PlanVersion.Status.AWAITING_COUNTERSIGNATURE:
            raise ValidationError("This version of the plan is not awaiting countersignature.")
        require_countersigner(by, current.recorded_by)
        now = timezone.now()
        _supersede_current_plan(current.person, now)
        current.status = PlanVersion.Status.CURRENT
        current.countersigned_at, current.countersigned_by = now, by
        current.countersign_comments = (comments or "").strip()
        current.save(update_fields=["status", "countersigned_at", "countersigned_by", "countersign_comments"])
        close_open_alerts(current.person, reasons.PLAN_COUNTERSIGN, by=by,
                          subject_key=reasons.plan_subject(current.pk), rationale="Countersigned.")
        close_open_alerts(current.person, reasons.PLAN_REVIEW_OVERDUE, by=by,
                          rationale=f"Version {current.number} of the plan was countersigned.")
        record("plan_countersigned", current, by=by, crn=current.person.crn, number=current.number,
               comments=current.countersign_comments)
    return current


def record_plan_review(person, *, by, reviewed_on: datetime.date, progress: str, person_views: str = "",
                       next_review_due: datetime.date, today=None) -> PlanReview:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review"
    elif reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    if not (progress or "").strip():
        errors["progress"] = "Enter the progress made against the plan"
    text_length(errors, "progress", progress, "Progress")
    text_length(errors, "person_views", person_views, "What they said")
    if next_review_due is None:
        errors["next_review_due"] = "Enter the date of the next review"
    elif next_review_due <= today:
        errors["next_review_due"] = "The next review must be in the future"
    elif next_review_due > add_months(today, 12):
        errors["next_review_due"] = "The next review must be within 12 months"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = (PlanVersion.objects.select_for_update(of=("self",))
                   .filter(person=person, status=PlanVersion.Status.CURRENT).first())
        if version is None:
            raise ValidationError("There is no agreed plan to review yet: record the person's agreement first.")
        review = PlanReview.objects.create(
            person=person, plan_version=version, reviewed_on=reviewed_on, progress=progress.strip(),
            person_views=(person_views or "").strip(), next_review_due=next_review_due, recorded_by=by)
        version.review_due = next_review_due
        version.save(update_fields=["review_due"])
        close_open_alerts(person, reasons.PLAN_REVIEW_OVERDUE, by=by, subject_key=reasons.plan_subject(version.pk),
                          rationale=f"The plan was reviewed on {format_date(reviewed_on)}.")
        record("plan_reviewed", review, by=by, crn=person.crn, plan_version=version.number,
               reviewed_on=reviewed_on, next_review_due=next_review_due)
    return review

