"""The shapes the subject access export is made of, and how one database row becomes plain JSON-ready data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone


@dataclass
class Section:
    key: str  # file name without .json
    title: str
    rows: list[dict]
    note: str = ""


@dataclass
class Withheld:
    kind: str
    date: str
    reason: str


def plain(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def row(obj, *, leave_out=()) -> dict:
    """Every column of ``obj``: choices with their label, links with what they point at when loaded."""
    data = {}
    for column in obj._meta.concrete_fields:
        if column.name in leave_out:
            continue
        if column.is_relation:
            target_id = getattr(obj, column.attname)
            cached = column.get_cached_value(obj, default=None) if target_id is not None else None
            data[column.name] = None if target_id is None else (
                {"id": target_id, "name": str(cached)} if cached is not None else {"id": target_id}
            )
            continue
        value = getattr(obj, column.attname)
        if column.choices and value not in (None, ""):
            data[column.name] = {"code": value, "label": str(dict(column.flatchoices).get(value, value))}
        else:
            data[column.name] = plain(value)
    return data


def coded(code: str, label: str):
    """A code from a record's own list (a register type's levels, say) shown like a choice: with its label."""
    return {"code": code, "label": label} if code else code


def local_date(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def grouped(rows, key: str, *, leave_out=()) -> dict[int, list[dict]]:
    """Rows of a child table by their parent's id (``key`` is the link's attribute name, e.g. ``referral_id``)."""
    found: dict[int, list[dict]] = {}
    for child in rows:
        found.setdefault(getattr(child, key), []).append(row(child, leave_out=leave_out))
    return found
