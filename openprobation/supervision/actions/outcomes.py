"""Record outcomes and the enforcement actions that answer them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.core.calendar import default_calendar, format_date
from openprobation.sentences.models import Sentence

from .. import rules
from ..enforcement import (
    BREACH_INITIATED_CODE,
    ENFORCEMENT_ACTION_CODE,
    ENFORCEMENT_REVIEW_CODE,
    decide_for_contact,
    local_date,
)
from ..models import Breach, Contact, ContactNote, ContactType, EnforcementAction, EnforcementRecord, Outcome
from .common import _lock, _note_length


def _lock_sentence(contact: Contact) -> None:
    # Enforcement counts and decisions are per order: serialise them so two outcomes recorded at
    # once cannot both open an enforcement review or both start a breach.
    if contact.sentence_id is not None:
        Sentence.objects.select_for_update().filter(pk=contact.sentence_id).first()


def _review_enforcement(contact: Contact, decision, *, by) -> Contact:
    limit = contact.sentence.sentence_type.ftc_limit
    return Contact.objects.create(
        person=contact.person,
        sentence=contact.sentence,
        contact_type=ContactType.objects.get(code=ENFORCEMENT_REVIEW_CODE),
        starts_at=timezone.now(),
        staff=contact.person.practitioner or by,
        team=contact.person.team or by.team,
        description=(
            f"{decision.failures_since_breach} failures to comply on this order reach the limit of {limit}: "
            "review enforcement status"
        ),
        created_by=by,
    )


def record_outcome(contact, outcome, *, by, notes="", expected_version, today=None):
    """Record (or change) the outcome of an appointment that has happened; return the enforcement
    decision it calls for.

    Failed to attend (AFTA) is a holding state: evidence is due within 5 working days, after which
    the outcome is changed to an acceptable or an unacceptable one with this same action.
    """
    today = today or timezone.localdate()
    if isinstance(outcome, str):
        outcome = Outcome.objects.filter(code=outcome).first()
    with transaction.atomic():
        current = _lock(contact, expected_version)
        _lock_sentence(current)
        if not (current.contact_type.attendance and current.contact_type.outcome_required):
            raise ValidationError("Only appointments have outcomes; this contact does not need one.")
        if current.outcome is not None and current.outcome.reschedule:
            raise ValidationError(
                "This appointment was rescheduled, so it has no outcome of its own: record the outcome "
                "on the new appointment."
            )
        day = local_date(current.starts_at)
        later_today = day == today == timezone.localdate() and current.starts_at > timezone.now()
        if day > today or later_today:
            raise ValidationError(
                f"This appointment is on {format_date(day)} at {timezone.localtime(current.starts_at):%H:%M}. "
                "You cannot record an outcome before it has happened."
            )
        errors = {}
        if outcome is None or not outcome.selectable or outcome.reschedule:
            errors["outcome"] = "Select an outcome"
        _note_length(notes, errors)
        if errors:
            raise ValidationError(errors)

        previous = current.outcome
        current.outcome = outcome
        current.outcome_recorded_at = timezone.now()
        current.outcome_recorded_by = by
        current.evidence_due = rules.evidence_due_date(day) if outcome.awaiting_evidence else None
        current.version += 1
        current.save(
            update_fields=["outcome", "outcome_recorded_at", "outcome_recorded_by", "evidence_due", "version"]
        )
        if (notes or "").strip():
            ContactNote.objects.create(contact=current, text=notes.strip(), created_by=by)

        decision = decide_for_contact(current, today=today)
        review = _review_enforcement(current, decision, by=by) if decision.enforcement_review_due else None
        record(
            "record_outcome",
            current,
            by=by,
            crn=current.person.crn,
            outcome=outcome.code,
            previous_outcome=previous.code if previous else None,
            evidence_due=current.evidence_due,
            enforcement_status=str(decision.status),
            enforcement_review=review.pk if review else None,
        )
    contact.refresh_from_db()
    return decision


def enforcement_summary(action: EnforcementAction, enforcement: EnforcementRecord) -> str:
    """'First warning letter sent. Response due by 14 March 2026.'"""
    text = f"{action.description}."
    if enforcement.response_due:
        text += f" Response due by {format_date(enforcement.response_due)}."
    if enforcement.breach_pack_due:
        text += f" Breach pack due at court by {format_date(enforcement.breach_pack_due)}."
    return text


def _warning_to_withdraw(contact: Contact) -> EnforcementRecord | None:
    """The warning an acceptable outcome undoes: this appointment's own, else the latest given since it."""
    candidates = list(
        EnforcementRecord.objects.filter(sentence_id=contact.sentence_id, action__is_warning=True)
        .filter(withdrawn_on__isnull=True)
        .filter(Q(contact=contact) | Q(decided_on__gte=local_date(contact.starts_at)))
        .order_by("-decided_on", "-id")
    )
    own = [warning for warning in candidates if warning.contact_id == contact.pk]
    return (own or candidates or [None])[0]


