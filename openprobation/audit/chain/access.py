"""Sealing access events into the access chain, in batches, away from the read path.

A case read writes one AccessEvent row and nothing else: chaining each read at the moment it is
written would make every read in the service queue for one lock. Instead ``seal_access_events``
(the ``seal_access_events`` command, run every few minutes) takes the events not sealed yet, in id
order, and appends one ``AccessSeal`` per batch holding each event's id and digest, chained to the
previous seal through the same locked ``ChainHead`` as the audit chain.

Only events older than ``SEAL_GRACE`` are sealed. PostgreSQL hands out ids before commit, so an
event with a lower id can become visible after one with a higher id; waiting until every event in a
batch is minutes old means no earlier id can still be in flight (requests never hold a transaction
open that long). An event that did commit later than that would sit inside a sealed range without
being in the seal, and the verifier reports it as an event added after sealing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import struct
from itertools import takewhile

from django.db import transaction
from django.utils import timezone

from openprobation.access.models import AccessEvent

from ..models import AccessSeal, ChainHead
from .canonical import row_digest
from .heads import locked_head

SEAL_GRACE = datetime.timedelta(minutes=5)
SEAL_BATCH = 5000
ENTRY = struct.Struct(">Q16s")  # event id, first 16 bytes of the SHA-256 of its canonical JSON


def access_fields() -> list[str]:
    """The AccessEvent columns a new seal covers: all of them, by column name."""
    return sorted(field.attname for field in AccessEvent._meta.concrete_fields)


def seal_hash(previous: str, *, seq: int, first_event_id: int, last_event_id: int, count: int,
              fields: list[str], digests: bytes) -> str:
    header = json.dumps(
        {"seq": seq, "first": first_event_id, "last": last_event_id, "count": count, "fields": fields},
        sort_keys=True, separators=(",", ":"),
    )
    digest = hashlib.sha256(f"{previous}\n{header}\n".encode())
    digest.update(digests)
    return digest.hexdigest()


def unpack(digests: bytes) -> list[tuple[int, bytes]]:
    return [ENTRY.unpack_from(digests, offset) for offset in range(0, len(digests), ENTRY.size)]


def seal_access_events(*, now: datetime.datetime | None = None, grace: datetime.timedelta = SEAL_GRACE,
                       batch_size: int = SEAL_BATCH) -> int:
    """Seal every access event older than ``grace``; return how many were sealed.

    Each batch is its own short transaction, so sealing a long backlog never holds the head for long.
    """
    cutoff = (now or timezone.now()) - grace
    fields = access_fields()
    sealed = 0
    while True:
        with transaction.atomic():
            head = locked_head(ChainHead.ACCESS)
            rows = list(
                AccessEvent.objects.filter(id__gt=head.last_event_id).order_by("id").values(*fields)[:batch_size]
            )
            ready = list(takewhile(lambda row: row["at"] <= cutoff, rows))
            if not ready:
                return sealed
            digests = b"".join(ENTRY.pack(row["id"], row_digest(row)) for row in ready)
            seal = AccessSeal(
                seq=head.seq + 1, first_event_id=ready[0]["id"], last_event_id=ready[-1]["id"], count=len(ready),
                fields=fields, digests=digests, sealed_at=timezone.now(),
            )
            seal.hash = seal_hash(head.hash, seq=seal.seq, first_event_id=seal.first_event_id,
                                  last_event_id=seal.last_event_id, count=seal.count, fields=fields, digests=digests)
            seal.save(force_insert=True)
            ChainHead.objects.filter(pk=head.pk).update(
                seq=seal.seq, hash=seal.hash, last_event_id=seal.last_event_id, updated_at=seal.sealed_at
            )
        sealed += len(ready)
        if len(ready) < batch_size:
            return sealed
