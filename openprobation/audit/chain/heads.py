"""The head of each chain, locked by every writer so that links are added in one strict order.

PostgreSQL: ``SELECT ... FOR UPDATE`` on the head row makes parallel writers (any number of web
processes and workers) queue for it; the lock is held until the writer's transaction commits or
rolls back, so a link and the head that points at it always commit together, and a rolled-back
action leaves no link behind. The position (``seq``) is unique in the database as well, so even a
writer that bypassed the lock could not fork the chain: its insert would fail.

SQLite: ``FOR UPDATE`` is ignored, but the project opens every transaction as ``IMMEDIATE``, which
takes the database's single write lock at ``BEGIN``: writers are already one at a time.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import AccessSeal, AuditEvent, ChainHead
from .canonical import GENESIS


def _start(name: str) -> ChainHead:
    """A head for a chain that has none: empty, or (after a restore without it) at the last link."""
    if name == ChainHead.AUDIT:
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        return ChainHead(name=name, seq=last["seq"], hash=last["hash"]) if last else ChainHead(name=name)
    last = AccessSeal.objects.order_by("-seq").values("seq", "hash", "last_event_id").first()
    if last:
        return ChainHead(name=name, seq=last["seq"], hash=last["hash"], last_event_id=last["last_event_id"])
    return ChainHead(name=name, seq=0, hash=GENESIS)


def locked_head(name: str) -> ChainHead:
    """The head row of chain ``name``, locked until the end of the current transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked_head() must be called inside transaction.atomic().")
    head = ChainHead.objects.select_for_update().filter(name=name).first()
    if head is None:
        try:
            with transaction.atomic():
                _start(name).save(force_insert=True)
        except IntegrityError:
            pass  # another writer created it first: lock theirs
        head = ChainHead.objects.select_for_update().get(name=name)
    return head
