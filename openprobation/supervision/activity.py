"""The activity log read model: one page of a person's contacts, filtered and grouped by day.

``activity_page(person, filters, page=..., now=...)`` returns an ``ActivityPage``: days newest first,
each day's contacts oldest first, every contact with its compliance tag, notes and enforcement.
A page costs at most six queries whatever it holds (the contacts; the sentences, requirements and
rescheduled appointments they point at; their notes; their enforcement records), and it never counts
the whole filtered set: it reads one contact either side of the page to know whether there is a next
page and whether a day carries over a page break. It reads rows, not model instances (see ``LogContact``).
Contacts come in ``(person, -starts_at)`` index order, so a case with thousands of contacts reads
only the rows it shows.

The log is the record of what has happened: contacts dated after ``now`` are on the Appointments tab.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from openprobation.core.querysets import rows_of
from openprobation.frontend.templatetags.govuk import govuk_datetime
from openprobation.sentences.models import Requirement, Sentence
from openprobation.staff.models import User

from .compliance.outcomes import (
    ACCEPTABLE_ABSENCE,
    AWAITING_EVIDENCE,
    NO_OUTCOME,
    NOT_RESCHEDULED,
    RESCHEDULED,
    RESCHEDULED_BY_PERSON_CODES,
    local_midnight,
)
from .models import Contact, ContactNote, ContactType, EnforcementRecord

DEFAULT_PAGE_SIZE = 50
# Notes longer than this (or with more lines) go behind a "show the full note" disclosure.
SHORT_NOTE_CHARACTERS = 300
SHORT_NOTE_LINES = 4


def page_size() -> int:
    return int(getattr(settings, "OPENPROBATION", {}).get("ACTIVITY_PAGE_SIZE", DEFAULT_PAGE_SIZE))


# --- filters ---------------------------------------------------------------------------------------------


def _no_outcome(now):
    return NO_OUTCOME & Q(contact_type__outcome_required=True, starts_at__lt=now)


# value: (label, condition on Contact given `now`).  The conditions match the tags below.
COMPLIANCE_FILTERS = {
    "complied": (
        "Complied",
        lambda now: NOT_RESCHEDULED & Q(outcome__attended=True, outcome__acceptable=True),
    ),
    "acceptable": ("Acceptable absence", lambda now: ACCEPTABLE_ABSENCE),
    "unacceptable": (
        "Unacceptable absence or failed to comply",
        lambda now: NOT_RESCHEDULED & Q(outcome__acceptable=False, outcome__awaiting_evidence=False),
    ),
    "awaiting": ("Awaiting evidence", lambda now: AWAITING_EVIDENCE),
    "no-outcome": ("Outcome not recorded", _no_outcome),
    "rescheduled": ("Rescheduled", lambda now: RESCHEDULED),
}


@dataclass(frozen=True)
class ActivityFilters:
    """What the log is narrowed to. The defaults show everything, system-generated contacts included."""

    category: str = ""  # a ContactType.Category value
    contact_type: str = ""  # a ContactType code
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # inclusive
    compliance: str = ""  # a key of COMPLIANCE_FILTERS
    keyword: str = ""
    include_system: bool = True

    @property
    def narrowed(self) -> bool:
        return any(getattr(self, f.name) != f.default for f in fields(self))

    def condition(self, now: datetime.datetime) -> Q:
        q = Q(starts_at__lte=now)
        if self.category:
            q &= Q(contact_type__category=self.category)
        if self.contact_type:
            q &= Q(contact_type__code=self.contact_type)
        if self.date_from:
            q &= Q(starts_at__gte=local_midnight(self.date_from))
        if self.date_to and self.date_to < datetime.date.max:
            q &= Q(starts_at__lt=local_midnight(self.date_to + datetime.timedelta(days=1)))
        if self.compliance:
            q &= COMPLIANCE_FILTERS[self.compliance][1](now)
        if self.keyword:
            in_notes = ContactNote.objects.filter(contact=OuterRef("pk"), text__icontains=self.keyword)
            q &= (
                Q(description__icontains=self.keyword)
                | Q(contact_type__description__icontains=self.keyword)
                | Q(reschedule_reason__icontains=self.keyword)
                | Exists(in_notes)
            )
        if not self.include_system:
            q &= Q(contact_type__system_generated=False)
        return q


# --- what the log reads -----------------------------------------------------------------------------------
#
# The page reads plain rows (``values_list``) into these slotted objects rather than model instances: building
# some 250 instances a page, with their related-object caches, cost more than the page's SQL. Each class is
# what the entries and the timeline read and no more; the columns are worked out from the field names, so a
# field added here is read with the rest. The names match the models' (``compliance_tag`` reads either).


@dataclass(slots=True)
class LogType:
    """A contact's type; contacts of one type on a page share one."""

    code: str
    description: str
    attendance: bool
    national_standards: bool
    outcome_required: bool
    system_generated: bool

    def __str__(self):
        return self.description


