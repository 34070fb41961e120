"""The activity log read model: one page of a person's contacts, filtered and grouped by day.

``activity_page(person, filters, page=..., now=...)`` returns an ``ActivityPage``: days newest first,
each day's contacts oldest first, every contact with its compliance tag, notes and enforcement.
A page costs at most six queries whatever it holds (the contacts; the sentences, requirements and
rescheduled appointments they point at; their notes; their enforcement records), and it never counts
the whole filtered set: it reads one contact either side of the page to know whether there is a next
page and whether a day carries over a page break.
Contacts come in ``(person, -starts_at)`` index order, so a case with thousands of contacts reads
only the rows it shows.

The log is the record of what has happened: contacts dated after ``now`` are on the Appointments tab.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from openprobation.frontend.templatetags.govuk import govuk_datetime
from openprobation.sentences.models import Requirement, Sentence

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


# --- what one entry shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    label: str
    colour: str  # a GOV.UK tag colour; "blue" is the default tag
    detail: str = ""


def compliance_tag(contact: Contact, now: datetime.datetime) -> Tag | None:
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
            return Tag("Rescheduled by the person", "orange")
        return Tag("Rescheduled by the service", "grey")
    if outcome is None:
        if kind.outcome_required and contact.starts_at < now:
            return Tag("Outcome not recorded", "blue")
        return None
    if outcome.awaiting_evidence:
        due = contact.evidence_due
        return Tag("Awaiting evidence", "yellow", f"Evidence due by {_long_date(due)}" if due else "")
    if outcome.acceptable:
        return Tag("Complied", "green") if outcome.attended else Tag("Acceptable absence", "teal")
    return Tag("Failed to comply", "red") if outcome.attended else Tag("Unacceptable absence", "red")


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class NoteView:
    note: ContactNote
    sensitive: bool  # always behind a disclosure labelled as sensitive
    long: bool  # behind a disclosure so the log stays scannable


@dataclass
class Entry:
    contact: Contact
    tag: Tag | None
    notes: list[NoteView]
    enforcement: list[EnforcementRecord]

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
        contact = self.contact
        if contact.sentence is None:
            return ""
        if contact.requirement is not None:
            return f"{contact.sentence}: {contact.requirement}"
        return str(contact.sentence)

    @functools.cached_property
    def tags(self) -> list[Tag]:
        """The entry's tags in the order shown: National Standards, compliance, sensitive."""
        tags = [Tag("National Standards", "purple")] if self.national_standards else []
        if self.tag is not None:
            tags.append(self.tag)
        if self.contact.sensitive:
            tags.append(Tag("Sensitive", "grey"))
        return tags

    @functools.cached_property
    def details(self) -> list[tuple[str, object]]:
        """(label, value) rows of the entry's summary list, only those with a value.

        Worked out here once rather than by a chain of conditions in the template: the log shows 50 entries
        a page, and each condition there costs a template lookup per entry.
        """
        contact = self.contact
        rows = [
            ("Counts towards", self.counts_towards),
            ("Location", contact.location),
            ("Direction", contact.get_direction_display() if contact.direction else ""),
            ("Outcome", contact.outcome),
            ("Evidence", self.tag.detail if self.tag is not None else ""),
            ("Rescheduled to", govuk_datetime(contact.rescheduled_to.starts_at) if contact.rescheduled_to else ""),
        ]
        return [(label, value) for label, value in rows if value]


def _entry(contact: Contact, now: datetime.datetime) -> Entry:
    notes = [
        NoteView(
            note,
            sensitive=note.sensitive or contact.sensitive,
            long=len(note.text) > SHORT_NOTE_CHARACTERS or note.text.count("\n") >= SHORT_NOTE_LINES,
        )
        for note in contact.log_notes
    ]
    return Entry(contact, compliance_tag(contact, now), notes, contact.log_enforcement)


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
    """The person's contacts matching ``filters``, newest first, with the tables every entry shows joined.

    Only four tables are joined to the contacts. PostgreSQL's planning time grows steeply with every
    outer join: with the sentence, requirement and rescheduled appointment joined too (nine joins), planning
    the page's query took about a hundred times longer than running it. Those, the notes and the enforcement
    records come in afterwards for the page's contacts only (``attach_related``), each a lookup by key.
    """
    return (
        Contact.objects.filter(person=person)
        .filter(filters.condition(now))
        .select_related("contact_type", "outcome", "staff", "location")
        .order_by("-starts_at", "-id")
    )


def attach_related(contacts: list[Contact]) -> None:
    """Give each contact its sentence, requirement and rescheduled appointment, and its notes and enforcement
    records as lists in ``log_notes`` and ``log_enforcement``: at most five queries, none when there is
    nothing to look up.

    What ``prefetch_related`` would do, without its per-contact work (a related manager and queryset for
    each of the 50 contacts, for each relation), which cost more than the queries themselves.
    """
    for name, queryset in (
        ("sentence", Sentence.objects.select_related("sentence_type")),
        ("requirement", Requirement.objects.select_related("requirement_type")),
        ("rescheduled_to", Contact.objects.all()),
    ):
        relation = Contact._meta.get_field(name)
        keys = {getattr(c, relation.attname) for c in contacts} - {None}
        found = queryset.in_bulk(keys) if keys else {}
        for contact in contacts:
            key = getattr(contact, relation.attname)
            if key is not None:
                relation.set_cached_value(contact, found.get(key))
    ids = [c.pk for c in contacts]
    notes: dict[int, list[ContactNote]] = {}
    enforcement: dict[int, list[EnforcementRecord]] = {}
    if ids:
        for note in ContactNote.objects.filter(contact_id__in=ids).select_related("created_by").order_by(
            "created_at", "id"
        ):
            notes.setdefault(note.contact_id, []).append(note)
        for record in (
            EnforcementRecord.objects.filter(contact_id__in=ids)
            .select_related("action", "decided_by")
            .order_by("decided_on", "id")
        ):
            enforcement.setdefault(record.contact_id, []).append(record)
    for contact in contacts:
        contact.log_notes = notes.get(contact.pk, [])
        contact.log_enforcement = enforcement.get(contact.pk, [])


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
    rows = list(activity_contacts(person, filters, now)[start : offset + size + 1])
    before = rows.pop(0) if offset > 0 and rows else None
    after = rows[size] if len(rows) > size else None
    rows = rows[:size]
    attach_related(rows)

    days: list[Day] = []
    for contact in rows:
        day = timezone.localdate(contact.starts_at)
        if not days or days[-1].date != day:
            days.append(Day(day))
        days[-1].entries.append(_entry(contact, now))
    for day in days:
        day.entries.reverse()  # oldest first within a day
    if days and before is not None and timezone.localdate(before.starts_at) == days[0].date:
        days[0].continued_from_previous_page = True
    if days and after is not None and timezone.localdate(after.starts_at) == days[-1].date:
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
