"""Working days in England and Wales.

Probation deadlines are set in working days (5 for absence evidence, 10 for a breach pack), so every
rule that computes a deadline goes through one calendar: Monday to Friday, less the bank holidays of
England (Wales shares them), as published by the ``holidays`` package.

The package lists a holiday that falls at a weekend on its own date *and* adds the substitute
weekday ("Boxing Day (observed)").  Only weekday dates can change a working-day sum, so the weekend
entry is harmless.

A calendar can be adjusted without waiting for a package release: ``extra_holidays`` adds
non-working days (a one-off bank holiday announced late, or a local closure), ``removed_holidays``
drops dates the package lists that should not count.
"""

from __future__ import annotations

import calendar as gregorian
import functools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import holidays

EXTRA_HOLIDAY_NAME = "Additional non-working day"

# date(1, 1, 1) has ordinal 1 and is a Monday, which makes weekday counting a matter of arithmetic.
_DAYS_PER_WEEK = 7
_WORKING_DAYS_PER_WEEK = 5


def _weekdays_up_to(d: date) -> int:
    """Number of Mondays-to-Fridays from 1 January of year 1 up to and including ``d``."""
    weeks, remainder = divmod(d.toordinal(), _DAYS_PER_WEEK)
    return weeks * _WORKING_DAYS_PER_WEEK + min(remainder, _WORKING_DAYS_PER_WEEK)


def _is_weekday(d: date) -> bool:
    return d.weekday() < _WORKING_DAYS_PER_WEEK


class WorkingDayCalendar:
    """England and Wales working days: weekdays that are not bank holidays.

    Bank holidays are loaded from the ``holidays`` package one year at a time, the first time a date
    in that year is asked about, and kept for the life of the calendar.
    """

    def __init__(
        self,
        extra_holidays: Iterable[date] | Mapping[date, str] = frozenset(),
        removed_holidays: Iterable[date] = frozenset(),
    ) -> None:
        if isinstance(extra_holidays, Mapping):
            extra_names = {d: str(name) for d, name in extra_holidays.items()}
        else:
            extra_names = dict.fromkeys(extra_holidays, EXTRA_HOLIDAY_NAME)
        removed = frozenset(removed_holidays)
        clash = removed & extra_names.keys()
        if clash:
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"A date cannot be both added and removed as a holiday: {listed}")
        self._extra_names: dict[date, str] = extra_names
        self._removed: frozenset[date] = removed
        # year -> {date: name} for the package's holidays that year, after removals.
        self._package_by_year: dict[int, dict[date, str]] = {}
        # year -> weekday dates that are not working days (package and extra holidays).
        self._closed_weekdays_by_year: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingDayCalendar(extra_holidays={sorted(self._extra_names)!r}, "
            f"removed_holidays={sorted(self._removed)!r})"
        )

    @property
    def extra_holidays(self) -> frozenset[date]:
        return frozenset(self._extra_names)

    @property
    def removed_holidays(self) -> frozenset[date]:
        return self._removed

    def _package_holidays(self, year: int) -> dict[date, str]:
        cached = self._package_by_year.get(year)
        if cached is None:
            published = holidays.country_holidays("GB", subdiv="ENG", years=year)
            cached = {d: name for d, name in published.items() if d.year == year and d not in self._removed}
            # Two threads may both fill the same year; they compute the same value, so either wins.
            self._package_by_year[year] = cached
        return cached

    def _closed_weekdays(self, year: int) -> frozenset[date]:
        cached = self._closed_weekdays_by_year.get(year)
        if cached is None:
            candidates = set(self._package_holidays(year))
            candidates.update(d for d in self._extra_names if d.year == year)
            cached = frozenset(d for d in candidates if _is_weekday(d))
            self._closed_weekdays_by_year[year] = cached
        return cached

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday's name on ``d`` (weekend dates included), or None if ``d`` is not one."""
        if d in self._extra_names:
            return self._extra_names[d]
        return self._package_holidays(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        return _is_weekday(d) and d not in self._closed_weekdays(d.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        candidate = d + timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d``; ``d`` itself is never counted.

        ``add_working_days(d, 0)`` returns ``d`` unchanged, even when ``d`` is not a working day.
        """
        if n < 0:
            raise ValueError(f"n must be zero or more, not {n}")
        result = d
        for _ in range(n):
            result = self.next_working_day(result)
        return result

    def holidays_between(self, a: date, b: date) -> list[tuple[date, str]]:
        """Bank holidays on weekdays after ``a`` up to and including ``b``, with their names, in order.

        These are the days a working-day period from ``a`` to ``b`` skips besides weekends.
        """
        closed = sorted(
            holiday
            for year in range(a.year, b.year + 1)
            for holiday in self._closed_weekdays(year)
            if a < holiday <= b
        )
        return [(holiday, self.holiday_name(holiday) or EXTRA_HOLIDAY_NAME) for holiday in closed]

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

        This is the inverse of :meth:`add_working_days`:
        ``working_days_between(a, add_working_days(a, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return _weekdays_up_to(b) - _weekdays_up_to(a) - len(self.holidays_between(a, b))


def format_date(d: date) -> str:
    """'3 March 2026', whatever the process locale: the form used in reasons shown to staff."""
    return f"{d.day} {gregorian.month_name[d.month]} {d.year}"


def end_of_months_beginning_with(start: date, months: int) -> date:
    """The last day of the period of ``months`` calendar months beginning with ``start``.

    The period ends the day before the same day of the month ``months`` later (12 months beginning
    with 10 March 2025 end on 9 March 2026).  When that day does not exist, the period runs to the end
    of that month (12 months beginning with 29 February 2024 end on 28 February 2025).
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    days_in_month = gregorian.monthrange(year, month)[1]
    if start.day > days_in_month:
        return date(year, month, days_in_month)
    return date(year, month, start.day) - timedelta(days=1)


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """The shared England and Wales calendar, with no local adjustments."""
    return WorkingDayCalendar()