@dataclass(slots=True)
class LogOutcome:
    """A contact's outcome; shared like ``LogType``."""

    code: str
    description: str
    attended: bool
    acceptable: bool
    awaiting_evidence: bool
    reschedule: bool

    def __str__(self):
        return self.description


@dataclass(slots=True)
class LogContact:
    """A contact as the log shows it: ``staff`` and ``location`` are the names shown."""

    pk: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    direction: str
    description: str
    sensitive: bool
    evidence_due: datetime.date | None
    rescheduled_to_id: int | None
    reschedule_requested_by: str
    reschedule_reason: str
    sentence_id: int | None
    requirement_id: int | None
    location: str | None
    staff: str
    contact_type: LogType
    outcome: LogOutcome | None
    counts_towards: str = ""  # the sentence, and requirement if any, the contact counts towards
    rescheduled_to_starts_at: datetime.datetime | None = None
    notes: list[LogNote] = field(default_factory=list)
    enforcement: list[LogEnforcement] = field(default_factory=list)


@dataclass(slots=True)
class LogNote:
    """A note as the log shows it: ``created_by`` is the author's name."""

    pk: int
    text: str
    sensitive: bool
    created_at: datetime.datetime
    created_by: str


@dataclass(slots=True)
class LogEnforcement:
    """An enforcement record as the log shows it: the action's code and description, the decider's name."""

    action_code: str
    action: str
    decided_on: datetime.date
    decided_by: str
    response_due: datetime.date | None
    breach_pack_due: datetime.date | None
    withdrawn_on: datetime.date | None


def _field_names(cls, start: str | None = None, stop: str | None = None) -> list[str]:
    """The names of ``cls``'s fields from ``start`` up to (not including) ``stop``: each is its column's name."""
    names = [f.name for f in fields(cls)]
    return names[names.index(start) if start else 0 : names.index(stop) if stop else None]


# A user is read as the three columns str(user) is made of: the full name, else the username.
_USER = ("first_name", "last_name", "username")


_user_name = User.name_from


# The contact row: its own columns in LogContact's order (pk to requirement), the location's name, the staff
# member's name columns, then the type and the outcome, each after its key.
_OWN = ("id", *_field_names(LogContact, "starts_at", "location"))
CONTACT_COLUMNS = (
    *_OWN,
    "location__name",
    *(f"staff__{name}" for name in _USER),
    "contact_type_id",
    *(f"contact_type__{name}" for name in _field_names(LogType)),
    "outcome_id",
    *(f"outcome__{name}" for name in _field_names(LogOutcome)),
)
_SENTENCE_COLUMNS = ("id", "sentence_type__description", "start_date")
_STAFF_AT = len(_OWN) + 1
_TYPE_AT = _STAFF_AT + len(_USER)
_OUTCOME_AT = _TYPE_AT + 1 + len(fields(LogType))
NOTE_COLUMNS = (
    "contact_id",
    "id",
    *_field_names(LogNote, "text", "created_by"),
    *(f"created_by__{name}" for name in _USER),
)
ENFORCEMENT_COLUMNS = (
    "contact_id",
    "action__code",
    "action__description",
    "decided_on",
    *(f"decided_by__{name}" for name in _USER),
    *_field_names(LogEnforcement, "response_due"),
)


def _contacts(rows) -> list[LogContact]:
    """``CONTACT_COLUMNS`` rows as contacts, each type and outcome made once however many contacts share it."""
    types: dict[int, LogType] = {}
    outcomes: dict[int, LogOutcome] = {}
    contacts = []
    for row in rows:
        type_id = row[_TYPE_AT]
        kind = types.get(type_id)
        if kind is None:
            kind = types[type_id] = LogType(*row[_TYPE_AT + 1 : _OUTCOME_AT])
        outcome_id = row[_OUTCOME_AT]
        outcome = None
        if outcome_id is not None:
            outcome = outcomes.get(outcome_id)
            if outcome is None:
                outcome = outcomes[outcome_id] = LogOutcome(*row[_OUTCOME_AT + 1 :])
        contacts.append(LogContact(*row[:_STAFF_AT], _user_name(*row[_STAFF_AT:_TYPE_AT]), kind, outcome))
    return contacts


# --- what one entry shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    label: str
    colour: str  # a GOV.UK tag colour; "blue" is the default tag
    detail: str = ""


