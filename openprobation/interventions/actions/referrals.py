"""The practitioner's side of a referral: draft, send, amend, mark protective, approve, withdraw, replace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from openprobation.audit.record import record
from openprobation.core.calendar import format_date

from .. import rules
from ..eligibility import eligibility_problems
from ..models import (
    ActionPlan,
    Complexity,
    EndReason,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    RiskFactor,
)
from ..models.referrals import LIVE_STATUSES
from .common import (
    bump,
    check_length,
    keep_change,
    lock_referral,
    log_on_timeline,
    require_text,
    sweep_after_commit,
    today_or,
)

# Fields a practitioner may amend once the referral is sent (each change needs a reason).
AMENDABLE = {
    "complexity": "complexity level",
    "desired_outcomes": "desired outcomes",
    "completion_deadline": "completion deadline",
    "enforceable_days": "number of enforceable days",
    "reason": "reason for the referral",
    "further_information": "further information",
    "risk_information": "risk information for the provider",
}
SESSIONS_PER_WEEK_CHOICES = (Decimal("5"), Decimal("3"), Decimal("2"), Decimal("1"), Decimal("0.5"), Decimal("0.25"))


def _check_details(person, contract, errors: dict, *, complexity, desired_outcomes, reason, sentence, requirement,
                   enforceable, enforceable_days, completion_deadline, today: date) -> None:
    if complexity not in Complexity.values:
        errors["complexity"] = "Select the complexity level"
    elif complexity not in (contract.complexity_levels or []):
        errors["complexity"] = "This service does not deliver that complexity level"
    offered = set(contract.desired_outcomes.values_list("pk", flat=True))
    chosen = {outcome.pk for outcome in desired_outcomes or []}
    if not chosen:
        errors["desired_outcomes"] = "Select at least one desired outcome"
    elif not chosen <= offered:
        errors["desired_outcomes"] = "Select desired outcomes that this service offers"
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the referral"
    if sentence is not None:
        if sentence.person_id != person.pk:
            errors["sentence"] = "Select an order or licence of this person"
        elif sentence.terminated_on is not None:
            errors["sentence"] = "Select a current order or licence"
    if requirement is not None and (sentence is None or requirement.sentence_id != sentence.pk):
        errors["requirement"] = "Select a requirement of the chosen order"
    if enforceable:
        if sentence is None:
            errors["enforceable"] = "Sessions can only be enforceable under an order or licence: select one"
        elif not sentence.is_licence and (requirement is None or requirement.requirement_type.code != "RAR"):
            errors["requirement"] = (
                "Under a community order, sessions are enforceable only as rehabilitation activity requirement "
                "days: select the RAR"
            )
        if not enforceable_days:
            errors["enforceable_days"] = "Enter the number of enforceable days"
    elif enforceable_days:
        errors["enforceable_days"] = "Leave the number of enforceable days empty: the sessions are not enforceable"
    if completion_deadline is None:
        errors["completion_deadline"] = "Enter the date the service must be completed by"
    elif completion_deadline <= today:
        errors["completion_deadline"] = "The completion deadline must be in the future"


def create_referral(person, *, by, contract, complexity, desired_outcomes, reason, completion_deadline,
                    further_information="", risk_information="", sentence=None, requirement=None,
                    enforceable=False, enforceable_days=None, replaces=None, today=None) -> Referral:
    """Start a draft referral. Nothing reaches the provider until it is sent."""
    today = today_or(today)
    errors = {}
    problems = eligibility_problems(contract, person, today)
    if problems:
        errors["contract"] = "; ".join(problems)
    _check_details(person, contract, errors, complexity=complexity, desired_outcomes=desired_outcomes,
                   reason=reason, sentence=sentence, requirement=requirement, enforceable=enforceable,
                   enforceable_days=enforceable_days, completion_deadline=completion_deadline, today=today)
    for key, value in (("further_information", further_information), ("risk_information", risk_information),
                       ("reason", reason)):
        check_length(value, key, errors)
    if replaces is not None and replaces.person_id != person.pk:
        errors["replaces"] = "The referral it replaces must be on this case"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            person=person, contract=contract, complexity=complexity, reason=reason.strip(),
            further_information=(further_information or "").strip(), risk_information=(risk_information or "").strip(),
            sentence=sentence, requirement=requirement, enforceable=bool(enforceable),
            enforceable_days=enforceable_days or None, completion_deadline=completion_deadline,
            replaces=replaces, created_by=by,
        )
        ReferralOutcome.objects.bulk_create([ReferralOutcome(referral=referral, outcome=o) for o in desired_outcomes])
        record("create_referral", referral, by=by, crn=person.crn, contract=contract.reference,
               outcomes=sorted(o.code for o in desired_outcomes), enforceable=referral.enforceable)
    return referral


def send_referral(referral, *, by, expected_version, today=None) -> Referral:
    """Send a draft to the provider: the initial assessment is then due within 10 working days."""
    today = today_or(today)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        if current.status != ReferralStatus.DRAFT:
            raise ValidationError("This referral has already been sent.")
        problems = eligibility_problems(current.contract, current.person, today)
        if problems:
            raise ValidationError({"contract": "; ".join(problems)})
        current.status = ReferralStatus.SENT
        current.sent_on = today
        current.sent_by = by
        current.initial_assessment_due = rules.initial_assessment_due(today)
        bump(current, "status", "sent_on", "sent_by", "initial_assessment_due")
        keep_change(current, by=by, topic="status", description="Referral sent", reason="Sent to the provider",
                    new=ReferralStatus.SENT)
        log_on_timeline(current, by=by, text=f"referral sent to {current.contract.provider}", note=current.reason)
        record("send_referral", current, by=by, crn=current.person.crn, contract=current.contract.reference,
               initial_assessment_due=current.initial_assessment_due)
        if current.protective:
            sweep_after_commit(referral_ids=[current.pk])
    referral.refresh_from_db()
    return referral


def _words(field: str, value) -> str:
    if value is None or value == "":
        return "none"
    if field == "complexity":
        return Complexity(value).label.lower()
    if field == "completion_deadline":
        return format_date(value)
    if field == "desired_outcomes":
        return "; ".join(value)
    return str(value)


def amend_referral(referral, *, by, changes: dict, reason: str, expected_version, today=None) -> Referral:
    """Change details of a referral. Once it is sent, each change needs a reason, is kept in its history
    and shown on the timeline; a draft is simply edited."""
    today = today_or(today)
    errors = {}
    draft = referral.status == ReferralStatus.DRAFT
    if draft:
        reason = (reason or "").strip()  # a draft has reached nobody: its changes need no reason
    else:
        reason = require_text(reason, "reason_for_change", "Enter why you are making this change", errors)
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise ValueError(f"These fields cannot be amended: {sorted(unknown)}")
    if not changes:
        errors["__all__"] = "Change at least one detail"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        draft = current.status == ReferralStatus.DRAFT
        if not draft and current.status not in LIVE_STATUSES:
            raise ValidationError("This referral has ended, so it can no longer be changed.")
        if not draft and not reason:
            raise ValidationError({"reason_for_change": "Enter why you are making this change"})
        outcomes = changes.get("desired_outcomes", [o.outcome for o in current.outcomes.select_related("outcome")])
        merged = {
            "complexity": changes.get("complexity", current.complexity),
            "desired_outcomes": outcomes,
            "reason": changes.get("reason", current.reason),
            "sentence": current.sentence,
            "requirement": current.requirement,
            "enforceable": current.enforceable,
            "enforceable_days": changes.get("enforceable_days", current.enforceable_days),
            "completion_deadline": changes.get("completion_deadline", current.completion_deadline),
        }
        _check_details(current.person, current.contract, errors, today=today, **merged)
        errors = {key: message for key, message in errors.items() if key in changes}
        if errors:
            raise ValidationError(errors)
        described = []
        for field, value in changes.items():
            if field == "desired_outcomes":
                old = sorted(o.outcome.description for o in current.outcomes.select_related("outcome"))
                new = sorted(o.description for o in value)
                if old == new:
                    continue
                keep_ids = {o.pk for o in value}
                current.outcomes.exclude(outcome_id__in=keep_ids).delete()
                existing = set(current.outcomes.values_list("outcome_id", flat=True))
                ReferralOutcome.objects.bulk_create(
                    [ReferralOutcome(referral=current, outcome=o) for o in value if o.pk not in existing]
                )
            else:
                old, new = getattr(current, field), value.strip() if isinstance(value, str) else value
                if old == new:
                    continue
                setattr(current, field, new)
            text = f"{AMENDABLE[field].capitalize()} changed from {_words(field, old)} to {_words(field, new)}"
            if not draft:
                keep_change(current, by=by, topic=field, description=text, reason=reason,
                            old=_json(old), new=_json(new))
            described.append(text)
        if not described:
            raise ValidationError({"__all__": "Nothing has changed: change at least one detail"})
        bump(current, *[f for f in changes if f != "desired_outcomes"])
        if not draft:
            log_on_timeline(current, by=by, text="; ".join(described), note=f"Reason for the change: {reason}")
        record("amend_referral", current, by=by, crn=current.person.crn, changed=sorted(changes), reason=reason)
    referral.refresh_from_db()
    return referral


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def set_protective(referral, *, by, protective: bool, risk_factor="", sessions_per_week=None, reason="",
                   expected_version, today=None) -> Referral:
    """Mark a referral as a protective service (or stop treating it as one), with its expected frequency."""
    today = today_or(today)
    errors = {}
    if protective:
        if risk_factor not in RiskFactor.values:
            errors["risk_factor"] = "Select the risk factor the service manages"
        try:
            per_week = Decimal(str(sessions_per_week))
        except (InvalidOperation, TypeError, ValueError):
            per_week = None
        if per_week not in SESSIONS_PER_WEEK_CHOICES:
            errors["sessions_per_week"] = "Select how often the service must happen"
    else:
        risk_factor, per_week = "", None
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        sent = current.status != ReferralStatus.DRAFT
        if current.is_concluded:
            raise ValidationError("This referral has ended: make a new referral for a new service.")
        if sent:
            reason = require_text(reason, "reason", "Enter why you are making this change", errors)
        if errors:
            raise ValidationError(errors)
        old = (current.protective, current.risk_factor, current.sessions_per_week)
        new = (bool(protective), risk_factor, per_week)
        if old == new:
            raise ValidationError({"__all__": "Nothing has changed"})
        current.protective, current.risk_factor, current.sessions_per_week = new
        if protective and not old[0]:
            current.protective_since = today
        elif not protective:
            current.protective_since = None
        bump(current, "protective", "risk_factor", "sessions_per_week", "protective_since")
        if protective:
            text = (f"Marked as protective: manages {RiskFactor(risk_factor).label.lower()}, expected "
                    f"{rules.frequency_words(float(per_week))}")
        else:
            text = "No longer treated as a protective service"
        if sent:
            keep_change(current, by=by, topic="protective", description=text, reason=reason,
                        old=[old[0], old[1], _json(old[2])], new=[new[0], new[1], _json(new[2])])
            log_on_timeline(current, by=by, text=text, note=f"Reason: {reason}")
            sweep_after_commit(referral_ids=[current.pk])
        record("set_protective", current, by=by, crn=current.person.crn, protective=current.protective,
               risk_factor=risk_factor, sessions_per_week=_json(per_week), reason=reason)
    referral.refresh_from_db()
    return referral


def approve_action_plan(plan: ActionPlan, *, by, today=None) -> ActionPlan:
    today = today_or(today)
    with transaction.atomic():
        current = lock_referral(plan.referral)
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status != ReferralStatus.PLAN_SUBMITTED or plan.approved_on is not None:
            raise ValidationError("There is no action plan waiting for your approval.")
        if current.action_plans.order_by("-submitted_on", "-id").first().pk != plan.pk:
            raise ValidationError("A newer action plan has been submitted: approve that one instead.")
        plan.approved_on, plan.approved_by = today, by
        plan.save(update_fields=["approved_on", "approved_by"])
        current.status = ReferralStatus.IN_PROGRESS
        bump(current, "status")
        keep_change(current, by=by, topic="action_plan", description="Action plan approved",
                    reason=f"Approved: {plan.number_of_sessions} sessions", new=plan.pk)
        log_on_timeline(current, by=by, text=f"action plan of {plan.number_of_sessions} sessions approved")
        record("approve_action_plan", plan, by=by, crn=current.person.crn, referral=current.pk)
    return plan


def withdraw_referral(referral, *, by, end_reason: EndReason | None, comments: str, expected_version,
                      today=None) -> Referral:
    """Cancel a referral before delivery starts, or end it early once it has; with a coded reason."""
    today = today_or(today)
    errors = {}
    if end_reason is None or not end_reason.selectable:
        errors["end_reason"] = "Select why the referral is ending"
    comments = require_text(comments, "comments", "Explain what happened", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        if current.status not in LIVE_STATUSES:
            raise ValidationError("Only a sent referral that is still open can be cancelled or ended.")
        started = (current.status == ReferralStatus.IN_PROGRESS
                   or current.sessions.filter(happened=True).exists())
        current.status = ReferralStatus.ENDED_EARLY if started else ReferralStatus.CANCELLED
        current.concluded_on = today
        current.end_reason = end_reason
        current.end_comments = comments
        if started:
            current.end_of_service_report_due = rules.end_of_service_report_due(today)
        bump(current, "status", "concluded_on", "end_reason", "end_comments", "end_of_service_report_due")
        label = current.get_status_display()
        keep_change(current, by=by, topic="status", description=f"{label}: {end_reason.description}",
                    reason=comments, new=current.status)
        log_on_timeline(current, by=by, text=f"{label.lower()}: {end_reason.description}", note=comments)
        record("withdraw_referral", current, by=by, crn=current.person.crn, status=current.status,
               end_reason=end_reason.code)
        if current.protective:
            sweep_after_commit(referral_ids=[current.pk])
    referral.refresh_from_db()
    return referral
