"""Arrange and reschedule appointments, append notes, record other contacts."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.core.calendar import default_calendar, format_date
from openprobation.sentences.models import Sentence

from ..enforcement import (
    local_date,
)
from ..models import Contact, ContactNote, ContactType, Outcome
from .common import (
    ASSUMED_LENGTH,
    CLASH_MARGIN,
    IMPLIED_DIRECTION,
    MAX_APPOINTMENTS,
    MAX_DURATION,
    REPEAT_INTERVAL_DAYS,
    RESCHEDULE_OUTCOMES,
    _lock,
    _note_length,
)


def repeat_dates(first: datetime.date, frequency: str, count: int) -> list[datetime.date]:
    """The dates of ``count`` appointments starting on ``first`` and repeating at ``frequency``.

    ``frequency`` is "" (no repeat, so ``count`` must be 1), or one of daily, weekly, fortnightly
    and four-weekly.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    if not frequency:
        if count != 1:
            raise ValueError("A single appointment cannot have a count above 1")
        return [first]
    if frequency not in REPEAT_INTERVAL_DAYS:
        raise ValueError(f"Unknown repeat frequency {frequency!r}")
    step = datetime.timedelta(days=REPEAT_INTERVAL_DAYS[frequency])
    return [first + step * n for n in range(count)]


@dataclass(frozen=True)
class PlannedAppointment:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    clashes: tuple[str, ...] = ()


def _time_range(start: datetime.datetime, end: datetime.datetime) -> str:
    return f"{timezone.localtime(start):%H:%M} to {timezone.localtime(end):%H:%M}"


def _clashes(person, staff, slots, *, excluding_pk=None) -> list[tuple[str, ...]]:
    """For each (start, end) slot, why it clashes: a non-working day, or another appointment of the
    person or the staff member overlapping it or within an hour of it.  One query for all slots."""
    calendar = default_calendar()
    window = Q()
    for start, end in slots:
        window |= Q(starts_at__gt=start - CLASH_MARGIN - MAX_DURATION, starts_at__lt=end + CLASH_MARGIN)
    others = (
        Contact.objects.filter(window)
        .filter(Q(person=person) | Q(staff=staff))
        .filter(contact_type__attendance=True, rescheduled_to__isnull=True)
        .exclude(pk=excluding_pk)
        .select_related("contact_type")
        .order_by("starts_at")
    )
    others = list(others)
    found = []
    for start, end in slots:
        reasons = []
        day = local_date(start)
        if not calendar.is_working_day(day):
            holiday = calendar.holiday_name(day) if day.weekday() < 5 else None
            reasons.append(
                f"{day:%A} {format_date(day)} is not a working day" + (f" ({holiday})" if holiday else "")
            )
        for other in others:
            other_end = other.ends_at or other.starts_at + ASSUMED_LENGTH
            if not (other.starts_at < end + CLASH_MARGIN and other_end > start - CLASH_MARGIN):
                continue
            when = f"{_time_range(other.starts_at, other_end)} on {format_date(local_date(other.starts_at))}"
            if other.person_id == person.pk:
                reasons.append(f"{person.full_name} already has {other.contact_type} from {when}")
            else:
                reasons.append(f"{staff} already has another appointment from {when}")
        found.append(tuple(reasons))
    return found


def _check_counts_towards(person, sentence, requirement, day: datetime.date, errors: dict) -> None:
    if requirement is not None and sentence is None:
        sentence = requirement.sentence
    if sentence is None:
        return
    if sentence.person_id != person.pk:
        errors["sentence"] = "Select an order or licence of this person"
        return
    if requirement is not None and requirement.sentence_id != sentence.pk:
        errors["requirement"] = "Select a requirement of the chosen order or licence"
    elif day < sentence.sentence_date:
        errors["starts_at"] = (
            f"The date must be on or after the start of the order or licence, {format_date(sentence.sentence_date)}"
        )
    elif sentence.terminated_on is not None and day > sentence.terminated_on:
        errors["sentence"] = f"This order or licence ended on {format_date(sentence.terminated_on)}"


