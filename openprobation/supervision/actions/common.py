"""Shared pieces of the supervision actions: limits, the stale-version check, note length."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from ..models import Contact

REPEAT_INTERVAL_DAYS = {"daily": 1, "weekly": 7, "fortnightly": 14, "four-weekly": 28}
MAX_APPOINTMENTS = 52
MAX_DURATION = datetime.timedelta(hours=8)
# Appointments closer than this to another of the person's or the staff member's are a clash.
CLASH_MARGIN = datetime.timedelta(hours=1)
# Contacts recorded without an end time are taken to last this long.
ASSUMED_LENGTH = datetime.timedelta(hours=1)
NOTE_MAX_LENGTH = 12000
RESCHEDULE_OUTCOMES = {Contact.RequestedBy.PERSON: "RSOF", Contact.RequestedBy.SERVICE: "RSSR"}
# Communication types whose code already says which way the contact went.
IMPLIED_DIRECTION = {
    "CTOA": Contact.Direction.FROM_PERSON,
    "CMOA": Contact.Direction.FROM_PERSON,
    "CLOA": Contact.Direction.FROM_PERSON,
    "CTOB": Contact.Direction.TO_PERSON,
    "CMOB": Contact.Direction.TO_PERSON,
    "CLOB": Contact.Direction.TO_PERSON,
}
STALE_MESSAGE = (
    "Someone else changed this appointment after you opened the page. Nothing has been saved: check the "
    "latest details below and try again."
)


# --- planning -------------------------------------------------------------------------------------


def _note_length(text: str, errors: dict, key: str = "notes") -> None:
    if len(text or "") > NOTE_MAX_LENGTH:
        errors[key] = f"Notes must be {NOTE_MAX_LENGTH:,} characters or fewer"


def _lock(contact: Contact, expected_version) -> Contact:
    """The contact as it is now, locked for this transaction; refuses a version the user did not see."""
    current = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("contact_type", "outcome", "sentence__sentence_type", "person", "staff")
        .get(pk=contact.pk)
    )
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != current.version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    return current
