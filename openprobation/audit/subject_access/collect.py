"""Everything held about one person, as plain JSON-ready data, with what is withheld and why.

Each ``Section`` becomes one JSON file of the export. Sensitive contacts and sensitive notes (and the notes
of a sensitive contact) are never exported: they are listed in ``withheld`` by type and date only, and
their versions and audit entries are left out as well. So are the records that only exist about a withheld
contact: a commissioned-service session held on it, and an alert about it. Every other record about the
person is exported, from this module and from ``from_interventions``, ``from_assessments`` and
``from_protection``, each a fixed number of queries whatever the size of the record. Records about the
person that no section knows (another app's, added later) are never exported by guesswork:
``held_elsewhere`` counts them by kind, so that the data protection officer reviews them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from openprobation.alerts.models import Alert
from openprobation.people.models import (
    Address,
    Adjustment,
    Alias,
    Disability,
    EqualityData,
    PersonalCircumstance,
    PersonalContact,
)
from openprobation.sentences.models import Event, Offence, Requirement, Sentence
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

from ..case_history import versions_of
from ..history import TRACKED
from ..models import AuditEvent
from .from_assessments import assessment_sections
from .from_interventions import referral_sections
from .from_protection import registration_sections
from .records import Section, Withheld, local_date, plain, row

__all__ = ["COVERED", "Section", "SubjectData", "Withheld", "collect", "plain", "row"]

# The person's own search keys are derived from their names; they add nothing a person could read.
PERSON_LEFT_OUT = {"search_first", "search_surname", "phonetic_first", "phonetic_surname"}
# Models about a person that this export covers (directly or through the sections above), and the
# audit app's own version tables (exported as record_history.json).
COVERED = {
    "people.person", "people.alias", "people.address", "people.personalcircumstance", "people.disability",
    "people.adjustment", "people.personalcontact", "people.equalitydata", "sentences.event",
    "sentences.sentence", "supervision.contact", "alerts.alert",
    "interventions.referral", "interventions.transition",
    "assessments.assessment", "assessments.externalassessment", "assessments.goal", "assessments.planversion",
    "assessments.planreview", "assessments.personrequest", "assessments.tiercalculation",
    "protection.registration",
}


@dataclass
class SubjectData:
    person: object
    sections: list[Section]
    withheld: list[Withheld]
    held_elsewhere: list[tuple[str, int]] = field(default_factory=list)  # (kind, count) to review by hand

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


# --- the collection ----------------------------------------------------------------------------------


def collect(person) -> SubjectData:
    withheld: list[Withheld] = []
    contacts = list(
        Contact.objects.filter(person=person)
        .select_related("contact_type", "outcome", "location", "staff", "team", "outcome_recorded_by",
                        "created_by", "sentence__sentence_type", "requirement__requirement_type")
        .order_by("starts_at", "id")
    )
    sensitive_contacts = {contact.pk for contact in contacts if contact.sensitive}
    for contact in contacts:
        if contact.sensitive:
            withheld.append(Withheld(str(contact.contact_type), local_date(contact.starts_at), "Sensitive contact"))
    notes = list(
        ContactNote.objects.filter(contact__person=person).select_related("created_by", "contact__contact_type")
        .order_by("created_at", "id")
    )
    withheld_notes = set()
    for note in notes:
        if note.sensitive or note.contact_id in sensitive_contacts:
            withheld_notes.add(note.pk)
            reason = "Sensitive note" if note.sensitive else "Note on a sensitive contact"
            withheld.append(Withheld(f"Note on a {note.contact.contact_type}", local_date(note.created_at), reason))
    services, services_withheld, withheld_sessions = referral_sections(person, sensitive_contacts=sensitive_contacts)
    withheld += services_withheld
    alerts, withheld_alerts = [], set()
    for alert in (Alert.objects.filter(person=person).select_related("owner", "escalated_to", "closed_by")
                  .order_by("raised_at", "id")):
        if _about_withheld_contact(alert, sensitive_contacts, withheld_sessions):
            withheld_alerts.add(alert.pk)
            withheld.append(Withheld("Alert", local_date(alert.raised_at), "Alert about a sensitive contact"))
        else:
            alerts.append(row(alert))
    # What is left out of the versions and the audit trail, by the audited record's label.
    hidden = {"supervision.contact": sensitive_contacts, "supervision.contactnote": withheld_notes,
              "interventions.session": withheld_sessions, "alerts.alert": withheld_alerts}

    sentences = list(Sentence.objects.filter(person=person).select_related("sentence_type", "event")
                     .order_by("start_date", "id"))
    sentence_ids = [sentence.pk for sentence in sentences]
    sections = [
        Section("person", "Personal details",
                [row(_person(person), leave_out=PERSON_LEFT_OUT)]),
        Section("aliases", "Other names", [row(a, leave_out=PERSON_LEFT_OUT) for a in Alias.objects.filter(person=person)]),
        Section("addresses", "Addresses", [row(a) for a in Address.objects.filter(person=person)]),
        Section("personal_contacts", "Personal contacts",
                [row(c) for c in PersonalContact.objects.filter(person=person)]),
        Section("circumstances", "Personal circumstances",
                [row(c) for c in PersonalCircumstance.objects.filter(person=person)]),
        Section("disabilities", "Disabilities", [row(d) for d in Disability.objects.filter(person=person)]),
        Section("adjustments", "Adjustments",
                [row(a) for a in Adjustment.objects.filter(person=person).select_related("disability")]),
        Section("equality_data", "Equality information",
                [row(e) for e in EqualityData.objects.filter(person=person)]),
        Section("events", "Convictions and offences", _events(person)),
        Section("sentences", "Orders and licences", [row(s) for s in sentences]),
        Section("requirements", "Requirements and licence conditions",
                [row(r) for r in Requirement.objects.filter(sentence_id__in=sentence_ids)
                 .select_related("requirement_type").order_by("start_date", "id")]),
        Section("contacts", "Appointments and contacts",
                [row(c) for c in contacts if c.pk not in sensitive_contacts],
                note="Sensitive contacts are withheld: see withheld.json."),
        Section("contact_notes", "Notes", [row(n) for n in notes if n.pk not in withheld_notes],
                note="Sensitive notes are withheld: see withheld.json."),
        Section("enforcement", "Enforcement actions",
                [row(e) for e in EnforcementRecord.objects.filter(sentence_id__in=sentence_ids)
                 .exclude(contact_id__in=sensitive_contacts).select_related("action", "decided_by")
                 .order_by("decided_on", "id")]),
        Section("breaches", "Breach and recall", [row(b) for b in Breach.objects.filter(sentence_id__in=sentence_ids)
                                                  .select_related("initiated_by").order_by("started_on", "id")]),
        *services,
        *assessment_sections(person),
        *registration_sections(person),
        Section("alerts", "Alerts", alerts, note="Alerts about a sensitive contact are withheld: see withheld.json."),
        Section("record_history", "Earlier versions of these records", _versions(person, hidden)),
        Section("audit_trail", "Actions recorded on this case", _audit_trail(person, hidden)),
    ]
    withheld.sort(key=lambda item: (item.date, item.kind))
    return SubjectData(person=person, sections=sections, withheld=withheld, held_elsewhere=_held_elsewhere(person))


def _about_withheld_contact(alert, sensitive_contacts: set, withheld_sessions: set) -> bool:
    """An alert raised about a sensitive contact, or about a session held on one, quotes what is withheld."""
    kind, _, number = alert.subject_key.partition(":")
    if kind == "session" and number.isdigit() and int(number) in withheld_sessions:
        return True
    contact = alert.evidence.get("contact") if isinstance(alert.evidence, dict) else None
    return isinstance(contact, int) and contact in sensitive_contacts


def _person(person):
    # The export's own read of the person, with the staff and team it links to named.
    from openprobation.people.models import Person

    return Person.objects.select_related("practitioner", "team").get(pk=person.pk)


def _events(person) -> list[dict]:
    events = list(Event.objects.filter(person=person).select_related("court").order_by("number"))
    offences: dict[int, list[dict]] = {}
    for offence in Offence.objects.filter(event__person=person).select_related("offence_type"):
        offences.setdefault(offence.event_id, []).append(row(offence))
    return [{**row(event), "offences": offences.get(event.pk, [])} for event in events]


def _versions(person, hidden: dict[str, set]) -> list[dict]:
    sensitive_contacts = hidden["supervision.contact"]
    rows = []
    for tracked in TRACKED:
        versions = versions_of(tracked, person).order_by("history_date", "history_id")
        label = tracked.model._meta.label_lower
        if hidden.get(label):
            versions = versions.exclude(id__in=hidden[label])
        if label == "supervision.contact":
            versions = versions.exclude(
                id__in=Contact.history.model.objects.filter(person_id=person.pk, sensitive=True).values("id")
            )
        if label == "supervision.contactnote":
            versions = versions.exclude(contact_id__in=sensitive_contacts).exclude(
                id__in=ContactNote.history.model.objects.filter(sensitive=True).values("id")
            )
        names = [f.attname for f in versions.model.tracked_fields if f.name not in PERSON_LEFT_OUT]
        for version in versions.values("history_date", "history_type", *names):
            when = version.pop("history_date")
            kind = {"+": "created", "~": "changed", "-": "deleted"}.get(version.pop("history_type"), "changed")
            rows.append({"record": tracked.label, "version_at": plain(when), "version": kind,
                         "values": {name: plain(value) for name, value in version.items()}})
    rows.sort(key=lambda item: item["version_at"])
    return rows


def _audit_trail(person, hidden: dict[str, set]) -> list[dict]:
    rows = []
    for event in AuditEvent.objects.filter(crn=person.crn).select_related("actor").order_by("seq"):
        object_id = int(event.object_id) if event.object_id.isdigit() else None
        if object_id in hidden.get(event.object_type, ()):
            continue
        rows.append({"at": plain(event.at), "action": event.verb, "by": str(event.actor) if event.actor else "system",
                     "record": f"{event.object_type} {event.object_id}", "summary": event.summary})
    return rows


def _held_elsewhere(person) -> list[tuple[str, int]]:
    """Kinds of record with a link to the person that this export does not cover, with their counts."""
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in COVERED or model._meta.app_label == "audit":
            continue
        for column in model._meta.concrete_fields:
            if isinstance(column, models.ForeignKey) and column.related_model is person._meta.concrete_model:
                count = model._default_manager.filter(**{column.name: person}).count()
                if count:
                    found.append((str(model._meta.verbose_name_plural).capitalize(), count))
                break
    return sorted(found)
