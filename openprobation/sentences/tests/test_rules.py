import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openprobation.sentences import rules

D = datetime.date
CURFEW_OLD = rules.Limit("CURF", Decimal(2), Decimal(16), "hours_per_day", "conviction", None, D(2022, 6, 28), "", "old")
CURFEW_NEW = rules.Limit("CURF", Decimal(2), Decimal(20), "hours_per_day", "conviction", D(2022, 6, 28), None, "", "new")
UPW = rules.Limit("UPW", Decimal(40), Decimal(300), "hours", "conviction", None, None, "", "Sch 9")
CO_LENGTH = rules.Limit("CO_LENGTH", None, Decimal(36), "months", "sentence", None, None, "", "s.209")
SSO = [
    rules.Limit("SSO_TERM", None, Decimal(24), "months", "conviction", None, D(2026, 3, 22), "", "old"),
    rules.Limit("SSO_TERM", None, Decimal(36), "months", "conviction", D(2026, 3, 22), None, "", "new"),
    rules.Limit("SSO_OPERATIONAL", Decimal(6), Decimal(24), "months", "conviction", None, None, "", "s.288"),
    rules.Limit("SSO_OPERATIONAL", Decimal(6), Decimal(36), "months", "conviction", D(2026, 3, 22), None,
                "term_over_24m", "2026"),
    rules.Limit("SSO_SUPERVISION", Decimal(6), Decimal(24), "months", "conviction", None, None, "", "s.288"),
]
LIMITS = [CURFEW_OLD, CURFEW_NEW, UPW, CO_LENGTH, *SSO]


def dates(conviction):
    return rules.LegalDates(conviction=conviction, sentence=conviction)


@pytest.mark.parametrize(("hours", "ok"), [(39, False), (40, True), (300, True), (301, False)])
def test_unpaid_work_hours_are_40_to_300(hours, ok):
    problems = rules.check_requirement("UPW", "Unpaid work", Decimal(hours), D(2025, 1, 1), None, D(2026, 1, 1),
                                       dates(D(2025, 1, 1)), LIMITS)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "length"
        assert problems[0].source == "Sch 9"


@pytest.mark.parametrize(("convicted", "hours", "ok"), [
    (D(2022, 6, 27), 17, False),  # the old 16-hour maximum
    (D(2022, 6, 28), 17, True),   # PCSC Act 2022 raised it to 20
    (D(2022, 6, 28), 21, False),
    (D(2024, 1, 1), 1, False),
])
def test_curfew_limit_is_chosen_by_conviction_date(convicted, hours, ok):
    problems = rules.check_requirement("CURF", "Curfew", Decimal(hours), convicted, None, convicted.replace(year=2027),
                                       dates(convicted), LIMITS)
    assert (problems == []) is ok


def test_community_order_no_longer_than_three_years():
    start = D(2025, 2, 1)
    assert rules.check_community_order(start, rules.add_months(start, 36), dates(start), LIMITS) == []
    problems = rules.check_community_order(start, rules.add_months(start, 37), dates(start), LIMITS)
    assert [p.message for p in problems] == ["A community order must be no more than 36 months"]


def test_requirement_must_end_within_its_order():
    problems = rules.check_requirement("UPW", "Unpaid work", Decimal(100), D(2025, 1, 1), D(2026, 2, 1),
                                       D(2026, 1, 1), dates(D(2025, 1, 1)), LIMITS)
    assert [p.field for p in problems] == ["expected_end_date"]


@pytest.mark.parametrize(("convicted", "term", "operational", "supervision", "fields"), [
    (D(2025, 1, 1), 12, 18, 12, []),
    (D(2025, 1, 1), 12, 5, 5, ["operational_months", "supervision_months"]),
    (D(2025, 1, 1), 12, 12, 18, ["supervision_months"]),              # longer than operational
    (D(2025, 1, 1), 30, 24, 12, ["custodial_term_months"]),            # over 2 years before 22 March 2026
    (D(2026, 4, 1), 30, 30, 12, []),                                   # 3-year term and operational period allowed
    (D(2026, 4, 1), 20, 30, 12, ["operational_months"]),               # 3 years only when the term is over 2 years
])
def test_suspended_sentence_periods(convicted, term, operational, supervision, fields):
    problems = rules.check_suspended_sentence(Decimal(term), Decimal(operational), Decimal(supervision),
                                              dates(convicted), LIMITS)
    assert [p.field for p in problems] == fields


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=0, max_value=120))
def test_add_months_then_measure_gives_back_the_months(start, months):
    end = rules.add_months(start, months)
    assert end >= start
    assert rules.whole_months_between(start, end) <= months
    assert rules.whole_months_between(start, end) > months - 1


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=1, max_value=4000))
def test_two_thirds_date_lies_within_the_order(start, days):
    end = start + datetime.timedelta(days=days)
    third = rules.two_thirds_date(start, end)
    assert start <= third < end or days == 1
