"""Tier v2: protect level A-D from harm factors, change level 0-3 from needs (risk-tools.md part B §1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .tier_inputs import NEED_WEIGHTS, SEVERITY_SCORES, NeedArea, Rosh, Severity

if TYPE_CHECKING:
    from .tier import Derived
    from .tier_inputs import TierInput

# The service builds the RSR bounds from binary doubles; compared as exact decimals, 99.99 sits just
# below 99.99 and 6.99 just above 6.99 (so 99.99 itself scores 0, and 6.995 scores 0).
RSR_20_FROM, RSR_20_TO = Decimal(7.0), Decimal(99.99)
RSR_10_FROM, RSR_10_TO = Decimal(3.0), Decimal(6.99)
ROSH_POINTS = {Rosh.VERY_HIGH: 150, Rosh.HIGH: 20, Rosh.MEDIUM: 10, Rosh.LOW: 0}
MAPPA_POINTS = {"M3": 150, "M2": 150, "M1": 5}
PROTECT_LEVELS = ((150, "A"), (20, "B"), (10, "C"), (0, "D"))
CHANGE_LEVELS = ((20, 3), (10, 2), (0, 1))
IOM_POINTS = 2
COMPLEXITY_POINTS = 2
WOMEN_FACTOR_POINTS = 2


@dataclass(frozen=True)
class TierV2Result:
    tier: str  # protect letter + change digit, + "S" when unsupervised: "B2", "D0", "A1S"
    protect: str
    change: int
    protect_points: int  # after the smaller of the RSR and RoSH points is discounted
    change_points: int
    protect_breakdown: dict[str, int]  # rsr, rosh, mappa, complexity, additional_factors_for_women
    change_breakdown: dict[str, int]  # needs, ogrs, iom | no_mandate_for_change | no_valid_assessment
    needs: dict[NeedArea, Severity]
    derived: Derived
    reasons: tuple[str, ...]
    scheme: str = "v2"

    @property
    def summary(self) -> str:
        return self.reasons[0]

    def as_dict(self) -> dict:
        return {
            "scheme": "v2", "tier": self.tier, "protect": self.protect, "change": self.change,
            "protect_points": self.protect_points, "change_points": self.change_points,
            "protect_breakdown": dict(self.protect_breakdown), "change_breakdown": dict(self.change_breakdown),
            "needs": {area.value: severity.value for area, severity in self.needs.items()},
            "derived": self.derived.as_dict(), "reasons": list(self.reasons),
        }


def rsr_points(rsr: Decimal) -> int:
    if RSR_20_FROM <= rsr <= RSR_20_TO:
        return 20
    if RSR_10_FROM <= rsr <= RSR_10_TO:
        return 10
    return 0


def women_factor_points(data: TierInput, d: Derived) -> tuple[int, list[str]]:
    if not d.female:
        return 0, []
    points, why = 0, []
    if d.valid_assessment:
        assessment = data.needs_assessment
        if assessment.parental_responsibilities == "yes":
            points += WOMEN_FACTOR_POINTS
            why.append("parental responsibilities")
        if assessment.impulsivity in ("some", "significant") or assessment.temper_control in ("some", "significant"):
            points += WOMEN_FACTOR_POINTS
            why.append("impulsivity or temper control")
    if d.previous_enforcement_activity:
        points += WOMEN_FACTOR_POINTS
        why.append("breach or recall in the last year")
    return points, why


def _level(points: int, table):
    return next(level for lowest, level in table if points >= lowest)


def _protect(data: TierInput, d: Derived) -> tuple[str, int, dict[str, int], list[str], list[str]]:
    women, women_why = women_factor_points(data, d)
    breakdown = {
        "rsr": rsr_points(d.rsr),
        "rosh": ROSH_POINTS.get(d.rosh, 0),
        "mappa": MAPPA_POINTS.get(d.mappa_level, 0),
        "complexity": COMPLEXITY_POINTS * len(d.complexity_factors),
        "additional_factors_for_women": women,
    }
    discount = min(breakdown["rsr"], breakdown["rosh"])
    total = sum(breakdown.values()) - discount
    level = _level(total, PROTECT_LEVELS)
    rsr_text = f"RSR {d.rsr}%"
    rosh_text = f"RoSH {d.rosh.label}" if d.rosh else "no RoSH"
    details = [
        f"{rsr_text}: {breakdown['rsr']} points",
        f"{rosh_text}: {breakdown['rosh']} points",
    ]
    if discount:
        details.append(f"only the larger of the RSR and RoSH points counts: {discount} points discounted")
    details.append(f"MAPPA level {d.mappa_level[1]}: {breakdown['mappa']} points" if d.mappa_level
                   else "no MAPPA level: 0 points")
    details.append(f"complexity factors ({', '.join(d.complexity_factors)}): {breakdown['complexity']} points"
                   if d.complexity_factors else "no complexity factors: 0 points")
    if d.female:
        details.append(f"additional factors for women ({', '.join(women_why) or 'none'}): {women} points")
    details.append(f"protect {level}: {total} points (A 150 or more, B 20-149, C 10-19, D under 10)")

    larger_is_rsr = breakdown["rsr"] > breakdown["rosh"]
    headline = []
    if breakdown["rosh"] and not larger_is_rsr:
        headline.append(rosh_text)
    if breakdown["rsr"] and (larger_is_rsr or not breakdown["rosh"]):
        headline.append(rsr_text)
    if breakdown["mappa"]:
        headline.append(f"MAPPA level {d.mappa_level[1]}")
    if breakdown["complexity"]:
        count = len(d.complexity_factors)
        headline.append(f"{count} complexity factor{'s' if count > 1 else ''}")
    if women:
        headline.append(f"women's factors {women}")
    return level, total, breakdown, headline or ["no protect factors"], details


def _change(d: Derived) -> tuple[int, int, dict[str, int], str, list[str]]:
    if d.has_no_mandate:
        why = "no mandate for change (no current custodial sentence or non-restrictive requirement)"
        return 0, 0, {"no_mandate_for_change": 0}, "no mandate for change", [why + ": change 0"]
    if not d.valid_assessment:
        why = f"no valid needs assessment ({d.invalid_assessment_reason})"
        return 2, 0, {"no_valid_assessment": 0}, "no valid needs assessment", [why + ": change 2"]
    needs = sum(NEED_WEIGHTS[area] * SEVERITY_SCORES[severity] for area, severity in d.needs.items())
    breakdown = {"needs": needs, "ogrs": d.ogrs // 10, "iom": IOM_POINTS if d.iom else 0}
    total = sum(breakdown.values())
    level = _level(total, CHANGE_LEVELS)
    scored = [f"{area.label} {severity.value.replace('_', ' ')} (x{NEED_WEIGHTS[area]})"
              for area, severity in d.needs.items() if SEVERITY_SCORES[severity] and NEED_WEIGHTS[area]]
    details = [
        f"needs score {needs}" + (f": {', '.join(scored)}" if scored else ""),
        f"OGRS {d.ogrs}%: {breakdown['ogrs']} points",
        f"IOM nominal: {breakdown['iom']} points" if d.iom else "not an IOM nominal: 0 points",
        f"change {level}: {total} points (3 for 20 or more, 2 for 10-19, 1 under 10)",
    ]
    headline = [f"needs score {needs}"]
    if breakdown["ogrs"]:
        headline.append(f"OGRS {d.ogrs}%")
    if breakdown["iom"]:
        headline.append("IOM")
    return level, total, breakdown, ", ".join(headline), details


def calculate(data: TierInput, d: Derived) -> TierV2Result:
    protect, protect_points, protect_breakdown, protect_why, protect_details = _protect(data, d)
    change, change_points, change_breakdown, change_why, change_details = _change(d)
    tier = f"{protect}{change}{'S' if d.unsupervised else ''}"
    summary = (f"{tier} because: {', '.join(protect_why)} (protect {protect}, {protect_points} points); "
               f"{change_why} (change {change}" + ("" if change_breakdown.keys() - {"needs", "ogrs", "iom"}
                                                  else f", {change_points} points") + ")")
    if d.unsupervised:
        summary += "; S: unsupervised (PRC registration)"
    return TierV2Result(
        tier=tier, protect=protect, change=change, protect_points=protect_points, change_points=change_points,
        protect_breakdown=protect_breakdown, change_breakdown=change_breakdown, needs=dict(d.needs), derived=d,
        reasons=(summary, *protect_details, *change_details),
    )
