"""Statutory limits on orders and requirements, chosen by the relevant legal date.

Pure functions: limits arrive as plain `Limit` values (loaded from StatutoryLimit rows),
dates are passed in. Each problem names the field at fault and the law it comes from.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Limit:
    subject: str
    minimum: Decimal | None
    maximum: Decimal | None
    unit: str
    basis: str  # "conviction", "sentence" or "offence"
    valid_from: datetime.date | None
    valid_to: datetime.date | None  # exclusive
    condition: str
    source: str

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class LegalDates:
    conviction: datetime.date
    sentence: datetime.date
    offence: datetime.date | None = None

    def for_basis(self, basis: str) -> datetime.date:
        return {"conviction": self.conviction, "sentence": self.sentence}.get(basis) or self.offence or self.conviction


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    source: str = ""


UNIT_WORDS = {"hours": "hours", "days": "days", "months": "months", "hours_per_day": "hours a day"}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: datetime.date, end: datetime.date) -> Decimal:
    """Months from start to end, counting a part month as a fraction (for limit checks)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    remainder = (end - add_months(start, months)).days
    return Decimal(months) + (Decimal(remainder) / Decimal(31)).quantize(Decimal("0.01"))


def two_thirds_date(start: datetime.date, end: datetime.date) -> datetime.date:
    """The start of the final third of an order or licence."""
    return start + datetime.timedelta(days=((end - start).days * 2) // 3)


def applicable_limit(limits, subject: str, dates: LegalDates, conditions=frozenset()) -> Limit | None:
    """The limit in force on the relevant date; a limit with a satisfied condition beats a general one."""
    candidates = [
        lim for lim in limits
        if lim.subject == subject
        and lim.in_force_on(dates.for_basis(lim.basis))
        and (not lim.condition or lim.condition in conditions)
    ]
    candidates.sort(key=lambda lim: (bool(lim.condition), lim.valid_from or datetime.date.min), reverse=True)
    return candidates[0] if candidates else None


def _fmt(value: Decimal) -> str:
    return str(int(value)) if value == int(value) else str(value.normalize())


def check_value(limit: Limit | None, value: Decimal | None, field: str, label: str) -> list[Problem]:
    if limit is None or value is None:
        return []
    unit = UNIT_WORDS.get(limit.unit, limit.unit)
    if limit.minimum is not None and value < limit.minimum:
        return [Problem(field, f"{label} must be at least {_fmt(limit.minimum)} {unit}", limit.source)]
    if limit.maximum is not None and value > limit.maximum:
        return [Problem(field, f"{label} must be no more than {_fmt(limit.maximum)} {unit}", limit.source)]
    return []


def check_requirement(type_code: str, type_name: str, length: Decimal | None, start: datetime.date,
                      end: datetime.date | None, order_end: datetime.date, dates: LegalDates, limits) -> list[Problem]:
    problems = check_value(applicable_limit(limits, type_code, dates), length, "length", type_name)
    if end is not None:
        if end <= start:
            problems.append(Problem("expected_end_date", "End date must be after the start date"))
        elif end > order_end:
            problems.append(Problem("expected_end_date", "A requirement must end on or before the order's end date",
                                    "Sentencing Act 2020 s.209"))
        period = applicable_limit(limits, f"{type_code}_PERIOD", dates)
        problems += check_value(period, whole_months_between(start, end), "expected_end_date",
                                f"The {type_name.lower()} period")
        if type_code in {"EXCL", "FTP", "AAMR"} and length is None:
            problems += check_value(applicable_limit(limits, type_code, dates), whole_months_between(start, end),
                                    "expected_end_date", f"The {type_name.lower()} period")
    return problems


def check_community_order(start: datetime.date, end: datetime.date, dates: LegalDates, limits) -> list[Problem]:
    if end <= start:
        return [Problem("expected_end_date", "End date must be after the start date")]
    return check_value(applicable_limit(limits, "CO_LENGTH", dates), whole_months_between(start, end),
                       "expected_end_date", "A community order")


def check_suspended_sentence(term_months: Decimal | None, operational_months: Decimal | None,
                             supervision_months: Decimal | None, dates: LegalDates, limits) -> list[Problem]:
    problems = []
    if term_months is None:
        problems.append(Problem("custodial_term_months", "Enter the suspended custodial term"))
    else:
        problems += check_value(applicable_limit(limits, "SSO_TERM", dates), term_months,
                                "custodial_term_months", "The suspended custodial term")
    conditions = {"term_over_24m"} if term_months is not None and term_months > 24 else set()
    problems += check_value(applicable_limit(limits, "SSO_OPERATIONAL", dates, conditions), operational_months,
                            "operational_months", "The operational period")
    problems += check_value(applicable_limit(limits, "SSO_SUPERVISION", dates), supervision_months,
                            "supervision_months", "The supervision period")
    if operational_months is not None and supervision_months is not None and supervision_months > operational_months:
        problems.append(Problem("supervision_months", "The supervision period must not be longer than the "
                                "operational period", "Sentencing Act 2020 s.288"))
    return problems
