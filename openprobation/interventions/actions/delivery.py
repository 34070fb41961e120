"""The provider's side: assign a caseworker, assess, plan, deliver sessions, report at the end.

A session is a supervision Contact (so it is on the case's timeline). An enforceable session's outcome is
recorded through ``supervision.actions.record_outcome``: the same enforcement rules as any appointment,
and the practitioner still decides whether an absence was acceptable (a provider's "did not attend" is
recorded as failed to attend, awaiting evidence).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openprobation.alerts.actions import raise_alert
from openprobation.alerts.routing import owner_of
from openprobation.audit.record import record
from openprobation.core.calendar import default_calendar, format_date
from openprobation.supervision.actions import record_outcome
from openprobation.supervision.models import Contact, ContactNote, ContactType

from .. import rules
from ..continuity import CONCERN_REASON
from ..models import (
    ActionPlan,
    Attendance,
    EndOfServiceReport,
    NoSessionReason,
    ProviderMembership,
    Rating,
    ReferralAssignment,
    ReferralStatus,
    Session,
)
from ..models.referrals import LIVE_STATUSES
from ..models.sessions import Delivery
from .common import (
    ENFORCEABLE_SESSION_CODE,
    SESSION_CODE,
    bump,
    check_length,
    keep_change,
    lock_referral,
    log_on_timeline,
    require_text,
    sweep_after_commit,
    today_or,
)

MAX_SESSION_LENGTH = datetime.timedelta(hours=8)


def enforceable_outcome_code(*, happened: bool, attended: str, no_session_reason: str) -> str:
    """The appointment outcome a provider's feedback records on an enforceable session."""
    if happened:
        return "ATTC"
    came = attended in (Attendance.YES, Attendance.LATE)
    if no_session_reason == NoSessionReason.LOGISTICS:
        return "ATSS" if came else "CO05"
    if came:
        return "ATSH" if no_session_reason == NoSessionReason.PERSON_UNACCEPTABLE else "ATSS"
    return "AFTA"  # the practitioner decides, with the evidence, whether the absence was acceptable


def _current_member(user, provider, today, errors, key="caseworker"):
    membership = ProviderMembership.objects.filter(user=user, provider=provider).first()
    if membership is None or not membership.is_current(today) or not user.is_active:
        errors[key] = f"Select a current caseworker of {provider}"
    return membership


def assign_referral(referral, *, by, caseworker, reason="", today=None):
    """Give the referral to a caseworker; a reassignment needs a reason and is kept."""
    today = today_or(today)
    with transaction.atomic():
        current = lock_referral(referral)
        if current.status not in LIVE_STATUSES:
            raise ValidationError("Only an open referral can be assigned.")
        errors = {}
        if caseworker is None:
            errors["caseworker"] = "Select a caseworker"
        else:
            _current_member(caseworker, current.contract.provider, today, errors)
        reassigning = current.caseworker_id is not None
        if reassigning:
            if caseworker is not None and caseworker.pk == current.caseworker_id:
                errors["caseworker"] = "The referral is already assigned to this caseworker"
            reason = require_text(reason, "reason", "Enter why the referral is being reassigned", errors)
        if errors:
            raise ValidationError(errors)
        previous = current.caseworker
        current.caseworker, current.assigned_on = caseworker, today
        fields = ["caseworker", "assigned_on"]
        if current.status == ReferralStatus.SENT:
            current.status = ReferralStatus.ASSIGNED
            fields.append("status")
        bump(current, *fields)
        ReferralAssignment.objects.create(referral=current, caseworker=caseworker, assigned_on=today, assigned_by=by)
        text = (f"reassigned from {previous} to {caseworker}" if reassigning else f"assigned to {caseworker}")
        keep_change(current, by=by, topic="caseworker", description=f"Caseworker {text}",
                    reason=reason or "Assigned by the provider", old=getattr(previous, "pk", None), new=caseworker.pk)
        log_on_timeline(current, by=by, text=f"{text} at {current.contract.provider}")
        record("assign_referral", current, by=by, crn=current.person.crn, caseworker=caseworker.pk,
               previous=getattr(previous, "pk", None), reason=reason)
        if current.protective:
            sweep_after_commit(referral_ids=[current.pk])
    referral.refresh_from_db()
    return referral


