"""The plain-data input of the tier calculation, its vocabularies and their checks.

Codes follow the national services: nDelius register type codes for registrations (`MAPP`, `RHRH`,
...), nDelius sentence type and requirement main category codes for convictions, OASys need areas
for the needs assessment, and the OGRS4-family predictors (ARP, CSRP, DC-SRP) for v3.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

V3_FROM = date(2026, 3, 16)  # the day the service began computing the single-letter tier


class TierError(ValueError):
    """The input cannot be tiered (an unknown code, a negative predictor, a rejected DC-SRP score...)."""


class Scheme(StrEnum):
    V2 = "v2"
    V3 = "v3"


class Rosh(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Severity(StrEnum):
    NO_NEED = "no_need"
    STANDARD = "standard"
    SEVERE = "severe"


SEVERITY_SCORES = {Severity.NO_NEED: 0, Severity.STANDARD: 1, Severity.SEVERE: 2}


class NeedArea(StrEnum):
    ACCOMMODATION = "accommodation"
    EDUCATION_TRAINING_AND_EMPLOYABILITY = "education_training_and_employability"
    RELATIONSHIPS = "relationships"
    LIFESTYLE_AND_ASSOCIATES = "lifestyle_and_associates"
    DRUG_MISUSE = "drug_misuse"
    ALCOHOL_MISUSE = "alcohol_misuse"
    THINKING_AND_BEHAVIOUR = "thinking_and_behaviour"
    ATTITUDES = "attitudes"
    FINANCIAL_MANAGEMENT_AND_INCOME = "financial_management_and_income"
    EMOTIONAL_WELL_BEING = "emotional_well_being"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# Weight of each area in the change score; the last two are carried but never count.
NEED_WEIGHTS = {
    NeedArea.ACCOMMODATION: 1, NeedArea.EDUCATION_TRAINING_AND_EMPLOYABILITY: 1, NeedArea.RELATIONSHIPS: 1,
    NeedArea.LIFESTYLE_AND_ASSOCIATES: 1, NeedArea.DRUG_MISUSE: 1, NeedArea.ALCOHOL_MISUSE: 1,
    NeedArea.THINKING_AND_BEHAVIOUR: 2, NeedArea.ATTITUDES: 2,
    NeedArea.FINANCIAL_MANAGEMENT_AND_INCOME: 0, NeedArea.EMOTIONAL_WELL_BEING: 0,
}

# The eight scored sections: (standard threshold, severe threshold, SAN override or None).
NEED_SECTIONS: dict[NeedArea, tuple[int, int, tuple[int, int] | None]] = {
    NeedArea.ACCOMMODATION: (2, 7, (3, 5)),
    NeedArea.EDUCATION_TRAINING_AND_EMPLOYABILITY: (3, 7, None),
    NeedArea.RELATIONSHIPS: (2, 5, None),
    NeedArea.LIFESTYLE_AND_ASSOCIATES: (2, 5, None),
    NeedArea.DRUG_MISUSE: (2, 8, (2, 6)),
    NeedArea.ALCOHOL_MISUSE: (4, 7, (2, 4)),
    NeedArea.THINKING_AND_BEHAVIOUR: (4, 7, (3, 5)),
    NeedArea.ATTITUDES: (2, 7, (1, 5)),
}


class Answer(StrEnum):
    NONE = "none"
    SOME = "some"
    SIGNIFICANT = "significant"
    MISSING = "missing"
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    NEVER = "never"
    PREVIOUS = "previous"
    CURRENTLY = "currently"


ANSWER_SCORES = {
    Answer.NONE: 0, Answer.SOME: 1, Answer.SIGNIFICANT: 2, Answer.MISSING: 0,
    Answer.YES: 2, Answer.NO: 0, Answer.UNKNOWN: 0,
    Answer.NEVER: 0, Answer.PREVIOUS: 1, Answer.CURRENTLY: 2,
}

ROSH_CODES = {"RVHR": Rosh.VERY_HIGH, "RHRH": Rosh.HIGH, "RMRH": Rosh.MEDIUM, "RLRH": Rosh.LOW}
# Registrations worth 2 protect points each in v2 (matched ignoring case).
COMPLEXITY_FACTOR_CODES = frozenset({"RMDO", "ALSH", "RVLN", "RCCO", "RCPR", "RCHD", "RPIR", "RVAD", "STRG", "RTAO"})
# Every register type code the tier reads; any other code is accepted and ignored.
TIER_CODES = frozenset(ROSH_CODES) | COMPLEXITY_FACTOR_CODES | {
    "MAPP", "IIOM", "PRC", "HREG", "INLL", "ADVP", "REG30", "SPO"}
PREDICTOR_BANDS = ("low", "medium", "high", "very_high", "not_applicable")


class _FromRegistrations:
    """Sentinel: take the RoSH level from the RoSH registrations (the default)."""

    def __repr__(self):
        return "FROM_REGISTRATIONS"


FROM_REGISTRATIONS = _FromRegistrations()


def _enum(kind, value, what: str):
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise TierError(f"unknown {what} {value!r}: use one of {allowed}") from None


def to_decimal(value, what: str) -> Decimal | None:
    """An exact decimal: floats are read as the decimal they print as (7.25, not its binary value)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TierError(f"{what} must be a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TierError(f"{what} must be a finite number")
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TierError(f"{what} must be a finite number")
        return value
    raise TierError(f"{what} must be a number")


def _optional_date(value, what: str) -> date | None:
    if value is not None and not isinstance(value, date):
        raise TierError(f"{what} must be a date")
    return value


@dataclass(frozen=True)
class Registration:
    """An active register entry ("flag"): nDelius type code, level and category codes, registration date."""

    code: str
    level: str | None = None
    category: str | None = None
    date: date | None = None

    def __post_init__(self):
        if not isinstance(self.code, str) or not self.code:
            raise TierError("a registration needs a code")
        for name in ("level", "category"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise TierError(f"registration {name} must be text")
        _optional_date(self.date, "registration date")


@dataclass(frozen=True)
class Requirement:
    main_category: str  # nDelius requirement main category code; W (unpaid work) and W1 never give a mandate
    restrictive: bool


@dataclass(frozen=True)
class Conviction:
    """An event with a disposal: the sentence type code (NC, SC custodial), its end, its requirements."""

    sentence_type: str | None = None
    termination_date: date | None = None
    requirements: tuple[Requirement, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "requirements", tuple(self.requirements))
        _optional_date(self.termination_date, "termination date")


@dataclass(frozen=True)
class NeedsAssessment:
    """The OASys layer-3 assessment offered for tiering.

    `needs` gives a severity per area directly (the form before 2024); `need_answers` gives the
    section's answers and the severity is worked out from them. An area may appear in only one.
    """

    type: str = "layer3"
    status: str = "complete"  # or "locked_incomplete"; anything else makes the assessment invalid
    completed_date: date | None = None
    san_indicator: bool = False
    needs: Mapping[NeedArea, Severity] = field(default_factory=dict)
    need_answers: Mapping[NeedArea, Mapping[str, Answer]] = field(default_factory=dict)
    parental_responsibilities: str = "unknown"  # "yes", "no", "unknown"
    impulsivity: str = "missing"  # "none", "some", "significant", "missing"
    temper_control: str = "missing"

    def __post_init__(self):
        needs = {_enum(NeedArea, k, "need area"): _enum(Severity, v, "need severity") for k, v in self.needs.items()}
        answers = {}
        for area, section in self.need_answers.items():
            area = _enum(NeedArea, area, "need area")
            if area not in NEED_SECTIONS:
                raise TierError(f"{area.value} has no scored answers: give its severity in needs")
            answers[area] = {str(q): _enum(Answer, a, "answer") for q, a in section.items()}
        both = sorted(set(needs) & set(answers))
        if both:
            raise TierError("the same area is given in both needs and need_answers: " + ", ".join(both))
        object.__setattr__(self, "needs", needs)
        object.__setattr__(self, "need_answers", answers)
        _optional_date(self.completed_date, "completed date")
        if self.parental_responsibilities not in ("yes", "no", "unknown"):
            raise TierError(f"unknown parental_responsibilities {self.parental_responsibilities!r}")
        for name in ("impulsivity", "temper_control"):
            if getattr(self, name) not in ("none", "some", "significant", "missing"):
                raise TierError(f"unknown {name} {getattr(self, name)!r}")


@dataclass(frozen=True)
class Predictor:
    """An OGRS4-family predictor (ARP or CSRP): score (percentage), static or dynamic, band (unused)."""

    score: Decimal | None = None
    static_or_dynamic: str | None = None
    band: str | None = None

    def __post_init__(self):
        score = to_decimal(self.score, "predictor score")
        if score is not None and score < 0:
            raise TierError("a predictor score cannot be negative")
        object.__setattr__(self, "score", score)
        if self.static_or_dynamic not in (None, "static", "dynamic"):
            raise TierError(f"unknown static_or_dynamic {self.static_or_dynamic!r}: use static or dynamic")


@dataclass(frozen=True)
class SexualPredictor:
    """The Direct-Contact Sexual Reoffending Predictor (DC-SRP)."""

    score: Decimal | None = None
    band: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "score", to_decimal(self.score, "DC-SRP score"))
        if self.band is not None and self.band not in PREDICTOR_BANDS:
            raise TierError(f"unknown DC-SRP band {self.band!r}: use one of {', '.join(PREDICTOR_BANDS)}")


@dataclass(frozen=True)
class Predictors:
    arp: Predictor | None = None  # All Reoffending Predictor
    csrp: Predictor | None = None  # Combined Serious Reoffending Predictor
    dc_srp: SexualPredictor | None = None


@dataclass(frozen=True)
class TierInput:
    """Everything the tier is computed from; see docs/rules-cli.md for each field.

    rosh: leave as FROM_REGISTRATIONS to read it from RoSH registrations (RVHR, RHRH, RMRH, RLRH);
        give a `Rosh` (or None for "no RoSH") to use the latest RoSH assessment instead.
    registrations: the person's active registrations; order does not matter (they are sorted by date).
    """

    calculation_date: date
    scheme: Scheme | None = None  # None: chosen by calculation_date
    gender: str = "male"
    rsr: Decimal | None = None  # v2: RSR percentage
    ogrs: int | None = None  # v2: OGRS percentage 0-100
    rosh: Rosh | None | _FromRegistrations = FROM_REGISTRATIONS
    registrations: tuple[Registration, ...] = ()
    convictions: tuple[Conviction, ...] = ()
    previous_enforcement_activity: bool = False  # v2: breach or recall outcome in the last 365 days
    has_active_event: bool = True  # v3
    latest_release_date: date | None = None  # v3: lifer/IPP step
    needs_assessment: NeedsAssessment | None = None  # v2
    predictors: Predictors | None = None  # v3
    ever_committed_sexual_offence: bool = False  # v3

    def __post_init__(self):
        if not isinstance(self.calculation_date, date):
            raise TierError("calculation_date is required")
        if self.scheme is not None:
            object.__setattr__(self, "scheme", _enum(Scheme, self.scheme, "scheme"))
        if not isinstance(self.gender, str):
            raise TierError("gender must be text")
        object.__setattr__(self, "rsr", to_decimal(self.rsr, "rsr"))
        if self.ogrs is not None and (isinstance(self.ogrs, bool) or not isinstance(self.ogrs, int)
                                      or not 0 <= self.ogrs <= 100):
            raise TierError("ogrs must be a whole percentage from 0 to 100")
        if self.rosh is not FROM_REGISTRATIONS and self.rosh is not None:
            object.__setattr__(self, "rosh", _enum(Rosh, self.rosh, "RoSH level"))
        object.__setattr__(self, "registrations", tuple(self.registrations))
        object.__setattr__(self, "convictions", tuple(self.convictions))
        _optional_date(self.latest_release_date, "latest_release_date")
