"""The canonical form of a row that the chain hashes cover.

A row is hashed as a JSON object with sorted keys and no spaces, datetimes in UTC with microseconds,
and JSON values normalised the way both databases give them back (a float with no fraction becomes
an integer: PostgreSQL's jsonb reads ``1.0`` back as ``1``). The hash of a link is SHA-256 over the
previous link's hash, a newline and that JSON, so the first altered row breaks the chain there.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def _normalise(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    return value


def normalise_json(value: Any) -> Any:
    """``value`` as it will read back from a JSON column (dates as strings, Decimals as strings)."""
    return _normalise(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def utc_timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return utc_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return _normalise(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # IP addresses, UUIDs, Decimals


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(
        {key: _scalar(value) for key, value in row.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )


def link_hash(previous: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(row)}".encode()).hexdigest()


def row_digest(row: dict[str, Any]) -> bytes:
    """The 16-byte digest of one access event inside a seal."""
    return hashlib.sha256(canonical(row).encode()).digest()[:16]
