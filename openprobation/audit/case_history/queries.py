"""The history read model: one page of a case's actions (AuditEvents) and record versions, newest first.

``history_page(person, show=..., page=...)`` costs a fixed number of queries, whatever the length of the
history: one for the page's index (a UNION over the audit events and the eleven version tables, ordered by
time, reading one row past the page to know whether there is a next page, never counting the whole set),
then at most, for each kind of record on the page, one for its versions and one for the versions before
them, and one per kind of linked record the page names (a practitioner, a contact type), plus the actions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value

from openprobation.sentences.models import Sentence
from openprobation.supervision.models import Contact

from ..history import BY_KEY, BY_MODEL, TRACKED, Tracked
from ..models import AuditEvent
from .values import Change, differences, shown_fields

DEFAULT_PAGE_SIZE = 25
ACTIONS = "actions"
CHANGES = "changes"
# What str() of a linked record reads, fetched with it so that naming it costs no query of its own.
LABEL_RELATED = {
    "supervision.contact": ("contact_type",),
    "sentences.sentence": ("sentence_type",),
    "sentences.requirement": ("requirement_type",),
    "sentences.event": ("person",),
    "alerts.alert": ("person",),
}
TYPE_WORDS = {"+": "added", "~": "changed", "-": "deleted"}


def page_size() -> int:
    return int(getattr(settings, "OPENPROBATION", {}).get("HISTORY_PAGE_SIZE", DEFAULT_PAGE_SIZE))


def show_choices() -> list[tuple[str, str]]:
    return [("", "Everything"), (ACTIONS, "Actions only"), (CHANGES, "Record changes only")] + [
        (tracked.key, f"Changes to: {tracked.label.lower()}") for tracked in TRACKED
    ]


@dataclass
class Entry:
    kind: str  # "action" or "version"
    at: datetime.datetime
    who: object  # a user, or None for the system
    title: str
    about: str = ""  # which record
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # an action's summary
    reason: str = ""  # the action that wrote a version, when known
    sensitive: bool = False
    deleted: bool = False


@dataclass
class HistoryPage:
    entries: list[Entry]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.entries) - 1


# --- which rows belong to the case ------------------------------------------------------------------


def versions_of(tracked: Tracked, person):
    """Every version of every record of this kind that belongs to ``person``, deleted records included."""
    versions = tracked.model.history.model.objects
    if tracked.link == "self":
        return versions.filter(id=person.pk)
    if tracked.link == "person":
        return versions.filter(person_id=person.pk)
    if tracked.link == "sentence":
        current = Sentence.objects.filter(person_id=person.pk).values("id")
        former = Sentence.history.model.objects.filter(person_id=person.pk).values("id")
        return versions.filter(Q(sentence_id__in=current) | Q(sentence_id__in=former))
    current = Contact.objects.filter(person_id=person.pk).values("id")
    former = Contact.history.model.objects.filter(person_id=person.pk).values("id")
    return versions.filter(Q(contact_id__in=current) | Q(contact_id__in=former))


def _index(person, show: str):
    def tag(queryset, source, ref, when):
        return queryset.annotate(
            source=Value(source, output_field=CharField()), ref=F(ref), when=F(when)
        ).values_list("source", "ref", "when")

    parts = []
    if show in ("", ACTIONS):
        parts.append(tag(AuditEvent.objects.filter(crn=person.crn).order_by(), "action", "id", "at"))
    for tracked in TRACKED:
        if show in ("", CHANGES, tracked.key):
            parts.append(tag(versions_of(tracked, person).order_by(), tracked.key, "history_id", "history_date"))
    index = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return index.order_by("-when", "source", "-ref")


# --- the page ---------------------------------------------------------------------------------------


def history_page(person, *, show: str = "", page: int = 1, size: int | None = None) -> HistoryPage:
    size = size or page_size()
    start = (page - 1) * size
    rows = list(_index(person, show)[start:start + size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    wanted = defaultdict(list)
    for source, ref, _when in rows:
        wanted[source].append(ref)

    actions = (
        AuditEvent.objects.select_related("actor").in_bulk(wanted.pop("action")) if "action" in wanted else {}
    )
    versions, previous = {}, {}
    for key, refs in wanted.items():
        found, before = _versions_with_previous(BY_KEY[key], refs)
        versions[key], previous[key] = found, before
    labels = _labels(versions, previous)

    entries = []
    for source, ref, _when in rows:
        if source == "action":
            entries.append(_action_entry(actions[ref]))
        else:
            tracked = BY_KEY[source]
            version = versions[source][ref]
            entries.append(_version_entry(tracked, version, previous[source].get(version.prev_id), labels))
    return HistoryPage(entries=entries, number=page, size=size, has_next=has_next)


def _versions_with_previous(tracked: Tracked, refs: list[int]):
    """The page's versions of one kind, each annotated with the id of the version before it; and those."""
    history_model = tracked.model.history.model
    earlier = history_model.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    ).order_by("-history_date", "-history_id").values("history_id")[:1]
    found = history_model.objects.select_related("history_user").annotate(prev_id=Subquery(earlier)).in_bulk(refs)
    prev_ids = [version.prev_id for version in found.values() if version.prev_id is not None]
    before = history_model.objects.in_bulk(prev_ids) if prev_ids else {}
    return found, before


