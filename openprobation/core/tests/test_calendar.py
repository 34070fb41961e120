"""The England and Wales working-day calendar.

Bank holiday dates below are the published England and Wales dates for 2025 and 2026 (GOV.UK "UK bank
holidays"), checked by hand rather than read back from the ``holidays`` package.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openprobation.core import calendar as calendar_module
from openprobation.core.calendar import (
    EXTRA_HOLIDAY_NAME,
    WorkingDayCalendar,
    default_calendar,
    end_of_months_beginning_with,
    format_date,
)

ENGLAND_2025 = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "May Day",
    date(2025, 5, 26): "Spring Bank Holiday",
    date(2025, 8, 25): "Late Summer Bank Holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
}
ENGLAND_2026 = {
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "May Day",
    date(2026, 5, 25): "Spring Bank Holiday",
    date(2026, 8, 31): "Late Summer Bank Holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (observed)",  # 26 December 2026 is a Saturday
}

# Hypothesis keeps no example database in the working tree; the first use of a year loads holidays,
# which must not trip a deadline.
fast = settings(database=None, deadline=None)
some_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@pytest.fixture
def cal():
    return WorkingDayCalendar()


# --- bank holidays ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "name"), sorted({**ENGLAND_2025, **ENGLAND_2026}.items()))
def test_england_bank_holidays_are_not_working_days(cal, day, name):
    assert day.weekday() < 5
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day) == name


@pytest.mark.parametrize("year", [2025, 2026])
def test_no_other_weekday_is_a_holiday(cal, year):
    expected = ENGLAND_2025 if year == 2025 else ENGLAND_2026
    day, closed = date(year, 1, 1), set()
    while day.year == year:
        if day.weekday() < 5 and not cal.is_working_day(day):
            closed.add(day)
        day += timedelta(days=1)
    assert closed == set(expected)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # Scotland only
        date(2026, 3, 17),  # St Patrick's Day, Northern Ireland only
        date(2027, 7, 12),  # Battle of the Boyne, Northern Ireland only
        date(2026, 11, 30),  # St Andrew's Day, Scotland only
    ],
)
def test_holidays_of_other_nations_are_working_days_in_england(cal, day):
    assert cal.is_working_day(day)
    assert cal.holiday_name(day) is None


def test_weekends_are_not_working_days(cal):
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday
    assert cal.is_working_day(date(2026, 3, 9))  # Monday


def test_weekend_holiday_keeps_its_name_and_the_substitute_monday_is_closed(cal):
    assert cal.holiday_name(date(2026, 12, 26)) == "Boxing Day"
    assert not cal.is_working_day(date(2026, 12, 28))
    # Thursday 24th to Tuesday 29th: Christmas Friday, the weekend and the substitute Monday are skipped.
    assert cal.working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1


def test_holidays_between_lists_weekday_holidays_in_order(cal):
    assert cal.holidays_between(date(2025, 12, 24), date(2026, 1, 1)) == [
        (date(2025, 12, 25), "Christmas Day"),
        (date(2025, 12, 26), "Boxing Day"),
        (date(2026, 1, 1), "New Year's Day"),
    ]
    # The start date is excluded, the end date included.
    assert cal.holidays_between(date(2025, 12, 25), date(2025, 12, 25)) == []
    assert cal.holidays_between(date(2026, 12, 24), date(2026, 12, 31)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
    ]


# --- adding and counting working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 3), 5, date(2026, 3, 10)),  # an ordinary week
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday to Monday
        (date(2025, 12, 22), 5, date(2025, 12, 31)),  # Christmas and Boxing Day 2025
        (date(2026, 12, 22), 5, date(2026, 12, 31)),  # Christmas 2026 and its substitute Boxing Day
        (date(2025, 4, 17), 5, date(2025, 4, 28)),  # Easter 2025
        (date(2026, 4, 2), 5, date(2026, 4, 13)),  # Easter 2026
        (date(2026, 3, 27), 10, date(2026, 4, 14)),  # ten working days across Easter 2026
        (date(2025, 12, 23), 10, date(2026, 1, 9)),  # ten working days across Christmas and New Year
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == expected
    assert cal.working_days_between(start, expected) == n


def test_adding_zero_working_days_returns_the_same_day_even_at_a_weekend(cal):
    assert cal.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_adding_negative_working_days_is_refused(cal):
    with pytest.raises(ValueError, match="zero or more"):
        cal.add_working_days(date(2026, 3, 3), -1)


def test_next_working_day_is_strictly_later(cal):
    assert cal.next_working_day(date(2026, 3, 3)) == date(2026, 3, 4)
    assert cal.next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # over Easter
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_working_days_between_counts_after_the_first_date_up_to_the_second(cal):
    assert cal.working_days_between(date(2026, 3, 3), date(2026, 3, 3)) == 0
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 6)) == 4
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 2)) == -4
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1


# --- local adjustments and caching ------------------------------------------------------------------


def test_extra_holidays_close_a_day():
    cal = WorkingDayCalendar(extra_holidays=frozenset({date(2026, 6, 15)}))
    assert not cal.is_working_day(date(2026, 6, 15))
    assert cal.holiday_name(date(2026, 6, 15)) == EXTRA_HOLIDAY_NAME
    assert cal.add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 16)
    assert cal.extra_holidays == frozenset({date(2026, 6, 15)})


def test_extra_holidays_can_carry_names():
    cal = WorkingDayCalendar(extra_holidays={date(2026, 6, 15): "Office move"})
    assert cal.holiday_name(date(2026, 6, 15)) == "Office move"
    assert cal.holidays_between(date(2026, 6, 12), date(2026, 6, 16)) == [(date(2026, 6, 15), "Office move")]


def test_removed_holidays_become_working_days():
    cal = WorkingDayCalendar(removed_holidays=frozenset({date(2026, 5, 4)}))
    assert cal.is_working_day(date(2026, 5, 4))
    assert cal.holiday_name(date(2026, 5, 4)) is None
    assert cal.working_days_between(date(2026, 5, 1), date(2026, 5, 5)) == 2


def test_a_date_cannot_be_both_added_and_removed():
    with pytest.raises(ValueError, match="2026-05-04"):
        WorkingDayCalendar(extra_holidays={date(2026, 5, 4)}, removed_holidays={date(2026, 5, 4)})


def test_holidays_are_loaded_once_per_year_and_only_when_needed(monkeypatch):
    years_loaded = []
    real = holidays.country_holidays

    def counting(*args, **kwargs):
        years_loaded.append(kwargs["years"])
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    cal = WorkingDayCalendar()
    assert years_loaded == []
    cal.is_working_day(date(2026, 5, 4))
    cal.add_working_days(date(2026, 3, 3), 30)
    cal.holiday_name(date(2026, 12, 25))
    assert years_loaded == [2026]
    cal.working_days_between(date(2026, 12, 1), date(2027, 1, 10))
    assert years_loaded == [2026, 2027]


def test_default_calendar_is_shared():
    assert default_calendar() is default_calendar()
    assert default_calendar().extra_holidays == frozenset()


# --- calendar months and formatting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (date(2025, 3, 10), 12, date(2026, 3, 9)),
        (date(2025, 1, 1), 12, date(2025, 12, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February in 2025: the period fills February
        (date(2023, 3, 1), 12, date(2024, 2, 29)),  # ends on the leap day
        (date(2024, 3, 1), 12, date(2025, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 14)),
    ],
)
def test_end_of_months_beginning_with(start, months, last_day):
    assert end_of_months_beginning_with(start, months) == last_day


def test_a_period_of_no_months_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        end_of_months_beginning_with(date(2025, 1, 1), 0)


def test_format_date_uses_the_uk_long_form():
    assert format_date(date(2026, 3, 3)) == "3 March 2026"


# --- properties -------------------------------------------------------------------------------------


@fast
@given(start=some_dates, n=st.integers(min_value=1, max_value=60))
def test_adding_working_days_lands_on_a_later_working_day(start, n):
    result = default_calendar().add_working_days(start, n)
    assert result > start
    assert default_calendar().is_working_day(result)


@fast
@given(start=some_dates, n=st.integers(min_value=0, max_value=60))
def test_counting_undoes_adding(start, n):
    cal = default_calendar()
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@fast
@given(start=some_dates, n=st.integers(min_value=0, max_value=60))
def test_adding_one_more_working_day_moves_to_the_next_working_day(start, n):
    cal = default_calendar()
    assert cal.add_working_days(start, n + 1) == cal.next_working_day(cal.add_working_days(start, n))


@fast
@given(a=some_dates, length=st.integers(min_value=0, max_value=400))
def test_counting_matches_a_day_by_day_count(a, length):
    cal = default_calendar()
    b = a + timedelta(days=length)
    by_day = sum(cal.is_working_day(a + timedelta(days=i)) for i in range(1, length + 1))
    assert cal.working_days_between(a, b) == by_day
    assert cal.working_days_between(b, a) == -by_day


@fast
@given(a=some_dates, b=some_dates, c=some_dates)
def test_counting_adds_up_over_consecutive_periods(a, b, c):
    cal = default_calendar()
    assert cal.working_days_between(a, b) + cal.working_days_between(b, c) == cal.working_days_between(a, c)


@fast
@given(d=some_dates)
def test_next_working_day_skips_only_non_working_days(d):
    cal = default_calendar()
    following = cal.next_working_day(d)
    assert cal.is_working_day(following)
    skipped = [d + timedelta(days=i) for i in range(1, (following - d).days)]
    assert not any(cal.is_working_day(day) for day in skipped)


@fast
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_twelve_months_hold_a_whole_year(start):
    last_day = end_of_months_beginning_with(start, 12)
    assert (last_day - start).days + 1 in (365, 366)
    assert end_of_months_beginning_with(start + timedelta(days=1), 12) >= last_day
