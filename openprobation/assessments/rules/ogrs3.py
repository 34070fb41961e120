"""OGRS3: the Offender Group Reconviction Scale, version 3 (1- and 2-year proven reoffending).

Computed exactly as the Ministry of Justice's actuarial service did before OGRS3 was retired from it
(hmpps-arns-risk-actuarial-api at commit 1811fe7; see `../shared/reference/risk-tools.md`, part A):
the same coefficients (4-5 decimal places), the same order of checks, the same double-precision sum
and the same two-step half-up rounding. Where the two MoJ implementations disagree (female weights for
ages 10-15, "sexual (not against child)", drink driving against other motoring) we mirror that service.

Pure: plain data in, an `OGRS3Result` (with every term of the formula) or an `OGRS3Error` out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# --- coefficients (risk-tools.md §5) ------------------------------------------------------------------

COPAS_MULTIPLIER = 1.25112
CAREER_OFFSET_YEARS = 10
INTERCEPT_1_YEAR = 1.40256
INTERCEPT_2_YEARS = 2.1217
FIRST_SANCTION_WEIGHT = 0.12614  # the current sanction is the first ever (N = 1)
REPEAT_SANCTION_WEIGHT = 0.46306  # N >= 2
MINIMUM_AGE = 10
# The service reads counts and ages into 32-bit integers; larger JSON numbers are rejected as input.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class OffenceGroup(StrEnum):
    """The 20 OGRS3 offence groups, snake_case names derived from the published labels."""

    VIOLENCE = "violence"
    ROBBERY = "robbery"
    PUBLIC_ORDER = "public_order"
    SEXUAL_NOT_AGAINST_CHILD = "sexual_not_against_child"
    SEXUAL_AGAINST_CHILD = "sexual_against_child"
    SOLICITING_OR_PROSTITUTION = "soliciting_or_prostitution"
    BURGLARY_DOMESTIC = "burglary_domestic"
    BURGLARY_OTHER = "burglary_other"
    THEFT_NON_MOTOR = "theft_non_motor"
    HANDLING_STOLEN_GOODS = "handling_stolen_goods"
    FRAUD_AND_FORGERY = "fraud_and_forgery"
    ABSCONDING_OR_BAIL_OFFENCES = "absconding_or_bail_offences"
    TAKING_AND_DRIVING_AWAY_AND_RELATED_OFFENCES = "taking_and_driving_away_and_related_offences"
    THEFT_FROM_VEHICLES = "theft_from_vehicles"
    DRINK_DRIVING_AND_RELATED_OFFENCES = "drink_driving_and_related_offences"
    OTHER_MOTORING = "other_motoring"
    CRIMINAL_DAMAGE = "criminal_damage"
    DRUG_IMPORT_EXPORT_PRODUCTION = "drug_import_export_production"
    DRUG_POSSESSION_SUPPLY = "drug_possession_supply"
    OTHER_OFFENCE = "other_offence"


# (label, weight) as the MoJ service's offence mapping gives them; violence is the reference group.
OFFENCE_GROUPS: dict[OffenceGroup, tuple[str, float]] = {
    OffenceGroup.VIOLENCE: ("Violence", 0.0),
    OffenceGroup.ROBBERY: ("Robbery", -0.6348),
    OffenceGroup.PUBLIC_ORDER: ("Public order", 0.1819),
    OffenceGroup.SEXUAL_NOT_AGAINST_CHILD: ("Sexual (not against child)", 0.0328),
    OffenceGroup.SEXUAL_AGAINST_CHILD: ("Sexual (against child)", -0.6534),
    OffenceGroup.SOLICITING_OR_PROSTITUTION: ("Soliciting or prostitution", 0.7606),
    OffenceGroup.BURGLARY_DOMESTIC: ("Burglary (domestic)", -0.1239),
    OffenceGroup.BURGLARY_OTHER: ("Burglary (other)", 0.2406),
    OffenceGroup.THEFT_NON_MOTOR: ("Theft (non-motor)", 0.6612),
    OffenceGroup.HANDLING_STOLEN_GOODS: ("Handling stolen goods", 0.3519),
    OffenceGroup.FRAUD_AND_FORGERY: ("Fraud and forgery", 0.1599),
    OffenceGroup.ABSCONDING_OR_BAIL_OFFENCES: ("Absconding or bail offences", 0.7334),
    OffenceGroup.TAKING_AND_DRIVING_AWAY_AND_RELATED_OFFENCES: (
        "Taking & driving away and related offences", 0.3801),
    OffenceGroup.THEFT_FROM_VEHICLES: ("Theft from vehicles", 0.4272),
    OffenceGroup.DRINK_DRIVING_AND_RELATED_OFFENCES: ("Drink driving and related offences", -0.1214),
    OffenceGroup.OTHER_MOTORING: ("Other motoring", 0.2622),
    OffenceGroup.CRIMINAL_DAMAGE: ("Criminal damage", 0.205),
    OffenceGroup.DRUG_IMPORT_EXPORT_PRODUCTION: ("Drug import/export/production", -0.7956),
    OffenceGroup.DRUG_POSSESSION_SUPPLY: ("Drug possession/supply", 0.0772),
    OffenceGroup.OTHER_OFFENCE: ("Other offence", -0.0607),
}

# (lowest age in the band, label, male weight, female weight), by age at the start of follow-up.
AGE_GENDER_BANDS: tuple[tuple[int, str, float, float], ...] = (
    (10, "10-11", 0.0, 0.785),
    (12, "12-13", 0.08392, 0.61385),
    (14, "14-15", 0.07578, 0.66952),
    (16, "16-17", -0.0616, -0.9592),
    (18, "18-20", -0.6251, -0.8975),
    (21, "21-24", -1.0515, -1.0285),
    (25, "25-29", -1.1667, -1.0528),
    (30, "30-34", -1.326, -1.1291),
    (35, "35-39", -1.368, -1.4219),
    (40, "40-49", -1.4997, -1.5247),
    (50, "50 and over", -2.0253, -2.4498),
)

# Lowest 2-year percentage of each band (risk-tools.md §6).
BANDS: tuple[tuple[int, Band], ...] = ((90, Band.VERY_HIGH), (75, Band.HIGH), (50, Band.MEDIUM), (0, Band.LOW))


# --- errors -----------------------------------------------------------------------------------------


class ErrorType(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    MISSING_MANDATORY_INPUT = "MISSING_MANDATORY_INPUT"
    TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE = "TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE"
    UNKNOWN_OFFENCE_GROUP = "UNKNOWN_OFFENCE_GROUP"
    DATE_ON_OR_BEFORE_DATE_OF_BIRTH = "DATE_ON_OR_BEFORE_DATE_OF_BIRTH"
    AGE_AT_CURRENT_CONVICTION_LESS_THAN_TEN = "AGE_AT_CURRENT_CONVICTION_LESS_THAN_TEN"
    AGE_AT_FIRST_SANCTION_AFTER_AGE_AT_CURRENT_CONVICTION = "AGE_AT_FIRST_SANCTION_AFTER_AGE_AT_CURRENT_CONVICTION"
    AGE_AT_START_OF_FOLLOWUP_LESS_THAN_TEN = "AGE_AT_START_OF_FOLLOWUP_LESS_THAN_TEN"
    SCORE_OUT_OF_RANGE = "SCORE_OUT_OF_RANGE"


@dataclass(frozen=True)
class Problem:
    type: ErrorType
    message: str
    fields: tuple[str, ...] = ()


class OGRS3Error(ValueError):
    """The input cannot give a score. `problems` lists every fault found at the stage that stopped it."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    @property
    def error_type(self) -> ErrorType:
        return self.problems[0].type


