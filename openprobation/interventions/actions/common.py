"""Shared pieces of the interventions actions: locking, the change history, the timeline, the sweep."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.supervision.models import Contact, ContactNote, ContactType

from ..models import Referral, ReferralChange

logger = logging.getLogger(__name__)

TIMELINE_CODE = "CRSREF"
ENFORCEABLE_SESSION_CODE = "CRSAPT"
SESSION_CODE = "CRSSES"
PROTECTIVE_SWEEP = "openprobation.interventions.sweeps.sweep_protective_services"
TEXT_MAX_LENGTH = 12000
STALE_MESSAGE = (
    "Someone else changed this referral after you opened the page. Nothing has been saved: check the latest "
    "details below and try again."
)


def today_or(today: date | None) -> date:
    return today or timezone.localdate()


def lock_referral(referral: Referral, expected_version=None) -> Referral:
    """The referral as it is now, locked for this transaction; refuses a version the user did not see."""
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "contract__provider", "contract__category", "sentence__sentence_type",
                        "caseworker", "end_reason")
        .get(pk=referral.pk)
    )
    if expected_version is not None:
        try:
            expected = int(expected_version)
        except (TypeError, ValueError):
            expected = None
        if expected != current.version:
            raise ValidationError(STALE_MESSAGE, code="stale")
    return current


def bump(referral: Referral, *fields: str) -> None:
    referral.version += 1
    referral.save(update_fields=[*fields, "version"])


def require_text(value: str, key: str, message: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors[key] = message
    elif len(value) > TEXT_MAX_LENGTH:
        errors[key] = f"This must be {TEXT_MAX_LENGTH:,} characters or fewer"
    return value


def check_length(value: str, key: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX_LENGTH:
        errors[key] = f"This must be {TEXT_MAX_LENGTH:,} characters or fewer"
    return value


def keep_change(referral: Referral, *, by, topic: str, description: str, reason: str, old=None, new=None):
    """Append one entry to the referral's history: every change to a sent referral is kept with its reason."""
    return ReferralChange.objects.create(
        referral=referral, topic=topic, description=description[:200], old_value=old, new_value=new,
        reason=reason, changed_by=by,
    )


def log_on_timeline(referral: Referral, *, by, text: str, note: str = "") -> Contact:
    """A system entry on the person's activity log, so every step of a service shows on one timeline."""
    contact = Contact.objects.create(
        person=referral.person,
        sentence=referral.sentence,
        contact_type=ContactType.objects.get(code=TIMELINE_CODE),
        starts_at=timezone.now(),
        staff=by,
        team=by.team,
        description=f"{referral.reference} {referral.contract.name}: {text}"[:200],
        created_by=by,
    )
    if note.strip():
        ContactNote.objects.create(contact=contact, text=note.strip(), created_by=by)
    return contact


def sweep_after_commit(*, referral_ids=(), contract_ids=(), person_ids=()) -> None:
    """Run the protective-service sweep over what changed, once this transaction commits.

    The daily sweep would notice anyway; this makes the alert appear within the minute. A failure to
    enqueue is logged, never raised: the change itself has been saved.
    """
    scope = {
        "referral_ids": sorted({int(pk) for pk in referral_ids}),
        "contract_ids": sorted({int(pk) for pk in contract_ids}),
        "person_ids": sorted({int(pk) for pk in person_ids}),
    }
    if not any(scope.values()):
        return

    def enqueue():
        from openprobation.alerts.tasks import run_sweep

        try:
            run_sweep.enqueue(PROTECTIVE_SWEEP, scope=scope)
        except Exception:  # noqa: BLE001 - the daily sweep catches up; never lose the saved change
            logger.exception("Could not enqueue the protective-service sweep for %s", scope)

    transaction.on_commit(enqueue)
