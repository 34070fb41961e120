"""The person's own requests: recorded in their words, tracked until met or answered with a reason."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.alerts.models import Decision
from openprobation.audit.record import record

from .. import reasons
from ..models import NeedArea, PersonRequest, Step
from .common import check_version, close_open_alerts, require_assessor, text_length


def record_request(person, *, by, asked_on: datetime.date, words: str, area: NeedArea | None = None,
                   today=None) -> PersonRequest:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = {}
    if not (words or "").strip():
        errors["words"] = "Enter what they asked for"
    text_length(errors, "words", words, "What they asked for")
    if asked_on is None:
        errors["asked_on"] = "Enter the date they asked"
    elif asked_on > today:
        errors["asked_on"] = "The date they asked must be today or in the past"
    if area is not None and not isinstance(area, NeedArea):
        errors["area"] = "Select the area of need, or none"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = PersonRequest.objects.create(person=person, asked_on=asked_on, words=words.strip(), area=area,
                                               recorded_by=by)
        record("request_recorded", request, by=by, crn=person.crn, asked_on=asked_on,
               area=getattr(area, "code", None))
    return request


def _lock(request, expected_version) -> PersonRequest:
    current = PersonRequest.objects.select_for_update(of=("self",)).select_related("person").get(pk=request.pk)
    check_version(current, expected_version)
    if current.is_closed:
        raise ValidationError(f"This request is already {current.get_status_display().lower()}.", code="closed")
    return current


def _save(current: PersonRequest, fields: list[str]) -> None:
    current.version += 1
    current.save(update_fields=[*fields, "version"])


def _close_alert(current: PersonRequest, *, by, rationale: str) -> None:
    close_open_alerts(current.person, reasons.REQUEST_UNANSWERED, by=by,
                      subject_key=reasons.request_subject(current.pk), decision=Decision.ANSWERED, rationale=rationale)


def link_request_to_step(request, *, by, step: Step, note: str = "", expected_version) -> PersonRequest:
    """The request is being acted on through a step of the sentence plan (for example a referral to make)."""
    require_assessor(by)
    errors = {}
    text_length(errors, "note", note, "The note")
    if not isinstance(step, Step):
        errors["step"] = "Select the step of the plan that answers this request"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(request, expected_version)
        if step.goal.person_id != current.person_id:
            raise ValidationError({"step": "Select a step of this person's plan"})
        if step.status in (Step.Status.NO_LONGER_NEEDED, Step.Status.COMPLETED):
            raise ValidationError({"step": "Select a step that is still to be done"})
        current.step, current.status = step, PersonRequest.Status.IN_PROGRESS
        current.action_note = (note or "").strip()
        _save(current, ["step", "status", "action_note"])
        _close_alert(current, by=by, rationale=f"Being acted on through the plan step: {step.description[:150]}")
        record("request_linked", current, by=by, crn=current.person.crn, step=step.pk, note=current.action_note)
    return current


def link_request_to_referral(request, *, by, referral, note: str = "", expected_version) -> PersonRequest:
    """The request is being met by a referral to a service (interventions)."""
    require_assessor(by)
    errors = {}
    text_length(errors, "note", note, "The note")
    if referral is None:
        errors["referral"] = "Select the referral that answers this request"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(request, expected_version)
        if referral.person_id != current.person_id:
            raise ValidationError({"referral": "Select a referral of this person"})
        if referral.is_concluded and referral.status != "completed":
            raise ValidationError({"referral": "Select a referral that was not cancelled or ended early"})
        current.referral, current.status = referral, PersonRequest.Status.IN_PROGRESS
        current.action_note = (note or "").strip()
        _save(current, ["referral", "status", "action_note"])
        _close_alert(current, by=by, rationale=f"Being acted on through referral {referral.reference}.")
        record("request_linked", current, by=by, crn=current.person.crn, referral=referral.pk,
               note=current.action_note)
    return current


def mark_request_met(request, *, by, met_on: datetime.date, note: str = "", expected_version,
                     today=None) -> PersonRequest:
    require_assessor(by)
    today = today or timezone.localdate()
    errors = {}
    text_length(errors, "note", note, "The note")
    if met_on is None:
        errors["met_on"] = "Enter the date the request was met"
    elif met_on > today:
        errors["met_on"] = "The date the request was met must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(request, expected_version)
        if met_on < current.asked_on:
            raise ValidationError({"met_on": "The date it was met must be on or after the date they asked"})
        current.status, current.met_on, current.closed_by = PersonRequest.Status.MET, met_on, by
        if (note or "").strip():
            current.action_note = note.strip()
        _save(current, ["status", "met_on", "closed_by", "action_note"])
        _close_alert(current, by=by, rationale="The request was met.")
        record("request_met", current, by=by, crn=current.person.crn, met_on=met_on, note=current.action_note)
    return current


def answer_request(request, *, by, answer: str, answered_on: datetime.date | None = None, expected_version,
                   today=None) -> PersonRequest:
    """Answered without being met: the answer given to the person, with the reason."""
    require_assessor(by)
    today = today or timezone.localdate()
    answered_on = answered_on or today
    errors = {}
    if not (answer or "").strip():
        errors["answer"] = "Enter the answer you gave them, with the reason"
    text_length(errors, "answer", answer, "The answer")
    if answered_on > today:
        errors["answered_on"] = "The date of the answer must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(request, expected_version)
        if answered_on < current.asked_on:
            raise ValidationError({"answered_on": "The date of the answer must be on or after the date they asked"})
        current.status, current.answer, current.answered_on = PersonRequest.Status.ANSWERED, answer.strip(), answered_on
        current.closed_by = by
        _save(current, ["status", "answer", "answered_on", "closed_by"])
        _close_alert(current, by=by, rationale=f"Answered: {current.answer[:200]}")
        record("request_answered", current, by=by, crn=current.person.crn, answered_on=answered_on,
               answer=current.answer)
    return current


def meet_requests_of_step(step: Step, *, by, today: datetime.date) -> int:
    """Completing a plan step meets the requests being acted on through it (called inside update_step)."""
    met = 0
    for request in PersonRequest.objects.select_for_update(of=("self",)).filter(
            step=step, status=PersonRequest.Status.IN_PROGRESS).select_related("person"):
        request.status, request.met_on, request.closed_by = PersonRequest.Status.MET, today, by
        _save(request, ["status", "met_on", "closed_by"])
        record("request_met", request, by=by, crn=request.person.crn, met_on=today, step=step.pk)
        met += 1
    return met