def plan_appointments(
    person,
    *,
    contact_type: ContactType | None,
    sentence: Sentence | None,
    requirement,
    location,
    staff,
    starts_at: datetime.datetime,
    duration: datetime.timedelta,
    repeat_frequency: str = "",
    repeat_count: int = 1,
) -> list[PlannedAppointment]:
    """Validate an arrangement and list the appointments it would create, with any clashes.

    Writes nothing: the arrange page shows this plan for confirmation before anything is created.
    """
    errors = {}
    if contact_type is None or not (
        contact_type.attendance and contact_type.selectable and not contact_type.system_generated
    ):
        errors["contact_type"] = "Select the type of appointment"
    elif contact_type.location_required and location is None:
        errors["location"] = f"Select a location: a {contact_type.description.lower()} needs one"
    if staff is None or not staff.is_active:
        errors["staff"] = "Select who the appointment is with"
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "Enter the date and time of the appointment"
    else:
        _check_counts_towards(person, sentence, requirement, local_date(starts_at), errors)
    if duration is None or duration <= datetime.timedelta(0):
        errors["duration"] = "The end time must be after the start time"
    elif duration > MAX_DURATION:
        errors["duration"] = "An appointment can last at most 8 hours"
    if repeat_frequency and repeat_frequency not in REPEAT_INTERVAL_DAYS:
        errors["repeat_frequency"] = "Select how often the appointment repeats"
    elif repeat_frequency and not 2 <= repeat_count <= MAX_APPOINTMENTS:
        errors["repeat_count"] = f"Enter a number of appointments from 2 to {MAX_APPOINTMENTS}"
    if errors:
        raise ValidationError(errors)

    count = repeat_count if repeat_frequency else 1
    local_start = timezone.localtime(starts_at)
    # Repeats keep the local clock time across a change to or from British Summer Time.
    slots = []
    for day in repeat_dates(local_start.date(), repeat_frequency, count):
        start = timezone.make_aware(datetime.datetime.combine(day, local_start.time().replace(tzinfo=None)))
        slots.append((start, start + duration))
    clashes = _clashes(person, staff, slots)
    return [
        PlannedAppointment(start, end, reasons) for (start, end), reasons in zip(slots, clashes, strict=True)
    ]


# --- appointments ---------------------------------------------------------------------------------


def arrange_appointments(
    person,
    *,
    by,
    contact_type,
    sentence,
    requirement,
    location,
    staff,
    starts_at,
    duration,
    repeat_frequency="",
    repeat_count=1,
    sensitive=False,
    notes="",
    allow_clashes=False,
) -> list[Contact]:
    """Arrange one appointment, or a repeating series, and return them in date order.

    Clashes (see ``plan_appointments``) are refused unless ``allow_clashes``: the user has seen
    them and chosen to arrange anyway.
    """
    errors = {}
    _note_length(notes, errors)
    if errors:
        raise ValidationError(errors)
    if requirement is not None and sentence is None:
        sentence = requirement.sentence
    with transaction.atomic():
        plan = plan_appointments(
            person,
            contact_type=contact_type,
            sentence=sentence,
            requirement=requirement,
            location=location,
            staff=staff,
            starts_at=starts_at,
            duration=duration,
            repeat_frequency=repeat_frequency,
            repeat_count=repeat_count,
        )
        clashes = [reason for planned in plan for reason in planned.clashes]
        if clashes and not allow_clashes:
            raise ValidationError([ValidationError(reason, code="clash") for reason in clashes])
        series = uuid.uuid4() if len(plan) > 1 else None
        contacts = []
        for planned in plan:
            contact = Contact.objects.create(
                person=person,
                sentence=sentence,
                requirement=requirement,
                contact_type=contact_type,
                starts_at=planned.starts_at,
                ends_at=planned.ends_at,
                location=location,
                staff=staff,
                team=staff.team,
                sensitive=sensitive,
                series=series,
                created_by=by,
            )
            if notes.strip():
                ContactNote.objects.create(
                    contact=contact, text=notes.strip(), sensitive=sensitive, created_by=by
                )
            contacts.append(contact)
        record(
            "arrange_appointments",
            contacts[0],
            by=by,
            crn=person.crn,
            contact_type=contact_type.code,
            contacts=[contact.pk for contact in contacts],
            starts_at=[contact.starts_at for contact in contacts],
            staff=staff.pk,
            repeat=repeat_frequency,
            clashes_accepted=clashes,
        )
    return contacts


