"""Verifying the chains: recompute every link and report the first one that does not hold."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldError

from openprobation.access.models import AccessEvent

from ..models import AccessSeal, AuditEvent, ChainHead
from .access import seal_hash as compute_seal_hash
from .access import unpack
from .audit import AUDIT_FIELDS
from .canonical import GENESIS, link_hash, row_digest

CHUNK = 2000


@dataclass(frozen=True)
class Break:
    """The first link that does not hold: which row, when, and what was expected and found there."""

    chain: str
    row: str  # "audit event 42 (position 41)", "access event 9001 (seal 3)"
    at: datetime.datetime | None
    expected: str
    found: str
    reason: str

    def __str__(self):
        when = f" at {self.at:%Y-%m-%d %H:%M:%S.%f %Z}" if self.at else ""
        return f"{self.chain} chain broken at {self.row}{when}: {self.reason}. Expected {self.expected}, found {self.found}."


@dataclass
class Report:
    chain: str
    checked: int = 0  # links (audit events, or access seals) verified
    events: int = 0  # events covered
    head_seq: int = 0
    head_hash: str = GENESIS
    unsealed: int = 0  # access events not sealed yet
    broken: Break | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


def _parse_anchor(anchor: str | None) -> tuple[int, str] | None:
    if not anchor:
        return None
    position, _, digest = anchor.partition(":")
    if not position.isdigit() or len(digest) != 64:
        raise ValueError("An anchor is POSITION:HASH, the position and 64-character hash the verifier printed.")
    return int(position), digest.lower()


def verify_audit_chain(*, anchor: str | None = None) -> Report:
    """Walk the audit events in chain order from the start (or from a trusted ``anchor``)."""
    report = Report(chain="audit")
    start = _parse_anchor(anchor)
    previous, expected_seq = GENESIS, 1
    rows = AuditEvent.objects.order_by("seq").values("id", "hash", *AUDIT_FIELDS)
    if start is not None:
        position, digest = start
        found = AuditEvent.objects.filter(seq=position).values("id", "at", "hash").first()
        if found is None or found["hash"] != digest:
            report.broken = Break(
                "audit", f"position {position}" + (f" (audit event {found['id']})" if found else ""),
                found["at"] if found else None, f"hash {digest}", f"hash {found['hash']}" if found else "no row",
                "the row at the anchor is not the one recorded when the anchor was taken",
            )
            return report
        previous, expected_seq = digest, position + 1
        rows = rows.filter(seq__gt=position)
    for row in rows.iterator(chunk_size=CHUNK):
        where = f"audit event {row['id']} (position {row['seq']})"
        if row["seq"] != expected_seq:
            report.broken = Break("audit", where, row["at"], f"position {expected_seq}", f"position {row['seq']}",
                                  "rows are missing before this one")
            return report
        computed = link_hash(previous, {name: row[name] for name in AUDIT_FIELDS})
        if computed != row["hash"]:
            report.broken = Break("audit", where, row["at"], f"hash {computed}", f"hash {row['hash']}",
                                  "this row, or its hash, was changed after it was written")
            return report
        previous, expected_seq = row["hash"], expected_seq + 1
        report.checked += 1
    report.events = report.checked
    report.head_seq, report.head_hash = expected_seq - 1, previous
    _check_head(report, ChainHead.AUDIT, "audit events")
    return report


def _check_head(report: Report, name: str, what: str) -> None:
    head = ChainHead.objects.filter(name=name).first()
    if head is None:
        if report.head_seq:
            report.broken = Break(report.chain, "the chain head", None, f"a head at position {report.head_seq}",
                                  "no head", "the chain head row was removed")
        return
    if (head.seq, head.hash) != (report.head_seq, report.head_hash):
        report.broken = Break(
            report.chain, "the chain head", head.updated_at,
            f"position {head.seq} with hash {head.hash}",
            f"the last {what} at position {report.head_seq} with hash {report.head_hash}",
            "the newest links were removed, or the head was changed",
        )


def verify_access_chain() -> Report:
    """Check every seal's link, then every sealed access event against its digest."""
    report = Report(chain="access")
    previous_hash, previous_last, expected_seq = GENESIS, 0, 1
    for seal in AccessSeal.objects.order_by("seq").iterator(chunk_size=50):
        where = f"seal {seal.seq} (access events {previous_last + 1}–{seal.last_event_id})"
        digests = bytes(seal.digests)
        if seal.seq != expected_seq:
            report.broken = Break("access", where, seal.sealed_at, f"seal {expected_seq}", f"seal {seal.seq}",
                                  "seals are missing before this one")
            return report
        computed = compute_seal_hash(previous_hash, seq=seal.seq, first_event_id=seal.first_event_id,
                                     last_event_id=seal.last_event_id, count=seal.count, fields=seal.fields,
                                     digests=digests)
        if computed != seal.hash:
            report.broken = Break("access", where, seal.sealed_at, f"hash {computed}", f"hash {seal.hash}",
                                  "the seal was changed after it was made")
            return report
        broken = _check_sealed_events(seal, previous_last, unpack(digests))
        if broken:
            report.broken = broken
            return report
        previous_hash, previous_last, expected_seq = seal.hash, seal.last_event_id, expected_seq + 1
        report.checked += 1
        report.events += seal.count
    report.head_seq, report.head_hash = expected_seq - 1, previous_hash
    _check_head(report, ChainHead.ACCESS, "seal")
    report.unsealed = AccessEvent.objects.filter(id__gt=previous_last).count()
    return report


def _check_sealed_events(seal: AccessSeal, after_id: int, entries: list[tuple[int, bytes]]) -> Break | None:
    try:
        rows = list(
            AccessEvent.objects.filter(id__gt=after_id, id__lte=seal.last_event_id)
            .order_by("id").values(*seal.fields)
        )
    except FieldError as error:
        return Break("access", f"seal {seal.seq}", seal.sealed_at, f"columns {', '.join(seal.fields)}",
                     str(error), "a column the seal covers no longer exists")
    for index in range(max(len(rows), len(entries))):
        row = rows[index] if index < len(rows) else None
        entry = entries[index] if index < len(entries) else None
        if entry is None or (row is not None and row["id"] < entry[0]):
            return Break("access", f"access event {row['id']} (seal {seal.seq})", row["at"], "no such event",
                         f"event {row['id']}", "an event was added inside a range that was already sealed")
        if row is None or row["id"] > entry[0]:
            return Break("access", f"access event {entry[0]} (seal {seal.seq})", None, f"event {entry[0]}",
                         "no such event", "a sealed event was removed")
        digest = row_digest(row)
        if digest != entry[1]:
            return Break("access", f"access event {row['id']} (seal {seal.seq})", row["at"],
                         f"digest {entry[1].hex()}", f"digest {digest.hex()}",
                         "the event was changed after it was sealed")
    return None