# The tags without a detail, made once: a page asks for one or more per entry.
RESCHEDULED_BY_PERSON = Tag("Rescheduled by the person", "orange")
RESCHEDULED_BY_SERVICE = Tag("Rescheduled by the service", "grey")
OUTCOME_NOT_RECORDED = Tag("Outcome not recorded", "blue")
COMPLIED = Tag("Complied", "green")
ACCEPTABLE = Tag("Acceptable absence", "teal")
FAILED_TO_COMPLY = Tag("Failed to comply", "red")
UNACCEPTABLE = Tag("Unacceptable absence", "red")
NATIONAL_STANDARDS = Tag("National Standards", "purple")
SENSITIVE = Tag("Sensitive", "grey")


def compliance_tag(contact: Contact | LogContact, now: datetime.datetime) -> Tag | None:
    """The one compliance tag an activity log entry shows, or None (communications, system events)."""
    kind = contact.contact_type
    outcome = contact.outcome
    if not kind.attendance:
        return None
    if contact.rescheduled_to_id is not None or (outcome is not None and outcome.reschedule):
        asked = contact.reschedule_requested_by
        if asked == Contact.RequestedBy.PERSON or (
            not asked and outcome is not None and outcome.code in RESCHEDULED_BY_PERSON_CODES
        ):
            return RESCHEDULED_BY_PERSON
        return RESCHEDULED_BY_SERVICE
    if outcome is None:
        if kind.outcome_required and contact.starts_at < now:
            return OUTCOME_NOT_RECORDED
        return None
    if outcome.awaiting_evidence:
        due = contact.evidence_due
        return Tag("Awaiting evidence", "yellow", f"Evidence due by {_long_date(due)}" if due else "")
    if outcome.acceptable:
        return COMPLIED if outcome.attended else ACCEPTABLE
    return FAILED_TO_COMPLY if outcome.attended else UNACCEPTABLE


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(slots=True)
class NoteView:
    note: LogNote
    sensitive: bool  # always behind a disclosure labelled as sensitive
    long: bool  # behind a disclosure so the log stays scannable


DIRECTIONS = dict(Contact.Direction.choices)


@dataclass(slots=True)
class Entry:
    contact: LogContact
    tag: Tag | None
    notes: list[NoteView]
    enforcement: list[LogEnforcement]
    tags: list[Tag]  # in the order shown: National Standards, compliance, sensitive
    # (label, value) rows of the entry's summary list, only those with a value: worked out once here rather
    # than by a chain of conditions in the markup.
    details: list[tuple[str, object]]

    @property
    def system_generated(self) -> bool:
        return self.contact.contact_type.system_generated

    @property
    def national_standards(self) -> bool:
        return self.contact.contact_type.national_standards

    @property
    def is_appointment(self) -> bool:
        return self.contact.contact_type.attendance

    @property
    def counts_towards(self) -> str:
        return self.contact.counts_towards


def _entry(contact: LogContact, now: datetime.datetime) -> Entry:
    notes = [
        NoteView(
            note,
            sensitive=note.sensitive or contact.sensitive,
            long=len(note.text) > SHORT_NOTE_CHARACTERS or note.text.count("\n") >= SHORT_NOTE_LINES,
        )
        for note in contact.notes
    ]
    tag = compliance_tag(contact, now)
    kind = contact.contact_type
    tags = [NATIONAL_STANDARDS] if kind.national_standards else []
    if tag is not None:
        tags.append(tag)
    if contact.sensitive:
        tags.append(SENSITIVE)
    rescheduled = contact.rescheduled_to_starts_at
    rows = (
        ("Counts towards", contact.counts_towards),
        ("Location", contact.location),
        ("Direction", DIRECTIONS.get(contact.direction, contact.direction) if contact.direction else ""),
        ("Outcome", contact.outcome),
        ("Evidence", tag.detail if tag is not None else ""),
        ("Rescheduled to", govuk_datetime(rescheduled) if rescheduled else ""),
    )
    details = [(label, value) for label, value in rows if value]
    return Entry(contact, tag, notes, contact.enforcement, tags, details)


# --- a page of days ---------------------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    entries: list[Entry] = field(default_factory=list)
    continued_from_previous_page: bool = False
    continues_on_next_page: bool = False


@dataclass
class ActivityPage:
    number: int
    size: int
    days: list[Day]
    has_previous: bool
    has_next: bool

    @property
    def entry_count(self) -> int:
        return sum(len(day.entries) for day in self.days)

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last_position(self) -> int:
        return self.first_position + self.entry_count - 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def activity_contacts(person, filters: ActivityFilters, now: datetime.datetime):
    """Rows (``CONTACT_COLUMNS``) of the person's contacts matching ``filters``, newest first.

    Only four tables are joined to the contacts. PostgreSQL's planning time grows steeply with every
    outer join: with the sentence, requirement and rescheduled appointment joined too (nine joins), planning
    the page's query took about a hundred times longer than running it. Those, the notes and the enforcement
    records come in afterwards for the page's contacts only (``attach_related``), each a lookup by key.
    """
    return rows_of(Contact, CONTACT_COLUMNS, order=("-starts_at", "-id")).filter(person=person).filter(
        filters.condition(now)
    )