def _labels(versions: dict, previous: dict) -> dict:
    """Every record the page's versions link to, fetched once per kind: {(model, pk): record}."""
    wanted = defaultdict(set)
    for key, found in versions.items():
        tracked = BY_KEY[key]
        fields = [f for f in tracked.model.history.model.tracked_fields if f.is_relation]
        for version in [*found.values(), *previous[key].values()]:
            for relation in fields:
                value = getattr(version, relation.attname)
                if value is not None:
                    wanted[relation.related_model].add(value)
        if tracked.model is Contact:  # whether each contact is sensitive now
            wanted[Contact].update(version.id for version in found.values())
    labels = {}
    for model, ids in wanted.items():
        queryset = model._default_manager.all()
        if model._meta.label_lower in LABEL_RELATED:
            queryset = queryset.select_related(*LABEL_RELATED[model._meta.label_lower])
        for pk, record in queryset.in_bulk(ids).items():
            labels[(model, pk)] = record
    return labels


def _action_entry(event: AuditEvent) -> Entry:
    summary = event.summary if isinstance(event.summary, dict) else {"summary": event.summary}
    details = []
    before, after = summary.get("before"), summary.get("after")
    changes = []
    if isinstance(before, dict) and isinstance(after, dict):
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                changes.append(Change(_words(name), _plain(before.get(name)), _plain(after.get(name))))
    elif before is not None or after is not None:
        changes.append(Change("Value", _plain(before), _plain(after)))
    for name, value in summary.items():
        if name not in ("before", "after"):
            details.append((_words(name), _plain(value)))
    return Entry(kind="action", at=event.at, who=event.actor, title=_words(event.verb),
                 about=_kind_of(event.object_type), changes=changes, details=details)


def _kind_of(object_type: str) -> str:
    """'supervision.contact' -> 'Contact': what kind of record an action was about."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    tracked = BY_MODEL.get(model)
    return tracked.label if tracked else _words(str(model._meta.verbose_name))


def _version_entry(tracked: Tracked, version, previous, labels: dict) -> Entry:
    history_model = tracked.model.history.model
    changes = differences(shown_fields(tracked, history_model), version, previous, labels)
    word = TYPE_WORDS.get(version.history_type, "changed")
    if previous is None and version.history_type == "~":
        word = "recorded"  # the first version kept of a record made before versions were kept
    return Entry(
        kind="version", at=version.history_date, who=version.history_user, title=f"{tracked.label} {word}",
        about=_describe(tracked, version, labels), changes=changes,
        reason=_words(version.history_change_reason or ""),
        sensitive=_sensitive(tracked, version, previous, labels), deleted=version.history_type == "-",
    )


def _describe(tracked: Tracked, version, labels: dict) -> str:
    """The record as it was in this version, named the way its own pages name it."""
    history_model = tracked.model.history.model
    instance = tracked.model(**{f.attname: getattr(version, f.attname) for f in history_model.tracked_fields})
    for relation in history_model.tracked_fields:
        if not relation.is_relation:
            continue
        value = getattr(version, relation.attname)
        if value is None:
            continue
        target = labels.get((relation.related_model, value))
        if target is None:
            return f"{tracked.label} {version.id}"  # a linked record is gone: do not go looking for it
        relation.set_cached_value(instance, target)
    return str(instance)


def _sensitive(tracked: Tracked, version, previous, labels: dict) -> bool:
    if tracked.model is Contact:
        now = labels.get((Contact, version.id))
        return bool(version.sensitive or (previous and previous.sensitive) or (now and now.sensitive))
    if tracked.model._meta.label_lower == "supervision.contactnote":
        contact = labels.get((Contact, version.contact_id))
        return bool(version.sensitive or (previous and previous.sensitive) or (contact and contact.sensitive))
    return False


def _words(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _plain(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{_words(k)}: {_plain(v)}" for k, v in value.items()) or "(none)"
    return str(value)
