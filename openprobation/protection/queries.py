"""Read models for the risk flags page, and the registration-derived inputs of the tier."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max

from openprobation.assessments.rules import tier

from .models import Registration


@dataclass(frozen=True)
class RegistrationRow:
    """A registration as plain data: what the tier needs to know about one flag."""

    code: str
    level: str
    category: str
    registered_on: datetime.date
    deregistered_on: datetime.date | None = None

    def active_on(self, day: datetime.date) -> bool:
        return self.registered_on <= day and (self.deregistered_on is None or self.deregistered_on > day)


def registrations_for_tier(rows, on: datetime.date) -> tuple[tier.Registration, ...]:
    """The flags active on `on`, shaped as the tier reads them (nDelius codes; empty level -> None).

    Pure: give it `RegistrationRow`s. A flag registered after `on`, or removed on or before it, does
    not count, so a past tier can be recalculated as it stood.
    """
    return tuple(
        tier.Registration(code=row.code, level=row.level or None, category=row.category or None,
                          date=row.registered_on)
        for row in rows if row.active_on(on)
    )


def tier_registrations(person, on: datetime.date) -> tuple[tier.Registration, ...]:
    """The person's registrations as tier inputs on `on` (one query)."""
    rows = Registration.objects.filter(person=person, registered_on__lte=on).values_list(
        "register_type__code", "level", "category", "registered_on", "deregistered_on")
    return registrations_for_tier((RegistrationRow(*row) for row in rows), on)


@dataclass(frozen=True)
class CaseFlags:
    active: list  # Registration, annotated with review_count and last_reviewed_on
    removed: list
    mappa: Registration | None
    overdue: int
    today: datetime.date

    @property
    def overdue_message(self) -> str:
        if self.overdue == 1:
            return "1 flag review is overdue"
        return f"{self.overdue} flag reviews are overdue"


def case_flags(person, today: datetime.date) -> CaseFlags:
    """Every flag on the case in register order, with review counts: one query whatever the number."""
    rows = list(
        Registration.objects.filter(person=person)
        .select_related("register_type", "registered_by", "deregistered_by")
        .annotate(review_count=Count("reviews"), last_reviewed_on=Max("reviews__reviewed_on"))
        .order_by("register_type__sort_order", "-registered_on", "-pk")
    )
    for row in rows:
        row.overdue = row.review_overdue(today)
    active = [r for r in rows if r.active]
    removed = sorted((r for r in rows if not r.active), key=lambda r: (r.deregistered_on, r.pk), reverse=True)
    return CaseFlags(
        active=active, removed=removed, mappa=next((r for r in active if r.register_type.code == "MAPP"), None),
        overdue=sum(r.overdue for r in active), today=today,
    )
