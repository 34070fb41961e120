"""Bring a batch of alerts in line with what a sweep found, at a fixed cost for everything unchanged.

A sweep examines many subjects (say 2,000 referrals) and finds some of them at risk. ``sync_alerts``
reads the open alerts and the latest closures for the whole batch in two queries, then writes only what
differs, through ``raise_alert`` (so creating, refreshing and escalating behave exactly as when an
action raises an alert). Unchanged alerts cost nothing more, so a daily sweep over a national caseload
costs a fixed number of queries per batch plus a few per alert that actually changed.

A decision answers the problem it was made about: a subject whose alert was closed after the
problem's ``onset`` is not raised again until something new goes wrong (a later onset).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.utils import timezone

from .actions import raise_alert, severity_rank
from .models import Alert

CLEARED_NEXT_STEP = (
    "The daily check no longer finds this problem. Check that it is resolved, then close the alert with the "
    "decision ‘Resolved: the cause no longer applies’."
)


@dataclass(frozen=True)
class AlertSpec:
    """One alert a sweep wants open. ``owner`` and ``escalate_to`` are users."""

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


def plain(evidence: dict | None) -> dict:
    """Evidence as it will read back from the database (dates as ISO strings), for comparisons."""
    return json.loads(json.dumps(evidence or {}, cls=DjangoJSONEncoder))


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


def sync_alerts(*, reason: str, examined: dict[str, int], specs: list[AlertSpec], today: date) -> Counter:
    """Make the open alerts of ``reason`` for the ``examined`` subjects ({subject_key: person_id}) match ``specs``.

    Returns counts: raised, refreshed, escalated, unchanged, suppressed (answered by a decision already),
    cleared (open, but the sweep no longer finds the problem; marked so, never closed without a decision).
    """
    counts: Counter = Counter()
    person_ids = set(examined.values())
    # By person and reason only (the leading columns of the open-alert index), keeping the examined subjects
    # in Python: an IN list on both person and subject makes SQLite probe every pair.
    wanted_keys = {(person_id, key) for key, person_id in examined.items()}
    open_alerts = {
        (a.person_id, a.subject_key): a
        for a in Alert.objects.filter(reason=reason, person_id__in=person_ids, closed_at__isnull=True)
        if (a.person_id, a.subject_key) in wanted_keys
    }
    closed = {
        (row["person_id"], row["subject_key"]): row["last"]
        for row in Alert.objects.filter(reason=reason, person_id__in=person_ids, closed_at__isnull=False)
        .values("person_id", "subject_key").annotate(last=Max("closed_at"))
        if (row["person_id"], row["subject_key"]) in wanted_keys
    }
    wanted = set()
    for spec in specs:
        key = (spec.person.pk, spec.subject_key)
        wanted.add(key)
        existing = open_alerts.get(key)
        if existing is not None and _unchanged(existing, spec):
            counts["unchanged"] += 1
            continue
        last_closed = closed.get(key)
        if existing is None and last_closed is not None and timezone.localdate(last_closed) >= spec.onset:
            counts["suppressed"] += 1
            continue
        was_escalated = existing is not None and existing.escalated_to_id is not None
        alert, created = raise_alert(
            spec.person, reason=reason, subject_key=spec.subject_key, owner=spec.owner, due=spec.due,
            title=spec.title, summary=spec.summary, next_step=spec.next_step, evidence=spec.evidence,
            severity=spec.severity, escalate_to=spec.escalate_to, escalation_reason=spec.escalation_reason,
        )
        counts["raised" if created else "refreshed"] += 1
        if spec.escalate_to is not None and not was_escalated:
            counts["escalated"] += 1
    for key, alert in open_alerts.items():
        if key in wanted or "cleared_on" in alert.evidence:
            continue
        alert.evidence = {**alert.evidence, "cleared_on": today.isoformat()}
        alert.next_step = CLEARED_NEXT_STEP
        alert.save(update_fields=["evidence", "next_step", "updated_at"])
        counts["cleared"] += 1
    return counts
