"""Rescheduling a provider's session: the session follows its appointment to the new time.

A session is a supervision Contact. ``supervision.actions.reschedule_appointment`` closes the old
appointment as rescheduled (RSOF or RSSR, with who asked and why) and creates a new one; it calls
``session_to_reschedule`` and ``follow_rescheduled_session`` inside its transaction, so the session points at
the new appointment and the provider records feedback there. The closed appointments form the session's
history (``queries.attach_reschedules``); the referral's history gets a line too.

``reschedule_session`` is the provider's way in: the same supervision action, so the appointment, its
history and the enforcement counts are the same whoever moved it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.core.calendar import format_date
from openprobation.supervision.models import Contact

from ..models import ReferralStatus, Session
from .common import keep_change

REQUESTED_BY_WORDS = {
    Contact.RequestedBy.PERSON: "at the person’s request",
    Contact.RequestedBy.SERVICE: "at the service’s request",
}


def _when(starts_at) -> str:
    local = timezone.localtime(starts_at)
    return f"{format_date(local.date())} at {local:%H:%M}"


def session_to_reschedule(contact) -> Session | None:
    """The provider's session on this appointment, locked for the transaction; None for other appointments.

    A session whose feedback is recorded has happened (or not) for good: a session that is not enforceable
    carries no appointment outcome, so this is the only thing that stops it being moved afterwards.
    """
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("referral__person")
        .filter(contact_id=contact.pk)
        .first()
    )
    if session is not None and session.has_feedback:
        raise ValidationError(
            f"The provider has recorded feedback for session {session.number}, so it cannot be rescheduled."
        )
    return session


def follow_rescheduled_session(session: Session, *, old, new, by) -> None:
    """Point the session at the new appointment and keep the move in the referral's history."""
    session.contact = new
    session.save(update_fields=["contact"])
    referral = session.referral
    asked = REQUESTED_BY_WORDS.get(old.reschedule_requested_by, "")
    keep_change(
        referral, by=by, topic="session",
        description=f"Session {session.number} moved from {_when(old.starts_at)} to {_when(new.starts_at)}",
        reason=f"Rescheduled {asked}".strip(), old=old.starts_at.isoformat(), new=new.starts_at.isoformat(),
    )
    record("follow_rescheduled_session", session, by=by, crn=referral.person.crn, referral=referral.pk,
           from_contact=old.pk, to_contact=new.pk, old_starts_at=old.starts_at, new_starts_at=new.starts_at,
           requested_by=old.reschedule_requested_by)


def _for_provider(error: ValidationError, person) -> ValidationError:
    """Clashes as a provider may read them: the time of the person's other appointment, never its type."""
    told = f"{person.full_name} already has "
    messages = []
    for message in error.messages:
        if message.startswith(told) and " from " in message:
            message = f"{told}another appointment from {message.split(' from ', 1)[1]}"
        messages.append(ValidationError(message, code="clash"))
    return ValidationError(messages)


def reschedule_session(session: Session, *, by, starts_at, requested_by, reason, expected_contact, expected_version,
                       allow_clashes=False) -> Session:
    """The provider moves one of its sessions to a new time, before any feedback is recorded for it.

    ``expected_contact`` and ``expected_version`` are the appointment the provider saw: if someone moved the
    session or changed its appointment since, nothing is saved and the page says so.
    """
    from openprobation.supervision.actions import STALE_MESSAGE, reschedule_appointment

    with transaction.atomic():
        current = Session.objects.select_related("referral__person", "contact").get(pk=session.pk)
        if str(current.contact_id) != str(expected_contact):
            raise ValidationError(STALE_MESSAGE, code="stale")
        if current.referral.status != ReferralStatus.IN_PROGRESS:
            raise ValidationError("Sessions can be rescheduled only while the service is being delivered.")
        if current.contact.starts_at <= timezone.now():
            # Moving a session after its time would turn an absence into an acceptable "rescheduled": that is
            # the practitioner's decision, on the provider's feedback.
            raise ValidationError("This session's time has passed: record feedback on what happened instead, and "
                                  "arrange another session.")
        if starts_at is not None and not timezone.is_naive(starts_at) and starts_at <= timezone.now():
            raise ValidationError({"starts_at": "The new date and time must be in the future"})
        try:
            reschedule_appointment(current.contact, by=by, starts_at=starts_at, requested_by=requested_by,
                                   reason=reason, expected_version=expected_version, allow_clashes=allow_clashes)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and any(e.code == "clash" for e in error.error_list):
                raise _for_provider(error, current.referral.person) from None
            raise
    session.refresh_from_db()
    return session
