"""Delete the people, their sentences and their history, children before parents.

Audit and access events are append-only and stay. The version history (django-simple-history) of the
deleted records goes with them, and writing a "deleted" version of every row is switched off: a reset is
not an edit anyone made, and those versions were most of its time. Contacts go in key ranges so that
deleting millions of them never loads them all at once; the other tables are deleted with single statements.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Min
from django.test.utils import override_settings

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
from openprobation.staff.models import Team
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

CONTACT_CHUNK = 20_000


def domain_data_exists() -> bool:
    return Person.objects.exists() or Team.objects.exists()


def delete_domain_data() -> int:
    """Delete every person and everything recorded about them; return how many people went."""
    from openprobation.audit.history import TRACKED

    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        for tracked in TRACKED:
            tracked.model.history.all().delete()
        for model in (Breach, EnforcementRecord, ContactNote):
            model.objects.all().delete()
        Contact.objects.exclude(rescheduled_to=None).update(rescheduled_to=None)
        bounds = Contact.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is not None:
            for start in range(bounds["low"], bounds["high"] + 1, CONTACT_CHUNK):
                Contact.objects.filter(pk__gte=start, pk__lt=start + CONTACT_CHUNK).delete()
        for model in (
            Requirement,
            Sentence,
            Offence,
            Event,
            Adjustment,
            Disability,
            Alias,
            Address,
            PersonalCircumstance,
            PersonalContact,
            EqualityData,
        ):
            model.objects.all().delete()
        deleted, by_model = Person.objects.all().delete()
        return by_model.get(Person._meta.label, 0)