# --- input and result -------------------------------------------------------------------------------

FIELDS = (
    "gender", "date_of_birth", "date_of_current_conviction", "date_at_start_of_followup",
    "total_number_of_sanctions", "age_at_first_sanction", "offence_group",
)


@dataclass(frozen=True)
class OGRS3Input:
    """One person's static risk factors. Field names are those of the `rules ogrs3` command.

    gender: "male" or "female".
    date_at_start_of_followup: when the person could next reoffend in the community (start of a
        community sentence, or release from custody).
    total_number_of_sanctions: cautions, reprimands, final warnings and convictions, counting the
        current one (offences dealt with on one day are one sanction).
    age_at_first_sanction: completed years at the first sanction ever.
    offence_group: an `OffenceGroup` name for the current offence.
    """

    gender: str | None
    date_of_birth: date | None
    date_of_current_conviction: date | None
    date_at_start_of_followup: date | None
    total_number_of_sanctions: int | None
    age_at_first_sanction: int | None
    offence_group: str | None


@dataclass(frozen=True)
class Term:
    """One term of the linear score, with what it was looked up or computed from."""

    name: str  # "age_gender_score", "conviction_status_score", "copas_score", "offence_group_parameter"
    value: float
    explanation: str


@dataclass(frozen=True)
class OGRS3Result:
    one_year: int  # whole percentage 1-99, as the MoJ service reports it
    two_year: int
    band: Band  # from the 2-year percentage
    one_year_probability: float  # before rounding
    two_year_probability: float
    score: float  # the linear score S, the sum of the terms
    terms: tuple[Term, ...]
    age_at_current_conviction: int
    age_at_start_of_followup: int
    copas_rate: float  # N / (10 + C - F), before the logarithm

    @property
    def feature_values(self) -> dict[str, float]:
        return {term.name: term.value for term in self.terms}

    @property
    def reasons(self) -> tuple[str, ...]:
        lines = [f"{t.name.replace('_', ' ')} {t.value:+.5f}: {t.explanation}" for t in self.terms]
        lines.append(f"linear score S = {self.score:.5f}")
        lines.append(f"1 year: logistic({INTERCEPT_1_YEAR} + S) = {self.one_year_probability:.5f} -> {self.one_year}%")
        lines.append(f"2 years: logistic({INTERCEPT_2_YEARS} + S) = {self.two_year_probability:.5f} -> "
                     f"{self.two_year}%, band {self.band.value.replace('_', ' ')}")
        return tuple(lines)


