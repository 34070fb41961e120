"""Showing one field's value in a version, and the differences between two versions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone

from openprobation.core.calendar import format_date

BLANK = "(blank)"


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the record was created (or first versioned) here
    after: str | None  # None: the record was deleted here


def display(field: models.Field, value, labels: dict) -> str:
    """A value as a user reads it: choices by their label, links by what they point at, dates in words."""
    if value is None or value == "":
        return BLANK
    if field.is_relation:
        target = labels.get((field.related_model, value))
        return str(target) if target is not None else f"{field.related_model._meta.verbose_name} {value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return f"{format_date(local.date())} at {local:%H:%M}"
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def label(field: models.Field) -> str:
    name = str(field.verbose_name)
    return name[:1].upper() + name[1:]


def shown_fields(tracked, history_model) -> list[models.Field]:
    """The original model's fields a version carries, less the bookkeeping columns the user need not see."""
    return [field for field in history_model.tracked_fields if field.name not in tracked.hidden and field.name != "id"]


def differences(fields, version, previous, labels: dict) -> list[Change]:
    """What changed from ``previous`` to ``version``: every field that differs, or every filled-in field of
    a first version. A deletion lists nothing: the entry itself says the record was deleted."""
    if version.history_type == "-":
        return []
    changes = []
    for field in fields:
        after = getattr(version, field.attname)
        if previous is None:
            if after is None or after == "":
                continue
            changes.append(Change(label(field), None, display(field, after, labels)))
            continue
        before = getattr(previous, field.attname)
        if before != after:
            changes.append(Change(label(field), display(field, before, labels),
                                  display(field, after, labels)))
    return changes
