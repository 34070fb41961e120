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
    with transaction.atomic():
        head = locked_head(ChainHead.AUDIT)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            verb=verb,
            crn=crn,
            object_type=object_type,
            object_id=object_id,
            summary=normalise_json(summary),
            seq=head.seq + 1,
        )
        event.hash = link_hash(head.hash, audit_row(event))
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash, updated_at=event.at)
    return event
