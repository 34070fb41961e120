"""Write one team's rows with a few bulk inserts, parents before children.

The builders link unsaved model instances to each other; `bulk_create` sets primary keys as it goes
(SQLite 3.35+ and PostgreSQL return them), so by the time a child list is written its foreign keys
resolve. One team at a time keeps memory bounded at any scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from openprobation.people.models import (
    Address,
    Adjustment,
    Alias,
    Disability,
    EqualityData,
    Person,
    PersonalCircumstance,
    PersonalContact,
)
from openprobation.sentences.models import Event, Offence, Requirement, Sentence
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

BATCH_SIZE = 2_000
# Past appointments were booked about a week ahead; notes are written shortly after the contact.
BOOKED_AHEAD = timedelta(days=6)
NOTE_WRITTEN_AFTER = timedelta(minutes=20)


@dataclass
class Batch:
    """Unsaved rows for one team, in the order they must be inserted."""

    people: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    circumstances: list = field(default_factory=list)
    disabilities: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    personal_contacts: list = field(default_factory=list)
    equality: list = field(default_factory=list)
    events: list = field(default_factory=list)
    offences: list = field(default_factory=list)
    sentences: list = field(default_factory=list)
    requirements: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    # Appointments that were moved: written after the appointment they were moved to.
    rescheduled: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    enforcement: list = field(default_factory=list)
    breaches: list = field(default_factory=list)

    ORDER = (
        ("people", Person),
        ("aliases", Alias),
        ("addresses", Address),
        ("circumstances", PersonalCircumstance),
        ("disabilities", Disability),
        ("adjustments", Adjustment),
        ("personal_contacts", PersonalContact),
        ("equality", EqualityData),
        ("events", Event),
        ("offences", Offence),
        ("sentences", Sentence),
        ("requirements", Requirement),
        ("contacts", Contact),
        ("rescheduled", Contact),
        ("notes", ContactNote),
        ("enforcement", EnforcementRecord),
        ("breaches", Breach),
    )


def write(batch: Batch, *, now, appointment_type_ids) -> Counter:
    counts = Counter()
    with transaction.atomic():
        for name, model in Batch.ORDER:
            rows = getattr(batch, name)
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            counts[model._meta.label] += len(rows)
        _backdate(batch, now=now, appointment_type_ids=appointment_type_ids)
    return counts


def _backdate(batch: Batch, *, now, appointment_type_ids) -> None:
    """Give history rows their historical creation times.

    `created_at` uses auto_now_add, which a bulk insert fills with the current time; a few set-based
    updates per team put the timeline back in order without touching rows one by one.
    """
    contact_ids = [c.pk for c in batch.contacts] + [c.pk for c in batch.rescheduled]
    if not contact_ids:
        return
    in_batch = Contact.objects.filter(pk__gte=min(contact_ids), pk__lte=max(contact_ids))
    in_batch.exclude(contact_type_id__in=appointment_type_ids).update(created_at=F("starts_at"))
    in_batch.filter(contact_type_id__in=appointment_type_ids, starts_at__lt=now - BOOKED_AHEAD).update(
        created_at=F("starts_at") - BOOKED_AHEAD
    )
    if batch.notes:
        note_ids = [n.pk for n in batch.notes]
        written = Contact.objects.filter(pk=OuterRef("contact_id")).values(
            at=Coalesce("ends_at", "starts_at") + NOTE_WRITTEN_AFTER
        )[:1]
        ContactNote.objects.filter(pk__gte=min(note_ids), pk__lte=max(note_ids)).update(
            created_at=Subquery(written)
        )