def record_initial_assessment(referral, *, by, on, notes, today=None):
    today = today_or(today)
    errors = {}
    notes = require_text(notes, "notes", "Enter what the assessment found", errors)
    if on is None:
        errors["on"] = "Enter the date of the assessment"
    elif on > today:
        errors["on"] = "The date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_referral(referral)
        if current.status != ReferralStatus.ASSIGNED:
            raise ValidationError("The initial assessment is recorded once, after a caseworker is assigned.")
        if on < current.sent_on:
            raise ValidationError({"on": f"The date must be on or after the referral was sent, "
                                         f"{format_date(current.sent_on)}"})
        current.status = ReferralStatus.ASSESSED
        current.initial_assessment_on = on
        current.action_plan_due = rules.action_plan_due(on)
        bump(current, "status", "initial_assessment_on", "action_plan_due")
        keep_change(current, by=by, topic="initial_assessment", description="Initial assessment recorded",
                    reason=f"Assessed on {format_date(on)}", new=on.isoformat())
        log_on_timeline(current, by=by, text=f"initial assessment on {format_date(on)}", note=notes)
        record("record_initial_assessment", current, by=by, crn=current.person.crn, on=on,
               action_plan_due=current.action_plan_due)
    referral.refresh_from_db()
    return referral


def submit_action_plan(referral, *, by, activities, number_of_sessions, today=None) -> ActionPlan:
    today = today_or(today)
    errors = {}
    activities = require_text(activities, "activities", "Describe the activities", errors)
    if not number_of_sessions or number_of_sessions < 1 or number_of_sessions > 100:
        errors["number_of_sessions"] = "Enter a number of sessions from 1 to 100"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_referral(referral)
        if current.status not in (ReferralStatus.ASSESSED, ReferralStatus.PLAN_SUBMITTED):
            raise ValidationError("An action plan is submitted after the initial assessment, before delivery.")
        plan = ActionPlan.objects.create(referral=current, activities=activities,
                                         number_of_sessions=number_of_sessions, submitted_on=today, submitted_by=by)
        current.status = ReferralStatus.PLAN_SUBMITTED
        bump(current, "status")
        keep_change(current, by=by, topic="action_plan", description="Action plan submitted",
                    reason=f"{number_of_sessions} sessions planned", new=plan.pk)
        log_on_timeline(current, by=by, text=f"action plan of {number_of_sessions} sessions submitted for approval",
                        note=activities)
        record("submit_action_plan", plan, by=by, crn=current.person.crn, referral=current.pk,
               sessions=number_of_sessions)
    return plan


