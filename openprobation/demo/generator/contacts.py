"""Turn a timeline into Contact and ContactNote rows, and add the phone calls, emails and letters."""

from __future__ import annotations

from datetime import timedelta

from openprobation.supervision.models import Contact, ContactNote

from . import vocab
from .rows import ContactRow, NoteRow
from .util import at, weighted
from .writer import BOOKED_AHEAD, NOTE_WRITTEN_AFTER

COMMUNICATION_TYPES = [
    ("CTOB", 25),
    ("CTOA", 18),
    ("CMOB", 18),
    ("CMOA", 14),
    ("CLOB", 10),
    ("CLOA", 3),
    ("CTPP", 12),
]
DIRECTIONS = {"CTOA": "from", "CMOA": "from", "CLOA": "from", "CTOB": "to", "CMOB": "to", "CLOB": "to"}


class ContactBuilder:
    def __init__(self, ctx, plan, person, batch, rng):
        self.ctx, self.plan, self.person, self.batch, self.rng = ctx, plan, person, batch, rng
        self.run = ctx.run
        self.types = ctx.run.ref.contact_types
        self.outcomes = ctx.run.ref.outcomes
        self.ids = ctx.run.ids
        self.now = ctx.run.now
        # The same for every contact of the case.
        self.common = {"person_id": person.id, "sentence_id": plan.sentence.id, "team_id": ctx.team.id}
        self.office_id = ctx.office.id

    def _contact(self, *, code, starts_at, minutes, staff, **fields) -> ContactRow:
        """A Contact row as the supervision actions would have saved it, created when it was booked or made."""
        contact_type = self.types[code]
        # Appointments were booked ahead; other contacts are recorded as they happen.
        created_at = min(starts_at - BOOKED_AHEAD, self.now) if contact_type.attendance else starts_at
        return ContactRow(
            id=self.ids.next(Contact),
            contact_type_id=contact_type.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes) if minutes else None,
            location_id=self.office_id if contact_type.location_required else None,
            staff_id=staff.id,
            created_at=created_at,
            created_by_id=staff.id,
            contact_type=contact_type,  # not a column: kept for the log entries that describe this contact
            **self.common,
            **fields,
        )

    def note(self, contact, text, *, sensitive=False, by=None):
        self.batch.notes.append(
            NoteRow(
                id=self.ids.next(ContactNote),
                contact_id=contact.id,
                text=text,
                sensitive=sensitive,
                created_at=(contact.ends_at or contact.starts_at) + NOTE_WRITTEN_AFTER,
                created_by_id=by.id if by is not None else contact.staff_id,
            )
        )

    def appointments(self, appts) -> None:
        tz = self.run.tz
        # Replacements first, so each moved appointment can point at a saved row.
        for appt in sorted(appts, key=lambda a: a.moved_to is not None):
            starts_at = at(appt.day, appt.hour, appt.minute, tz)
            outcome = self.outcomes[appt.outcome] if appt.outcome else None
            if appt.moved_to is not None:
                recorded_at = appt.moved_at
            elif outcome is not None:
                recorded_at = starts_at + timedelta(minutes=appt.minutes + self.rng.randint(10, 240))
            else:
                recorded_at = None
            contact = self._contact(
                code=appt.type_code,
                starts_at=starts_at,
                minutes=appt.minutes,
                staff=appt.staff,
                requirement_id=appt.requirement.id if appt.requirement is not None else None,
                description=appt.description,
                sensitive=appt.sensitive,
                series=appt.series,
                outcome_id=outcome.id if outcome is not None else None,
                outcome_recorded_at=recorded_at,
                outcome_recorded_by_id=appt.staff.id if outcome else None,
                evidence_due=appt.evidence_due,
                rescheduled_to_id=appt.moved_to.contact.id if appt.moved_to else None,
                reschedule_requested_by=appt.requested_by,
                reschedule_reason=appt.reason,
            )
            appt.contact = contact
            (self.batch.rescheduled if appt.moved_to else self.batch.contacts).append(contact)
            if appt.note:
                self.note(contact, appt.note, sensitive=appt.note_sensitive)

    def communications(self, *, since, staff_on, every_days: float = 21, spread: float = 0.4) -> None:
        """Calls, texts, emails, letters and contacts with professionals: one every ``every_days`` or so."""
        rng, today = self.rng, self.run.today
        span = (today - since).days
        if span <= 1:
            return
        for _ in range(round(span / every_days * rng.uniform(1 - spread, 1 + spread))):
            day = since + timedelta(days=rng.randrange(span))
            if not self.run.cal.is_working_day(day):
                continue
            code = weighted(rng, COMMUNICATION_TYPES)
            staff = staff_on(day)
            if code == "CLOB" and self.ctx.case_admins and rng.random() < 0.6:
                staff = rng.choice(self.ctx.case_admins)
            topic = rng.choice(vocab.COMMUNICATION_TOPICS[code])
            sensitive = code == "CTPP" and topic in vocab.SENSITIVE_PROFESSIONALS
            description = topic
            contact = self._contact(
                code=code,
                starts_at=at(day, rng.randint(9, 16), rng.choice([0, 15, 30, 45]), self.run.tz),
                minutes=0,
                staff=staff,
                direction=DIRECTIONS.get(code, ""),
                description=description,
                sensitive=sensitive,
            )
            self.batch.contacts.append(contact)
            if code == "CTPP":
                note = vocab.PROFESSIONAL_NOTES[topic].format(name=self.person.first_name)
                self.note(contact, note, sensitive=sensitive)
            elif rng.random() < 0.85:
                self.note(contact, f"{description}. {rng.choice(vocab.SESSION_PLANS)}")

    def system(self, code, day, staff, description, *, after, note="") -> ContactRow:
        """An enforcement entry in the activity log (not an appointment, so no outcome).

        It is logged on ``day``, never before the contact it answers (``after``).
        """
        logged_at = at(day, self.rng.randint(12, 16), self.rng.choice([0, 30]), self.run.tz)
        contact = self._contact(
            code=code,
            starts_at=max(logged_at, after + timedelta(minutes=self.rng.randint(15, 60))),
            minutes=0,
            staff=staff,
            description=description[:200],
        )
        self.batch.contacts.append(contact)
        if note:
            self.note(contact, note)
        return contact