def take_enforcement_action(contact, action, *, by, rationale="", today=None) -> EnforcementRecord:
    """Take one of the enforcement actions the rules allow for the appointment's outcome."""
    today = today or timezone.localdate()
    rationale = (rationale or "").strip()
    if isinstance(action, str):
        action = EnforcementAction.objects.filter(code=action).first()
    with transaction.atomic():
        current = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("contact_type", "outcome", "sentence__sentence_type", "person")
            .get(pk=contact.pk)
        )
        _lock_sentence(current)
        decision = decide_for_contact(current, today=today)
        if decision is None:
            raise ValidationError("Record an outcome before choosing an enforcement action.")
        allowed = {str(code) for code in decision.allowed_actions}
        if action is None or action.code not in allowed:
            raise ValidationError({"action": "Select one of the enforcement actions offered"})
        if action.code in {str(code) for code in decision.requires_rationale_for} and not rationale:
            raise ValidationError({"rationale": f"Explain why you chose ‘{action.description.lower()}’"})
        errors = {}
        _note_length(rationale, errors, "rationale")
        if errors:
            raise ValidationError(errors)
        if (
            action.is_warning
            and current.enforcement.filter(action__is_warning=True, withdrawn_on=None).exists()
        ):
            raise ValidationError({"action": "A warning letter has already been sent for this appointment"})

        due = rules.due_dates_for_action(action.code, today)
        response_due = due.get("response_due")
        if response_due is None and action.response_by_days:
            response_due = today + datetime.timedelta(days=action.response_by_days)
        pack_due = due.get("breach_pack_due")
        if action.starts_breach and pack_due is None:
            pack_due = default_calendar().add_working_days(today, rules.BREACH_PACK_WORKING_DAYS)

        withdrawn = None
        if action.withdraws_warning:
            withdrawn = _warning_to_withdraw(current)
            if withdrawn is None:
                raise ValidationError({"action": "There is no warning to withdraw"})
            withdrawn.withdrawn_on = today
            withdrawn.save(update_fields=["withdrawn_on"])

        enforcement = EnforcementRecord.objects.create(
            contact=current,
            sentence=current.sentence,
            action=action,
            decided_on=today,
            decided_by=by,
            rationale=rationale,
            response_due=response_due,
            breach_pack_due=pack_due,
        )
        summary = enforcement_summary(action, enforcement)
        appointment_day = format_date(local_date(current.starts_at))
        logged = Contact.objects.create(
            person=current.person,
            sentence=current.sentence,
            contact_type=ContactType.objects.get(code=ENFORCEMENT_ACTION_CODE),
            starts_at=timezone.now(),
            staff=by,
            team=by.team,
            description=f"{summary} For the {current.contact_type} on {appointment_day}."[:200],
            created_by=by,
        )
        note = f"Enforcement action: {summary}" + (f"\nRationale: {rationale}" if rationale else "")
        ContactNote.objects.create(contact=current, text=note, created_by=by)
        if rationale:
            ContactNote.objects.create(contact=logged, text=rationale, created_by=by)

        breach = None
        if action.starts_breach:
            if Breach.objects.filter(sentence=current.sentence, ended_on__isnull=True).exists():
                raise ValidationError("A breach or recall is already in progress on this order or licence.")
            recall = current.sentence.is_licence
            # Previous enforcement activity is a tier input.
            from openprobation.assessments.tiering.calculate import recalculate_tier_after_commit

            recalculate_tier_after_commit(current.person, by=by, trigger=f"{'Recall' if recall else 'Breach'} started")
            breach = Breach.objects.create(
                sentence=current.sentence,
                triggered_by=current,
                status=Breach.Status.RECALL_REQUESTED if recall else Breach.Status.INITIATED,
                started_on=today,
                pack_due=pack_due,
                rationale=rationale,
                initiated_by=by,
            )
            Contact.objects.create(
                person=current.person,
                sentence=current.sentence,
                contact_type=ContactType.objects.get(code=BREACH_INITIATED_CODE),
                starts_at=timezone.now(),
                staff=by,
                team=by.team,
                description=(
                    f"{'Recall' if recall else 'Breach'} initiated after the {current.contact_type} on "
                    f"{appointment_day}. Pack due by {format_date(pack_due)}."
                )[:200],
                created_by=by,
            )
        record(
            "take_enforcement_action",
            enforcement,
            by=by,
            crn=current.person.crn,
            action=action.code,
            contact=current.pk,
            enforcement_status=str(decision.status),
            response_due=response_due,
            breach_pack_due=pack_due,
            withdrew=withdrawn.pk if withdrawn else None,
            breach=breach.pk if breach else None,
        )
    return enforcement


# --- notes and other contacts ---------------------------------------------------------------------
