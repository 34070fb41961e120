"""Full version history of the main records, with django-simple-history.

The records belong to other apps; their historical models are registered from here so that the
history tables and their migrations live in the audit app (``audit_historicalperson``, ...) and the
owning apps' models stay untouched. Every ``save()`` and ``create()`` writes a version; an action
that changes a row with ``QuerySet.update()`` gets its version from ``audit.record`` (see
``snapshot_if_changed``), which every action calls.

``TRACKED`` says, for each record kind, how its versions are found from a person: through a
``person`` column, or through the person's sentences or contacts. The history page and the
subject access export read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import simple_history

from openprobation.alerts.models import Alert
from openprobation.people.models import Address, Person, PersonalCircumstance, PersonalContact
from openprobation.sentences.models import Requirement, Sentence
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

APP = "openprobation.audit"

# Search keys are derived from the names on every save: versioning them only adds noise.
DERIVED_NAME_KEYS = ["search_first", "search_surname", "phonetic_first", "phonetic_surname"]


@dataclass(frozen=True)
class Tracked:
    key: str  # a stable short name, used in URLs and file names
    model: type
    label: str  # what a user calls one of these
    link: str  # how a version is tied to a person: "self", "person", "sentence" or "contact"
    hidden: tuple[str, ...] = ()  # columns left out of the differences shown (bookkeeping)


TRACKED: tuple[Tracked, ...] = (
    Tracked("person", Person, "Personal details", "self", hidden=("updated_at", "created_at", "version")),
    Tracked("address", Address, "Address", "person"),
    Tracked("personal-contact", PersonalContact, "Personal contact", "person"),
    Tracked("circumstance", PersonalCircumstance, "Personal circumstance", "person"),
    Tracked("sentence", Sentence, "Order or licence", "person", hidden=("version",)),
    Tracked("requirement", Requirement, "Requirement or licence condition", "sentence"),
    Tracked("contact", Contact, "Contact", "person", hidden=("created_at", "version")),
    Tracked("contact-note", ContactNote, "Contact note", "contact", hidden=("created_at",)),
    Tracked("enforcement", EnforcementRecord, "Enforcement action", "sentence", hidden=("created_at",)),
    Tracked("breach", Breach, "Breach or recall", "sentence"),
    Tracked("alert", Alert, "Alert", "person", hidden=("updated_at", "raised_at")),
)
BY_KEY = {tracked.key: tracked for tracked in TRACKED}
BY_MODEL = {tracked.model: tracked for tracked in TRACKED}


def _register():
    for tracked in TRACKED:
        if hasattr(tracked.model._meta, "simple_history_manager_attribute"):
            continue  # already registered (a module reload in a test run)
        excluded = DERIVED_NAME_KEYS if tracked.model is Person else None
        simple_history.register(tracked.model, app=APP, excluded_fields=excluded)


_register()