def schedule_session(referral, *, by, starts_at, duration, delivery=Delivery.IN_PERSON, place="") -> Session:
    """Arrange a session: an appointment on the case's timeline, enforceable if the referral says so."""
    errors = {}
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "Enter the date and time of the session"
    if duration is None or duration <= datetime.timedelta(0):
        errors["duration"] = "The end time must be after the start time"
    elif duration > MAX_SESSION_LENGTH:
        errors["duration"] = "A session can last at most 8 hours"
    if delivery not in Delivery.values:
        errors["delivery"] = "Select how the session is delivered"
    place = check_length(place, "place", errors)[:200]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_referral(referral)
        if current.status != ReferralStatus.IN_PROGRESS:
            raise ValidationError("Sessions are arranged once the practitioner has approved the action plan.")
        day = timezone.localdate(starts_at)
        if day < current.sent_on:
            raise ValidationError({"starts_at": f"The session must be on or after {format_date(current.sent_on)}"})
        number = (current.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
        code = ENFORCEABLE_SESSION_CODE if current.enforceable else SESSION_CODE
        staff = current.caseworker or by
        contact = Contact.objects.create(
            person=current.person, sentence=current.sentence, requirement=current.requirement,
            contact_type=ContactType.objects.get(code=code), starts_at=starts_at, ends_at=starts_at + duration,
            staff=staff, team=None,
            description=f"{current.contract.name}: session {number} with {current.contract.provider}"[:200],
            created_by=by,
        )
        session = Session.objects.create(referral=current, contact=contact, number=number, delivery=delivery,
                                         place=place, created_by=by)
        record("schedule_session", session, by=by, crn=current.person.crn, referral=current.pk, contact=contact.pk,
               starts_at=starts_at, enforceable=current.enforceable)
    return session


def _feedback_note(session, provider, by, *, happened, attended, no_session_reason, summary, behaviour,
                   concerns) -> str:
    lines = [f"Session feedback from {provider} ({by}):",
             f"Did the session happen? {'Yes' if happened else 'No'}",
             f"Did they attend? {Attendance(attended).label}"]
    if no_session_reason:
        lines.append(f"Why not: {NoSessionReason(no_session_reason).label}")
    for label, text in (("Summary", summary), ("Behaviour", behaviour), ("Concerns", concerns)):
        if text:
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def record_session_feedback(session, *, by, happened, attended, no_session_reason="", summary="", behaviour="",
                            concerns="", notify_practitioner=False, today=None) -> Session:
    """Record what happened at a session; an enforceable one gets its appointment outcome the usual way."""
    today = today_or(today)
    errors = {}
    if happened not in (True, False):
        errors["happened"] = "Select whether the session happened"
    if attended not in Attendance.values:
        errors["attended"] = "Select whether they attended"
    elif happened is True and attended == Attendance.NO:
        errors["attended"] = "If the session happened, they attended: select yes or late"
    if happened is False and no_session_reason not in NoSessionReason.values:
        errors["no_session_reason"] = "Select why the session did not happen"
    if happened is True:
        no_session_reason = ""
    summary, behaviour = check_length(summary, "summary", errors), check_length(behaviour, "behaviour", errors)
    concerns = check_length(concerns, "concerns", errors)
    if notify_practitioner and not (behaviour or concerns):
        errors["concerns"] = "Describe the behaviour or concerns the practitioner needs to know about"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = lock_referral(session.referral)
        current = Session.objects.select_for_update(of=("self",)).select_related("contact__contact_type").get(
            pk=session.pk)
        contact = current.contact
        if current.has_feedback:
            raise ValidationError("Feedback for this session has already been recorded.")
        if contact.starts_at > timezone.now():
            raise ValidationError("You can record feedback once the session's time has passed.")
        provider = referral.contract.provider
        note = _feedback_note(current, provider, by, happened=happened, attended=attended,
                              no_session_reason=no_session_reason, summary=summary, behaviour=behaviour,
                              concerns=concerns)
        current.happened, current.attended, current.no_session_reason = happened, attended, no_session_reason
        current.summary, current.behaviour, current.concerns = summary, behaviour, concerns
        current.notify_practitioner = bool(notify_practitioner)
        current.delivered_on = timezone.localdate(contact.starts_at) if happened else None
        current.feedback_at, current.feedback_by = timezone.now(), by
        current.save(update_fields=["happened", "attended", "no_session_reason", "summary", "behaviour", "concerns",
                                    "notify_practitioner", "delivered_on", "feedback_at", "feedback_by"])
        if contact.contact_type.outcome_required:
            code = enforceable_outcome_code(happened=happened, attended=attended, no_session_reason=no_session_reason)
            record_outcome(contact, code, by=by, notes=note, expected_version=contact.version, today=today)
        else:
            outcome_words = "attended" if happened else "did not happen"
            if happened and attended == Attendance.LATE:
                outcome_words = "attended late"
            contact.description = f"{contact.description}: {outcome_words}"[:200]
            contact.version += 1
            contact.save(update_fields=["description", "version"])
            ContactNote.objects.create(contact=contact, text=note, created_by=by)
        _end_of_service_due(referral, current)
        alert = None
        if notify_practitioner:
            alert = _notify(referral, current, by=by, behaviour=behaviour, concerns=concerns, today=today)
        record("record_session_feedback", current, by=by, crn=referral.person.crn, referral=referral.pk,
               happened=happened, attended=attended, no_session_reason=no_session_reason,
               notified=getattr(alert, "pk", None))
        if referral.protective:
            sweep_after_commit(referral_ids=[referral.pk])
    session.refresh_from_db()
    return session


def _end_of_service_due(referral, session) -> None:
    plan = referral.action_plans.filter(approved_on__isnull=False).order_by("-approved_on", "-id").first()
    if plan is None or referral.end_of_service_report_due is not None:
        return
    done = referral.sessions.filter(happened__isnull=False).count()
    if done >= plan.number_of_sessions:
        referral.end_of_service_report_due = rules.end_of_service_report_due(
            timezone.localdate(session.contact.starts_at)
        )
        bump(referral, "end_of_service_report_due")


def _notify(referral, session, *, by, behaviour, concerns, today):
    person = referral.person
    owner = owner_of(person)
    if owner is None:
        raise ValidationError("This case has no practitioner or team manager to notify: ask probation to allocate it.")
    provider = referral.contract.provider
    when = format_date(timezone.localdate(session.contact.starts_at))
    details = " ".join(part for part in (f"Behaviour: {behaviour}" if behaviour else "",
                                         f"Concerns: {concerns}" if concerns else "") if part)
    alert, _ = raise_alert(
        person, reason=CONCERN_REASON, subject_key=f"session:{session.pk}", owner=owner,
        due=default_calendar().add_working_days(today, 1),
        title=f"{provider} asks you to look at session {session.number} of {referral.contract.name}",
        summary=f"{provider} reported on the session of {when} ({referral.reference}). {details}"[:4000],
        next_step="Read the session feedback, speak to the provider if needed, and record what you decided.",
        evidence={"referral": referral.pk, "session": session.pk, "contact": session.contact_id, "date": when,
                  "provider": str(provider), "reported_by": str(by)},
        severity="high", by=by,
    )
    return alert


def submit_end_of_service_report(referral, *, by, ratings: dict, further_information="", today=None):
    """Rate each desired outcome; a referral in delivery is then completed."""
    today = today_or(today)
    errors = {}
    further_information = check_length(further_information, "further_information", errors)
    with transaction.atomic():
        current = lock_referral(referral)
        if current.status not in (ReferralStatus.IN_PROGRESS, ReferralStatus.ENDED_EARLY):
            raise ValidationError("The end-of-service report is written when delivery ends.")
        if hasattr(current, "end_of_service_report"):
            raise ValidationError("The end-of-service report has already been submitted.")
        if current.sessions.filter(happened__isnull=True).exists():
            raise ValidationError("Record feedback for every session first.")
        outcomes = list(current.outcomes.select_related("outcome"))
        for outcome in outcomes:
            rating, progress = ratings.get(outcome.pk, ("", ""))
            if rating not in Rating.values:
                errors[f"outcome_{outcome.pk}"] = f"Select how far this was achieved: {outcome.outcome.description}"
            outcome.rating, outcome.progress = rating, (progress or "").strip()
        if errors:
            raise ValidationError(errors)
        for outcome in outcomes:
            outcome.save(update_fields=["rating", "progress"])
        report = EndOfServiceReport.objects.create(referral=current, further_information=further_information,
                                                   submitted_on=today, submitted_by=by)
        achieved = sum(o.rating == Rating.ACHIEVED for o in outcomes)
        fields = []
        if current.status == ReferralStatus.IN_PROGRESS:
            current.status, current.concluded_on = ReferralStatus.COMPLETED, today
            fields = ["status", "concluded_on"]
        bump(current, *fields)
        keep_change(current, by=by, topic="end_of_service_report", description="End-of-service report submitted",
                    reason=f"{achieved} of {len(outcomes)} outcomes achieved", new=report.pk)
        log_on_timeline(current, by=by, text=f"end-of-service report: {achieved} of {len(outcomes)} desired outcomes "
                        "achieved", note="\n".join(f"{o.outcome.description}: {Rating(o.rating).label}"
                                                   + (f". {o.progress}" if o.progress else "") for o in outcomes))
        record("submit_end_of_service_report", report, by=by, crn=current.person.crn, referral=current.pk,
               ratings={o.outcome.code: o.rating for o in outcomes})
    referral.refresh_from_db()
    return report


def record_caseworker_left(membership, *, by, left_on, today=None):
    """A caseworker has left the provider: their open referrals need reassigning."""
    today = today_or(today)
    errors = {}
    if left_on is None:
        errors["left_on"] = "Enter the date they left"
    elif left_on < membership.started_on:
        errors["left_on"] = f"The date must be on or after they joined, {format_date(membership.started_on)}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = ProviderMembership.objects.select_for_update().select_related("user", "provider").get(
            pk=membership.pk)
        if current.left_on is not None:
            raise ValidationError("Their leaving date has already been recorded.")
        current.left_on, current.left_recorded_by = left_on, by
        current.save(update_fields=["left_on", "left_recorded_by"])
        open_ids = list(current.user.provider_referrals.filter(status__in=LIVE_STATUSES).values_list("pk", flat=True))
        record("record_caseworker_left", current, by=by, user=current.user_id, left_on=left_on,
               open_referrals=open_ids)
        sweep_after_commit(referral_ids=open_ids)
    return current
