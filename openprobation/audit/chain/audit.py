"""Appending an AuditEvent to its chain."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, ChainHead
from .canonical import link_hash, normalise_json
from .heads import locked_head

# The columns each link's hash covers, in the order the verifier reads them.
AUDIT_FIELDS = ("seq", "at", "actor_id", "verb", "crn", "object_type", "object_id", "summary")


def audit_row(event) -> dict:
    return {name: getattr(event, name) for name in AUDIT_FIELDS}


def append_audit_event(*, actor, verb: str, crn: str, object_type: str, object_id: str, summary: dict) -> AuditEvent:
    """Write one AuditEvent as the next link of the audit chain, in the caller's transaction."""
    return append_audit_events([dict(actor=actor, verb=verb, crn=crn, object_type=object_type,
                                     object_id=object_id, summary=summary)])[0]


def append_audit_events(entries: list[dict]) -> list[AuditEvent]:
    """Write AuditEvents (each given as ``actor``, ``verb``, ``crn``, ``object_type``, ``object_id`` and
    ``summary``) as the next links of the audit chain, in the order given, in the caller's transaction.

    Three queries however many: the head locked once, every link hashed in turn in Python, the events
    inserted together and the head moved once. The chain is the same as appending them one by one.
    """
    if not entries:
        return []
    with transaction.atomic():
        head = locked_head(ChainHead.AUDIT)
        at = timezone.now()
        seq, previous = head.seq, head.hash
        events = []
        for entry in entries:
            seq += 1
            event = AuditEvent(at=at, seq=seq, **{**entry, "summary": normalise_json(entry["summary"])})
            event.hash = previous = link_hash(previous, audit_row(event))
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=previous, updated_at=at)
    return events
