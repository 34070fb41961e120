"""Protective-service continuity, the practitioner's part: record a replacement, record a transition."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.alerts.actions import close_alert
from openprobation.alerts.models import Alert, Decision
from openprobation.audit.record import record
from openprobation.core.calendar import format_date

from ..continuity import ALERT_REASON, subject_for
from ..models import Referral, ReferralStatus, Transition, TransitionKind
from .common import (
    bump,
    keep_change,
    lock_referral,
    log_on_timeline,
    require_text,
    sweep_after_commit,
    today_or,
)


def record_replacement(referral, *, by, replacement: Referral, rationale: str, today=None) -> Referral:
    """Record that ``replacement`` takes over the protection ``referral`` gave.

    The replacement becomes protective with the same risk factor and frequency (unless it already is),
    and the open alert about ``referral`` closes with the decision "replacement arranged".
    """
    today = today_or(today)
    errors = {}
    rationale = require_text(rationale, "rationale", "Explain the arrangement", errors)
    if replacement is None:
        errors["replacement"] = "Select the referral that replaces it"
    elif replacement.pk == referral.pk:
        errors["replacement"] = "Select a different referral from the one being replaced"
    elif replacement.person_id != referral.person_id:
        errors["replacement"] = "Select a referral on this case"
    elif replacement.status in (ReferralStatus.DRAFT, ReferralStatus.CANCELLED, ReferralStatus.ENDED_EARLY):
        errors["replacement"] = "Select a referral that has been sent and is still open"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = lock_referral(referral)
        new = lock_referral(replacement)
        if not old.protective:
            raise ValidationError("Only a protective service needs a recorded replacement.")
        if new.replaces_id not in (None, old.pk):
            raise ValidationError({"replacement": "That referral already replaces another one"})
        changed = ["replaces"]
        new.replaces = old
        if not new.protective:
            new.protective, new.risk_factor = True, old.risk_factor
            new.sessions_per_week, new.protective_since = old.sessions_per_week, today
            changed += ["protective", "risk_factor", "sessions_per_week", "protective_since"]
        bump(new, *changed)
        words = f"Replaced by {new.reference} ({new.contract.name}, {new.contract.provider})"
        keep_change(old, by=by, topic="replacement", description=words, reason=rationale, new=new.pk)
        keep_change(new, by=by, topic="replacement", description=f"Replaces {old.reference} ({old.contract.name})",
                    reason=rationale, old=None, new=old.pk)
        log_on_timeline(old, by=by, text=f"replacement arranged: {new.reference} {new.contract.name}",
                        note=rationale)
        record("record_replacement", old, by=by, crn=old.person.crn, replacement=new.pk, rationale=rationale)
        alert = Alert.objects.filter(person_id=old.person_id, reason=ALERT_REASON, subject_key=subject_for(old),
                                     closed_at__isnull=True).first()
        if alert is not None:
            close_alert(alert, by=by, decision=Decision.REPLACEMENT_ARRANGED, rationale=f"{words}. {rationale}")
        sweep_after_commit(referral_ids=[old.pk, new.pk])
    referral.refresh_from_db()
    return replacement


def record_transition(person, *, by, kind, on, description="", today=None) -> Transition:
    """Record a critical moment ahead (or just passed), such as leaving approved premises."""
    errors = {}
    if kind not in TransitionKind.values:
        errors["kind"] = "Select what is happening"
    if on is None:
        errors["on"] = "Enter the date"
    description = (description or "").strip()
    if len(description) > 200:
        errors["description"] = "The description must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        transition = Transition.objects.create(person=person, kind=kind, date=on, description=description,
                                               recorded_by=by)
        record("record_transition", transition, by=by, crn=person.crn, kind=kind, date=on)
        sweep_after_commit(person_ids=[person.pk])
    return transition


def withdraw_transition(transition, *, by, reason: str) -> Transition:
    errors = {}
    reason = require_text(reason, "reason", "Enter why it no longer applies", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Transition.objects.select_for_update().select_related("person").get(pk=transition.pk)
        if current.withdrawn_at is not None:
            raise ValidationError("This transition has already been withdrawn.")
        current.withdrawn_at, current.withdrawn_by, current.withdrawn_reason = timezone.now(), by, reason
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        record("withdraw_transition", current, by=by, crn=current.person.crn, reason=reason,
               was=f"{current.get_kind_display()} on {format_date(current.date)}")
        sweep_after_commit(person_ids=[current.person_id])
    return current
