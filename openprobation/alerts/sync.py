"""Bring a batch of alerts in line with what a sweep found, at a fixed cost for everything unchanged.

A sweep examines many subjects (say 2,000 referrals, or every alert reason of 2,000 people) and finds some
of them wanting an alert. The functions here read the open alerts of the whole batch in one query, then
write only what differs:

- an unchanged alert costs nothing more (no query, no write, no audit event);
- a changed one is refreshed through ``raise_alert`` (so refreshing and escalating behave exactly as when an
  action raises an alert: never a lower severity, never a later due date, escalated once, audited);
- new ones are created in bulk, a chunk at a time in one transaction each, with the version history
  ``save()`` would have written and one ``alert_raised`` audit event each, appended to the chain together
  (``audit.record.record_written``); the latest closures are read, once per batch, only when something new
  is wanted.

A decision answers the problem it was made about: a subject whose alert was closed on or after the
problem's ``onset`` is not raised again until something new goes wrong (a later onset).

An open alert whose problem the sweep no longer finds is marked (``evidence.cleared_on`` and a next step
asking for the decision "Resolved"), never closed by the machine. A wanted alert whose case has nobody to
own it (``owner`` None) is counted ``no_owner`` and left as it is: the problem is still there.

Two ways to say what was examined:

- ``sync_alerts(reason=, examined={subject_key: person_id}, ...)``: those subjects of one reason;
- ``sync_people_alerts(reasons=, people=Q(person_id...), ...)``: every open alert of those reasons for the
  people in ``people`` (``person_batches`` makes such batches), for sweeps that check everything about a
  person.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from openprobation.audit.record import record_written

from .actions import raise_alert, severity_rank
from .models import Alert

CLEARED_NEXT_STEP = (
    "The daily check no longer finds this problem. Check that it is resolved, then close the alert with the "
    "decision ‘Resolved: the cause no longer applies’."
)
# New alerts per transaction: each holds the audit chain's head while it writes its events, so keep it short.
CREATE_CHUNK = 200
PERSON_BATCH = 2000


@dataclass(frozen=True)
class AlertSpec:
    """One alert a sweep wants open. ``owner`` and ``escalate_to`` are users (``owner`` None: nobody to own
    it, so nothing is written). ``reason`` may be left empty when the sync call names one reason."""

    person: object
    subject_key: str
    owner: object
    due: date
    title: str
    summary: str
    next_step: str
    onset: date
    severity: str = "high"
    evidence: dict = field(default_factory=dict)
    escalate_to: object = None
    escalation_reason: str = ""
    reason: str = ""


def plain(evidence: dict | None) -> dict:
    """Evidence as it will read back from the database (dates as ISO strings), for comparisons."""
    return json.loads(json.dumps(evidence or {}, cls=DjangoJSONEncoder))


def person_batches(person_ids=None, batch_size: int = PERSON_BATCH) -> Iterator[Q]:
    """Batches of people as filters on ``person_id``: ranges of consecutive person ids (one index-only query
    each), or chunks of the given ids."""
    if person_ids is not None:
        ids = sorted(set(person_ids))
        for start in range(0, len(ids), batch_size):
            yield Q(person_id__in=ids[start:start + batch_size])
        return
    from openprobation.people.models import Person

    last = 0
    while True:
        ids = list(Person.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return
        yield Q(person_id__gte=ids[0], person_id__lte=ids[-1])
        last = ids[-1]


def _unchanged(alert: Alert, spec: AlertSpec) -> bool:
    return (
        alert.title == spec.title
        and alert.summary == spec.summary
        and alert.next_step == spec.next_step
        and alert.evidence == plain(spec.evidence)
        and severity_rank(spec.severity) <= severity_rank(alert.severity)
        and spec.due >= alert.due
        and not (spec.escalate_to is not None and alert.escalated_to_id is None)
    )


def sync_alerts(*, reason: str, examined: dict[str, int], specs: list[AlertSpec], today: date,
                clear: bool = True) -> Counter:
    """Make the open alerts of ``reason`` for the ``examined`` subjects ({subject_key: person_id}) match ``specs``.

    Returns counts: raised, refreshed, escalated, unchanged, suppressed (answered by a decision already),
    cleared (open, but the sweep no longer finds the problem; marked so, never closed without a decision),
    no_owner (wanted, but nobody to own it).
    """
    person_ids = set(examined.values())
    # By person and reason only (the leading columns of the open-alert index), keeping the examined subjects
    # in Python: an IN list on both person and subject makes SQLite probe every pair.
    wanted_keys = {(person_id, reason, key) for key, person_id in examined.items()}
    open_alerts = {
        key: a
        for a in Alert.objects.filter(reason=reason, person_id__in=person_ids, closed_at__isnull=True)
        if (key := (a.person_id, a.reason, a.subject_key)) in wanted_keys
    }
    specs = [spec if spec.reason else replace(spec, reason=reason) for spec in specs]
    return _apply(open_alerts, specs, today, clear={reason} if clear else set())


def sync_people_alerts(*, reasons: Iterable[str], people: Q, specs: list[AlertSpec], today: date,
                       clear: Iterable[str] | None = None) -> Counter:
    """Make the open alerts of ``reasons`` for the people in ``people`` (a filter on ``person_id``) match
    ``specs`` (each naming its reason): every open alert of those reasons for those people was examined.

    ``clear`` lists the reasons whose unwanted open alerts are marked cleared (default: all of ``reasons``).
    Counts as ``sync_alerts``.
    """
    reasons = set(reasons)
    open_alerts = {
        (a.person_id, a.reason, a.subject_key): a
        for a in Alert.objects.filter(people, reason__in=reasons, closed_at__isnull=True)
    }
    for spec in specs:
        if spec.reason not in reasons:
            raise ValueError(f"An alert spec for {spec.reason!r} is outside the reasons examined")
    return _apply(open_alerts, specs, today, clear=reasons if clear is None else set(clear) & reasons)


def _apply(open_alerts: dict, specs: list[AlertSpec], today: date, *, clear: set[str]) -> Counter:
    counts: Counter = Counter()
    wanted, new = set(), []
    for spec in specs:
        key = (spec.person.pk, spec.reason, spec.subject_key)
        if key in wanted:
            continue  # the first spec for a subject wins
        wanted.add(key)
        if spec.owner is None:
            counts["no_owner"] += 1
            continue
        existing = open_alerts.get(key)
        if existing is None:
            new.append(spec)
        elif _unchanged(existing, spec):
            counts["unchanged"] += 1
        else:
            _raise_one(spec, counts, was_escalated=existing.escalated_to_id is not None)
    if new:
        _create(_not_answered(new, counts), counts)
    for key, alert in open_alerts.items():
        if key in wanted or alert.reason not in clear or "cleared_on" in alert.evidence:
            continue
        alert.evidence = {**alert.evidence, "cleared_on": today.isoformat()}
        alert.next_step = CLEARED_NEXT_STEP
        alert.save(update_fields=["evidence", "next_step", "updated_at"])
        counts["cleared"] += 1
    return counts


def _raise_one(spec: AlertSpec, counts: Counter, *, was_escalated: bool) -> None:
    """Through ``raise_alert``: a refresh of the open alert, or (after a race) a creation."""
    _, created = raise_alert(
        spec.person, reason=spec.reason, subject_key=spec.subject_key, owner=spec.owner, due=spec.due,
        title=spec.title, summary=spec.summary, next_step=spec.next_step, evidence=spec.evidence,
        severity=spec.severity, escalate_to=spec.escalate_to, escalation_reason=spec.escalation_reason,
    )
    counts["raised" if created else "refreshed"] += 1
    if spec.escalate_to is not None and not was_escalated:
        counts["escalated"] += 1


def _not_answered(new: list[AlertSpec], counts: Counter) -> list[AlertSpec]:
    """The new specs whose subject has no decision made on or after its onset (one query)."""
    keys = {(s.person.pk, s.reason, s.subject_key) for s in new}
    closed = {
        key: row["last"]
        for row in Alert.objects.filter(person_id__in={s.person.pk for s in new}, reason__in={s.reason for s in new},
                                        closed_at__isnull=False)
        .values("person_id", "reason", "subject_key").annotate(last=Max("closed_at"))
        if (key := (row["person_id"], row["reason"], row["subject_key"])) in keys
    }
    kept = []
    for spec in new:
        last = closed.get((spec.person.pk, spec.reason, spec.subject_key))
        if last is not None and timezone.localdate(last) >= spec.onset:
            counts["suppressed"] += 1
        else:
            kept.append(spec)
    return kept


def _create(specs: list[AlertSpec], counts: Counter) -> None:
    """Create the alerts in chunks: each chunk's alerts, their versions and audit events in one transaction.
    A chunk that meets an alert raised meanwhile (the one-open-alert constraint) is redone one alert at a time
    through ``raise_alert``, which refreshes that one instead."""
    for start in range(0, len(specs), CREATE_CHUNK):
        chunk = specs[start:start + CREATE_CHUNK]
        try:
            with transaction.atomic():
                now = timezone.now()
                alerts = [
                    Alert(person=s.person, reason=s.reason, subject_key=s.subject_key, title=s.title,
                          summary=s.summary, next_step=s.next_step, evidence=plain(s.evidence), severity=s.severity,
                          owner=s.owner, due=s.due, escalated_to=s.escalate_to,
                          escalated_at=now if s.escalate_to is not None else None,
                          escalation_reason=s.escalation_reason if s.escalate_to is not None else "")
                    for s in chunk
                ]
                Alert.objects.bulk_create(alerts)
                Alert.history.bulk_history_create(alerts)  # the version create() would have written
                record_written("alert_raised", [
                    (alert, s.person.crn, {"reason": s.reason, "subject": s.subject_key, "owner": s.owner.pk,
                                           "escalated_to": getattr(s.escalate_to, "pk", None)})
                    for alert, s in zip(alerts, chunk, strict=True)
                ], by=None)
        except IntegrityError:
            for s in chunk:
                _raise_one(s, counts, was_escalated=False)
            continue
        counts["raised"] += len(chunk)
        counts["escalated"] += sum(1 for s in chunk if s.escalate_to is not None)