def reschedule_appointment(
    contact, *, by, starts_at, requested_by, reason, expected_version, allow_clashes=False
) -> Contact:
    """Move an appointment: create the new one, and close the old one as rescheduled (RSOF or RSSR).

    A commissioned service's session moves with its appointment (``interventions.actions.rescheduling``),
    so the provider records feedback on the new one and the closed one keeps the history.
    """
    # Imported here: interventions builds on supervision, so a module-level import would be circular.
    from openprobation.interventions.actions.rescheduling import (
        follow_rescheduled_session,
        session_to_reschedule,
    )

    with transaction.atomic():
        old = _lock(contact, expected_version)
        if not old.contact_type.attendance:
            raise ValidationError("Only appointments can be rescheduled.")
        if old.outcome_id is not None:
            raise ValidationError(
                f"This appointment already has an outcome ({old.outcome}), so it cannot be rescheduled."
            )
        session = session_to_reschedule(old)
        errors = {}
        if requested_by not in RESCHEDULE_OUTCOMES:
            errors["requested_by"] = "Select who asked for the appointment to be rescheduled"
        if not (reason or "").strip():
            errors["reason"] = "Enter why the appointment is being rescheduled"
        _note_length(reason, errors, "reason")
        if starts_at is None or timezone.is_naive(starts_at):
            errors["starts_at"] = "Enter the new date and time"
        elif starts_at == old.starts_at:
            errors["starts_at"] = "Enter a different date or time from the current one"
        else:
            _check_counts_towards(old.person, old.sentence, None, local_date(starts_at), errors)
        if errors:
            raise ValidationError(errors)

        length = (old.ends_at - old.starts_at) if old.ends_at else ASSUMED_LENGTH
        [clashes] = _clashes(old.person, old.staff, [(starts_at, starts_at + length)], excluding_pk=old.pk)
        if clashes and not allow_clashes:
            raise ValidationError([ValidationError(clash, code="clash") for clash in clashes])
        new = Contact.objects.create(
            person=old.person,
            sentence=old.sentence,
            requirement=old.requirement,
            contact_type=old.contact_type,
            starts_at=starts_at,
            ends_at=starts_at + length,
            location=old.location,
            staff=old.staff,
            team=old.team,
            description=old.description,
            sensitive=old.sensitive,
            series=old.series,
            created_by=by,
        )
        old.outcome = Outcome.objects.get(code=RESCHEDULE_OUTCOMES[requested_by])
        old.outcome_recorded_at = timezone.now()
        old.outcome_recorded_by = by
        old.rescheduled_to = new
        old.reschedule_requested_by = requested_by
        old.reschedule_reason = reason.strip()
        old.version += 1
        old.save(
            update_fields=[
                "outcome",
                "outcome_recorded_at",
                "outcome_recorded_by",
                "rescheduled_to",
                "reschedule_requested_by",
                "reschedule_reason",
                "version",
            ]
        )
        record(
            "reschedule_appointment",
            old,
            by=by,
            crn=old.person.crn,
            rescheduled_to=new.pk,
            old_starts_at=old.starts_at,
            new_starts_at=new.starts_at,
            requested_by=requested_by,
            clashes_accepted=list(clashes),
        )
        if session is not None:
            follow_rescheduled_session(session, old=old, new=new, by=by)
    return new


# --- outcomes and enforcement ---------------------------------------------------------------------


def add_note(contact, *, by, text, sensitive=False) -> ContactNote:
    """Append a timestamped note: notes are never edited or overwritten."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "Enter the note"
    _note_length(text, errors, "text")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = ContactNote.objects.create(
            contact=contact, text=text, sensitive=bool(sensitive), created_by=by
        )
        record("add_note", note, by=by, crn=contact.person.crn, contact=contact.pk, sensitive=note.sensitive)
    return note


def record_contact(
    person,
    *,
    by,
    contact_type,
    starts_at,
    direction="",
    description="",
    notes="",
    sensitive=False,
    sentence=None,
) -> Contact:
    """Record a contact that has happened and needs no outcome: a phone call, an email, a letter."""
    errors = {}
    if contact_type is None or not (
        contact_type.category == ContactType.Category.COMMUNICATION
        and contact_type.selectable
        and not contact_type.system_generated
    ):
        errors["contact_type"] = "Select the type of contact"
    elif direction and direction not in Contact.Direction.values:
        errors["direction"] = "Select whether the contact was to or from the person"
    else:
        implied = IMPLIED_DIRECTION.get(contact_type.code, "")
        if direction and implied and direction != implied:
            errors["direction"] = (
                f"A ‘{contact_type.description.lower()}’ cannot be "
                f"{Contact.Direction(direction).label.lower()}"
            )
        direction = direction or implied
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "Enter the date and time of the contact"
    elif starts_at > timezone.now():
        errors["starts_at"] = "The date and time must be in the past: record contacts that have happened"
    if sentence is not None and sentence.person_id != person.pk:
        errors["sentence"] = "Select an order or licence of this person"
    if len(description or "") > 200:
        errors["description"] = "The summary must be 200 characters or fewer"
    _note_length(notes, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = Contact.objects.create(
            person=person,
            sentence=sentence,
            contact_type=contact_type,
            starts_at=starts_at,
            staff=by,
            team=by.team,
            direction=direction,
            description=(description or "").strip(),
            sensitive=bool(sensitive),
            created_by=by,
        )
        if (notes or "").strip():
            ContactNote.objects.create(
                contact=contact, text=notes.strip(), sensitive=bool(sensitive), created_by=by
            )
        record(
            "record_contact",
            contact,
            by=by,
            crn=person.crn,
            contact_type=contact_type.code,
            direction=direction,
        )
    return contact
