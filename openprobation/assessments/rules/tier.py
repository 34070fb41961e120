"""Tier, computed the way the national tiering service (hmpps-tier) computes it.

Two schemes (`../shared/reference/risk-tools.md`, part B):

- **v2**, protect level A-D x change level 0-3 (for example "B2", "B2S" when unsupervised), the only
  scheme from 2021-05-28 to 2026-03-15;
- **v3**, a single tier A-G (or MISSING / NOT_SUPERVISED) with a provisional flag, from 2026-03-16.

`calculate_tier(TierInput)` chooses the scheme by `calculation_date` unless the input names one. Both
results carry `reasons`, starting with a one-line summary such as
"B2 because: RoSH high (protect B, 20 points); needs 12 (change 2, 12 points)".

Pure: a `TierInput` of plain data (build one from the case with the assessments adapter, or from a JSON
line with `rules.jsonl`), no clock, no database. Invalid input raises `TierError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from . import tier_v2, tier_v3
from .tier_inputs import (
    ANSWER_SCORES,
    COMPLEXITY_FACTOR_CODES,
    FROM_REGISTRATIONS,
    NEED_SECTIONS,
    NEED_WEIGHTS,
    ROSH_CODES,
    V3_FROM,
    Answer,
    Conviction,
    NeedArea,
    NeedsAssessment,
    Predictor,
    Predictors,
    Registration,
    Requirement,
    Rosh,
    Scheme,
    Severity,
    SexualPredictor,
    TierError,
    TierInput,
)

__all__ = [
    "ANSWER_SCORES", "COMPLEXITY_FACTOR_CODES", "FROM_REGISTRATIONS", "NEED_SECTIONS", "NEED_WEIGHTS",
    "ROSH_CODES", "V3_FROM", "Answer", "Conviction", "Derived", "NeedArea", "NeedsAssessment", "Predictor",
    "Predictors", "Registration", "Requirement", "Rosh", "Scheme", "Severity", "SexualPredictor", "TierError",
    "TierInput", "TierV2Result", "TierV3Result", "V3Tier", "calculate_tier", "calculate_v2", "calculate_v3",
    "derive", "scheme_for",
]

ASSESSMENT_VALID_DAYS = 385  # 55 weeks: exactly 385 days old still counts
CUSTODIAL_SENTENCE_TYPES = frozenset({"NC", "SC"})
NO_MANDATE_REQUIREMENT_CATEGORIES = frozenset({"W", "W1"})  # unpaid work; order length extended


@dataclass(frozen=True)
class Derived:
    """What the calculation read from the inputs (the same for both schemes)."""

    female: bool
    rsr: Decimal
    ogrs: int
    rosh: Rosh | None
    mappa_level: str | None
    mappa_category: str | None
    complexity_factors: tuple[str, ...]
    iom: bool
    lifer_ipp: bool
    domestic_abuse: bool
    stalking: bool
    child_protection: bool
    unsupervised: bool
    has_no_mandate: bool
    previous_enforcement_activity: bool
    valid_assessment: bool
    # Severity of each area with one, from a valid assessment only.
    needs: dict[NeedArea, Severity] = field(default_factory=dict)
    invalid_assessment_reason: str = ""

    def as_dict(self) -> dict:
        return {
            "female": self.female,
            "rsr": self.rsr,
            "ogrs": self.ogrs,
            "rosh": self.rosh.value if self.rosh else None,
            "mappa_level": self.mappa_level,
            "mappa_category": self.mappa_category,
            "complexity_factors": list(self.complexity_factors),
            "iom": self.iom,
            "lifer_ipp": self.lifer_ipp,
            "domestic_abuse": self.domestic_abuse,
            "stalking": self.stalking,
            "child_protection": self.child_protection,
            "unsupervised": self.unsupervised,
            "has_no_mandate": self.has_no_mandate,
            "previous_enforcement_activity": self.previous_enforcement_activity,
            "valid_assessment": self.valid_assessment,
        }


TierV2Result = tier_v2.TierV2Result
TierV3Result = tier_v3.TierV3Result
V3Tier = tier_v3.V3Tier


def scheme_for(calculation_date: date) -> Scheme:
    """Our convention: v2 before 2026-03-16 (when the service began computing v3), v3 from then on."""
    return Scheme.V2 if calculation_date < V3_FROM else Scheme.V3


def _newest_first(registrations) -> list[Registration]:
    """Newest `date` first, undated as oldest, ties in input order; historic (HREG) entries dropped."""
    kept = [r for r in registrations if r.code != "HREG"]
    return sorted(kept, key=lambda r: (r.date is None, -r.date.toordinal() if r.date else 0))


def _severity_from_answers(area: NeedArea, answers: dict[str, Answer], san: bool) -> Severity | None:
    scored = [a for a in answers.values() if a not in (Answer.MISSING, Answer.UNKNOWN)]
    if not scored:
        return None
    total = sum(ANSWER_SCORES[a] for a in answers.values())
    standard, severe, san_thresholds = NEED_SECTIONS[area]
    if san and san_thresholds:
        standard, severe = san_thresholds
    if total >= severe:
        return Severity.SEVERE
    if total >= standard:
        return Severity.STANDARD
    return Severity.NO_NEED


def assessment_validity(assessment: NeedsAssessment | None, on: date) -> str:
    """Why the assessment cannot be used for tiering, or "" if it can."""
    if assessment is None:
        return "no needs assessment"
    if assessment.type != "layer3":
        return f"the assessment is {assessment.type}, not layer 3"
    if assessment.status not in ("complete", "locked_incomplete"):
        return f"the assessment status is {assessment.status}"
    if assessment.completed_date and assessment.completed_date < on - timedelta(days=ASSESSMENT_VALID_DAYS):
        return f"the assessment completed on {assessment.completed_date} is more than 55 weeks old"
    return ""


def derive(data: TierInput) -> Derived:
    regs = _newest_first(data.registrations)
    codes = {r.code for r in regs}
    if data.rosh is FROM_REGISTRATIONS:
        rosh = next((ROSH_CODES[r.code.upper()] for r in regs if r.code.upper() in ROSH_CODES), None)
    else:
        rosh = data.rosh
    mapps = [r for r in regs if r.code == "MAPP"]
    mappa_level = next((r.level.upper() for r in mapps if r.level and r.level.upper() in ("M1", "M2", "M3")), None)
    newest_category = mapps[0].category if mapps else None
    mappa_category = newest_category if newest_category in ("M1", "M2", "M3", "M4") else None
    no_mandate = not any(
        c.termination_date is None and (
            c.sentence_type in CUSTODIAL_SENTENCE_TYPES
            or any(not r.restrictive and r.main_category not in NO_MANDATE_REQUIREMENT_CATEGORIES
                   for r in c.requirements)
        )
        for c in data.convictions
    )
    invalid_reason = assessment_validity(data.needs_assessment, data.calculation_date)
    needs: dict[NeedArea, Severity] = {}
    if not invalid_reason:
        assessment = data.needs_assessment
        needs.update(assessment.needs)
        for area, answers in assessment.need_answers.items():
            severity = _severity_from_answers(area, answers, assessment.san_indicator)
            if severity is not None:
                needs[area] = severity
        needs = {area: needs[area] for area in NeedArea if area in needs}
    return Derived(
        female=data.gender.lower() == "female",
        rsr=data.rsr if data.rsr is not None else Decimal(0),
        ogrs=data.ogrs if data.ogrs is not None else 0,
        rosh=rosh,
        mappa_level=mappa_level,
        mappa_category=mappa_category,
        complexity_factors=tuple(sorted({r.code.upper() for r in regs} & COMPLEXITY_FACTOR_CODES)),
        iom="IIOM" in codes,
        lifer_ipp="INLL" in codes,
        domestic_abuse=bool(codes & {"ADVP", "REG30"}),
        stalking="SPO" in codes,
        child_protection="RCPR" in codes,
        unsupervised="PRC" in codes,
        has_no_mandate=no_mandate,
        previous_enforcement_activity=data.previous_enforcement_activity,
        valid_assessment=not invalid_reason,
        needs=needs,
        invalid_assessment_reason=invalid_reason,
    )


def calculate_v2(data: TierInput) -> TierV2Result:
    return tier_v2.calculate(data, derive(data))


def calculate_v3(data: TierInput) -> TierV3Result:
    return tier_v3.calculate(data, derive(data))


def calculate_tier(data: TierInput) -> TierV2Result | TierV3Result:
    """The tier by the scheme the input names, or by `scheme_for(calculation_date)`."""
    scheme = data.scheme or scheme_for(data.calculation_date)
    return calculate_v2(data) if scheme is Scheme.V2 else calculate_v3(data)