def attach_related(contacts: list[LogContact]) -> None:
    """Give each contact what it counts towards, its rescheduled appointment's start, and its notes and
    enforcement records: at most five queries, none when there is nothing to look up.

    Requirements are rarer on a page, and labelled by their own ``__str__`` (lengths, units), once each.
    """
    sentence_keys = {c.sentence_id for c in contacts} - {None}
    requirement_keys = {c.requirement_id for c in contacts} - {None}
    rescheduled_keys = {c.rescheduled_to_id for c in contacts} - {None}
    sentences = (
        {
            pk: Sentence.label_from(kind, start)
            for pk, kind, start in rows_of(Sentence, _SENTENCE_COLUMNS).filter(pk__any_of=sentence_keys)
        }
        if sentence_keys
        else {}
    )
    requirements = (
        Requirement.objects.select_related("requirement_type").in_bulk(requirement_keys) if requirement_keys else {}
    )
    starts = (
        dict(Contact.objects.filter(pk__any_of=rescheduled_keys).values_list("id", "starts_at"))
        if rescheduled_keys
        else {}
    )
    labels: dict[tuple[int | None, int | None], str] = {}
    for contact in contacts:
        key = (contact.sentence_id, contact.requirement_id)
        label = labels.get(key)
        if label is None:
            sentence = sentences.get(contact.sentence_id, "")
            requirement = requirements.get(contact.requirement_id)
            label = labels[key] = f"{sentence}: {requirement}" if sentence and requirement is not None else sentence
        contact.counts_towards = label
        if contact.rescheduled_to_id is not None:
            contact.rescheduled_to_starts_at = starts.get(contact.rescheduled_to_id)
    if not contacts:
        return
    by_id = {c.pk: c for c in contacts}
    notes = rows_of(ContactNote, NOTE_COLUMNS, order=("created_at", "id")).filter(contact_id__any_of=list(by_id))
    for contact_id, pk, text, sensitive, created_at, *user in notes:
        by_id[contact_id].notes.append(LogNote(pk, text, sensitive, created_at, _user_name(*user)))
    records = rows_of(EnforcementRecord, ENFORCEMENT_COLUMNS, order=("decided_on", "id")).filter(
        contact_id__any_of=list(by_id)
    )
    for contact_id, code, action, decided_on, first_name, last_name, username, *dates in records:
        by_id[contact_id].enforcement.append(
            LogEnforcement(code, action, decided_on, _user_name(first_name, last_name, username), *dates)
        )


def activity_page(
    person,
    filters: ActivityFilters = ActivityFilters(),  # noqa: B008 - frozen, so a shared default is safe
    *,
    page: int = 1,
    size: int | None = None,
    now: datetime.datetime | None = None,
) -> ActivityPage:
    """Page ``page`` (from 1) of the person's activity log."""
    now = now or timezone.now()
    size = size or page_size()
    page = max(int(page), 1)
    offset = (page - 1) * size
    # One row before the page and one after, to tell whether a day carries over and if there is more.
    start = max(offset - 1, 0)
    rows = _contacts(activity_contacts(person, filters, now)[start : offset + size + 1])
    before = rows.pop(0) if offset > 0 and rows else None
    after = rows[size] if len(rows) > size else None
    rows = rows[:size]
    attach_related(rows)

    zone = timezone.get_current_timezone()  # once, not a thread-local lookup per contact
    days: list[Day] = []
    for contact in rows:
        day = contact.starts_at.astimezone(zone).date()
        if not days or days[-1].date != day:
            days.append(Day(day))
        days[-1].entries.append(_entry(contact, now))
    for day in days:
        day.entries.reverse()  # oldest first within a day
    if days and before is not None and before.starts_at.astimezone(zone).date() == days[0].date:
        days[0].continued_from_previous_page = True
    if days and after is not None and after.starts_at.astimezone(zone).date() == days[-1].date:
        days[-1].continues_on_next_page = True
    return ActivityPage(number=page, size=size, days=days, has_previous=page > 1, has_next=after is not None)


def contact_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Contact types grouped by category, for a filter's select: one query."""
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = dict(ContactType.Category.choices)
    for code, description, category in ContactType.objects.order_by(
        "category", "sort_order", "description"
    ).values_list("code", "description", "category"):
        groups.setdefault(labels.get(category, category), []).append((code, description))
    return list(groups.items())