# --- the calculation --------------------------------------------------------------------------------


def completed_years(born: date, on: date) -> int:
    """Age in completed years; someone born on 29 February turns a year older on 1 March."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_gender_weight(age: int, gender: Gender) -> tuple[str, float]:
    if age < MINIMUM_AGE:
        raise OGRS3Error([Problem(ErrorType.AGE_AT_START_OF_FOLLOWUP_LESS_THAN_TEN,
                                  "age at start of follow-up must be 10 or greater",
                                  ("date_at_start_of_followup",))])
    for lowest, label, male, female in reversed(AGE_GENDER_BANDS):
        if age >= lowest:
            return label, (female if gender is Gender.FEMALE else male)
    raise AssertionError("unreachable: every age of 10 or more has a band")


def band_for(two_year_percentage: int) -> Band:
    if two_year_percentage < 0:
        raise ValueError("a percentage cannot be negative")
    return next(band for lowest, band in BANDS if two_year_percentage >= lowest)


def round_like_the_service(probability: float) -> int:
    """Half-up to 5 decimal places on the exact binary value, then half-up to a whole percentage, clamped 1-99."""
    five_places = float(Decimal(probability).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP))
    percentage = int((Decimal(five_places) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(max(percentage, 1), 99)


def _logistic(exponent: float) -> float:
    if exponent >= 709 or exponent <= -745:
        raise OGRS3Error([Problem(ErrorType.SCORE_OUT_OF_RANGE,
                                  "the score is outside the range the formula can evaluate")])
    e = math.exp(exponent)
    return e / (1 + e)


def validate(data: OGRS3Input) -> tuple[Gender, OffenceGroup, int, int]:
    """Check the input in the service's order; return (gender, offence group, age at conviction, at follow-up)."""
    missing = [name for name in FIELDS if getattr(data, name) is None]
    problems = []
    if missing:
        problems.append(Problem(ErrorType.MISSING_MANDATORY_INPUT,
                                "missing mandatory input: " + ", ".join(missing), tuple(missing)))
    try:
        gender = Gender(data.gender) if data.gender is not None else None
    except ValueError:
        raise OGRS3Error([Problem(ErrorType.INVALID_INPUT, 'gender must be "male" or "female"',
                                  ("gender",))]) from None
    for name in ("total_number_of_sanctions", "age_at_first_sanction"):
        value = getattr(data, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise OGRS3Error([Problem(ErrorType.INVALID_INPUT, f"{name} must be a whole number", (name,))])
        if value is not None and not INT32_MIN <= value <= INT32_MAX:
            raise OGRS3Error([Problem(ErrorType.INVALID_INPUT, f"{name} is out of range", (name,))])
    for name in ("date_of_birth", "date_of_current_conviction", "date_at_start_of_followup"):
        value = getattr(data, name)
        if value is not None and not isinstance(value, date):
            raise OGRS3Error([Problem(ErrorType.INVALID_INPUT, f"{name} must be a date", (name,))])
    if data.total_number_of_sanctions is not None and data.total_number_of_sanctions < 1:
        problems.append(Problem(ErrorType.TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE,
                                "total number of sanctions must be 1 or more (it counts the current one)",
                                ("total_number_of_sanctions",)))
    offence_group = None
    if data.offence_group is not None:
        try:
            offence_group = OffenceGroup(data.offence_group)
        except ValueError:
            problems.append(Problem(ErrorType.UNKNOWN_OFFENCE_GROUP,
                                    f"unknown offence group {data.offence_group!r}: use one of the 20 OGRS3 groups",
                                    ("offence_group",)))
    if problems:
        raise OGRS3Error(problems)

    born = data.date_of_birth
    for name in ("date_of_current_conviction", "date_at_start_of_followup"):
        if getattr(data, name) <= born:
            raise OGRS3Error([Problem(ErrorType.DATE_ON_OR_BEFORE_DATE_OF_BIRTH,
                                      f"{name} must be after date_of_birth", (name, "date_of_birth"))])
    at_conviction = completed_years(born, data.date_of_current_conviction)
    if at_conviction < MINIMUM_AGE:
        problems.append(Problem(ErrorType.AGE_AT_CURRENT_CONVICTION_LESS_THAN_TEN,
                                "age at current conviction must be 10 or greater",
                                ("date_of_birth", "date_of_current_conviction")))
    if data.age_at_first_sanction > at_conviction:
        problems.append(Problem(ErrorType.AGE_AT_FIRST_SANCTION_AFTER_AGE_AT_CURRENT_CONVICTION,
                                f"age at first sanction ({data.age_at_first_sanction}) cannot be after the age "
                                f"at current conviction ({at_conviction})", ("age_at_first_sanction",)))
    if problems:
        raise OGRS3Error(problems)
    return gender, offence_group, at_conviction, completed_years(born, data.date_at_start_of_followup)


def calculate_ogrs3(data: OGRS3Input) -> OGRS3Result:
    """The OGRS3 1- and 2-year percentages and band, or `OGRS3Error` for input that cannot give a score."""
    gender, offence_group, at_conviction, at_followup = validate(data)
    sanctions, first = data.total_number_of_sanctions, data.age_at_first_sanction

    band_label, age_weight = age_gender_weight(at_followup, gender)
    status_weight = FIRST_SANCTION_WEIGHT if sanctions == 1 else REPEAT_SANCTION_WEIGHT
    career = CAREER_OFFSET_YEARS + at_conviction - first
    copas_rate = sanctions / career  # int / int: correctly rounded, like the service's double division
    copas = COPAS_MULTIPLIER * math.log(copas_rate)
    label, offence_weight = OFFENCE_GROUPS[offence_group]
    terms = (
        Term("age_gender_score", age_weight,
             f"{gender.value}, aged {at_followup} at the start of follow-up (band {band_label})"),
        Term("conviction_status_score", status_weight,
             "the current sanction is the first" if sanctions == 1 else f"{sanctions} sanctions: not the first"),
        Term("copas_score", copas,
             f"{COPAS_MULTIPLIER} x ln({sanctions} / ({CAREER_OFFSET_YEARS} + {at_conviction} - {first}))"),
        Term("offence_group_parameter", offence_weight, f"current offence: {label}"),
    )
    score = 0.0
    for term in terms:
        score += term.value
    p1 = _logistic(INTERCEPT_1_YEAR + score)
    p2 = _logistic(INTERCEPT_2_YEARS + score)
    two_year = round_like_the_service(p2)
    return OGRS3Result(
        one_year=round_like_the_service(p1), two_year=two_year, band=band_for(two_year),
        one_year_probability=p1, two_year_probability=p2, score=score, terms=terms,
        age_at_current_conviction=at_conviction, age_at_start_of_followup=at_followup, copas_rate=copas_rate,
    )
