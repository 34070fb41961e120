"""Tier v3: a single tier A-G, the highest of several steps, with a provisional flag (risk-tools.md part B §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from .tier_inputs import Rosh, TierError

if TYPE_CHECKING:
    from .tier import Derived
    from .tier_inputs import TierInput


class V3Tier(StrEnum):
    """v3 results from lowest to highest."""

    NOT_SUPERVISED = "NOT_SUPERVISED"
    MISSING = "MISSING"
    G = "G"
    F = "F"
    E = "E"
    D = "D"
    C = "C"
    B = "B"
    A = "A"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def __ge__(self, other):
        return self.rank >= V3Tier(other).rank

    def __gt__(self, other):
        return self.rank > V3Tier(other).rank

    def __le__(self, other):
        return self.rank <= V3Tier(other).rank

    def __lt__(self, other):
        return self.rank < V3Tier(other).rank


_ORDER = list(V3Tier)
A, B, C, D, E, F, G = (V3Tier(x) for x in "ABCDEFG")

CSRP_ROWS = (Decimal("6.9"), Decimal("3.0"), Decimal("1.0"), Decimal("0.5"), Decimal(0))
ARP_COLUMNS = (Decimal(90), Decimal(75), Decimal(50), Decimal(25), Decimal(15), Decimal(0))
REOFFENDING_TABLE = (  # rows: CSRP band; columns: ARP band
    (A, A, B, B, B, B),
    (A, B, C, C, C, C),
    (B, C, D, E, E, E),
    (C, D, E, E, F, F),
    (D, D, E, F, F, G),
)


class Step(StrEnum):
    REOFFENDING = "reoffending"
    SEXUAL_REOFFENDING = "sexual_reoffending"
    MAPPA_ROSH = "mappa_rosh"
    LIFER_IPP = "lifer_ipp"
    DOMESTIC_ABUSE = "domestic_abuse"
    STALKING = "stalking"
    CHILD_PROTECTION = "child_protection"
    SEXUAL_OFFENCES = "sexual_offences"


@dataclass(frozen=True)
class TierV3Result:
    tier: V3Tier
    provisional: bool
    steps: dict[Step, V3Tier | None]  # each step's result; empty for MISSING and NOT_SUPERVISED
    derived: Derived
    reasons: tuple[str, ...]
    scheme: str = "v3"

    @property
    def summary(self) -> str:
        return self.reasons[0]

    def as_dict(self) -> dict:
        return {"scheme": "v3", "tier": self.tier.value, "provisional": self.provisional,
                "derived": self.derived.as_dict(), "reasons": list(self.reasons)}


def minus_years(day: date, years: int) -> date:
    """Calendar years back; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _row(csrp: Decimal) -> int:
    return next(i for i, lowest in enumerate(CSRP_ROWS) if csrp >= lowest)


def _column(arp: Decimal) -> int:
    return next(i for i, lowest in enumerate(ARP_COLUMNS) if arp >= lowest)


def reoffending(arp: Decimal, csrp: Decimal) -> V3Tier:
    return REOFFENDING_TABLE[_row(csrp)][_column(arp)]


def sexual_reoffending(dc_srp) -> tuple[V3Tier | None, str]:
    if dc_srp is None or dc_srp.score is None or dc_srp.score <= 0 or dc_srp.band in (None, "not_applicable"):
        return None, "no DC-SRP to use"
    score, band = dc_srp.score, dc_srp.band
    if band == "very_high":
        return A, f"DC-SRP very high ({score})"
    if band == "high":
        return B, f"DC-SRP high ({score})"
    if band == "low":
        return E, f"DC-SRP low ({score})"
    # Medium: the score says which scale it is on (without risk reduction the scores run higher).
    for lowest, tier in ((Decimal("3.36"), C), (Decimal("2.11"), D), (Decimal("1.12"), C), (Decimal("0.60"), D)):
        if score >= lowest:
            return tier, f"DC-SRP medium with score {score} (at least {lowest})"
    raise TierError(f"a DC-SRP in the medium band cannot have a score of {score} (below 0.60)")


def mappa_rosh(d: Derived) -> tuple[V3Tier | None, str]:
    rosh = d.rosh.label if d.rosh else "missing"
    if d.mappa_category:
        tier = {Rosh.VERY_HIGH: A, Rosh.HIGH: C, Rosh.MEDIUM: D}.get(d.rosh, E)
        return tier, f"MAPPA category {d.mappa_category[1]} with RoSH {rosh}"
    tier = {Rosh.VERY_HIGH: C, Rosh.HIGH: D}.get(d.rosh)
    return tier, f"RoSH {rosh} without MAPPA"


def lifer_ipp(d: Derived, released: date | None, today: date) -> tuple[V3Tier | None, str]:
    if not d.lifer_ipp or released is None:
        return None, "not a released lifer or IPP"
    if released >= minus_years(today, 1):
        return B, f"lifer or IPP released on {released}, within the last year"
    if released >= minus_years(today, 5):
        return D, f"lifer or IPP released on {released}, within the last 5 years"
    return E, f"lifer or IPP released on {released}, more than 5 years ago"


def _highest(steps: dict, leave_out=()) -> V3Tier:
    found = [tier for step, tier in steps.items() if tier is not None and step not in leave_out]
    return max(found, key=lambda t: t.rank, default=G)


def _provisional(steps, arp, csrp, d: Derived) -> list[str]:
    """Why the result is provisional (empty when it is not)."""
    why = []
    other = _highest(steps, leave_out=(Step.REOFFENDING,))
    arp_static, csrp_static = arp.static_or_dynamic == "static", csrp.static_or_dynamic == "static"
    if arp_static and csrp_static and other != A:
        why.append("ARP and CSRP are static and nothing else gives A")
    elif arp_static and not csrp_static and not other >= REOFFENDING_TABLE[_row(csrp.score)][0]:
        why.append(f"ARP is static and nothing else reaches {REOFFENDING_TABLE[_row(csrp.score)][0]}")
    elif csrp_static and not arp_static and not other >= REOFFENDING_TABLE[0][_column(arp.score)]:
        why.append(f"CSRP is static and nothing else reaches {REOFFENDING_TABLE[0][_column(arp.score)]}")
    if d.rosh is None:
        both_dynamic = arp.static_or_dynamic == "dynamic" and csrp.static_or_dynamic == "dynamic"
        leave_out = (Step.MAPPA_ROSH,) if both_dynamic else (Step.MAPPA_ROSH, Step.REOFFENDING)
        w = _highest(steps, leave_out=leave_out)
        if d.mappa_category and w != A:
            why.append("RoSH is missing for a MAPPA case and nothing else gives A")
        elif not d.mappa_category and not w >= C:
            why.append("RoSH is missing and nothing else gives C or higher")
    return why


def calculate(data: TierInput, d: Derived) -> TierV3Result:
    if not data.has_active_event:
        return TierV3Result(V3Tier.NOT_SUPERVISED, False, {}, d,
                            ("NOT_SUPERVISED because: no active event (no current sentence)",))
    predictors = data.predictors
    arp = predictors.arp if predictors else None
    csrp = predictors.csrp if predictors else None
    if arp is None or csrp is None or arp.score is None or csrp.score is None:
        missing = "no OGRS4 predictors" if predictors is None else "the ARP or CSRP score is missing"
        return TierV3Result(V3Tier.MISSING, False, {}, d, (f"MISSING because: {missing}",))

    steps: dict[Step, V3Tier | None] = {}
    why: dict[Step, str] = {}
    steps[Step.REOFFENDING] = reoffending(arp.score, csrp.score)
    why[Step.REOFFENDING] = f"ARP {arp.score} with CSRP {csrp.score}"
    steps[Step.SEXUAL_REOFFENDING], why[Step.SEXUAL_REOFFENDING] = sexual_reoffending(predictors.dc_srp)
    steps[Step.MAPPA_ROSH], why[Step.MAPPA_ROSH] = mappa_rosh(d)
    steps[Step.LIFER_IPP], why[Step.LIFER_IPP] = lifer_ipp(d, data.latest_release_date, data.calculation_date)
    flags = (
        (Step.DOMESTIC_ABUSE, d.domestic_abuse, E, "domestic abuse registration"),
        (Step.STALKING, d.stalking, F, "stalking protection order"),
        (Step.CHILD_PROTECTION, d.child_protection, F, "child protection registration"),
        (Step.SEXUAL_OFFENCES, data.ever_committed_sexual_offence, E, "has committed a sexual offence"),
    )
    for step, present, tier, text in flags:
        steps[step], why[step] = (tier, text) if present else (None, f"no {step.value.replace('_', ' ')}")

    tier = _highest(steps)
    deciding = [why[s] for s, t in steps.items() if t == tier] or ["nothing places the case above G"]
    provisional_why = _provisional(steps, arp, csrp, d)
    summary = f"{tier.value} because: " + "; ".join(deciding)
    if provisional_why:
        summary += " (provisional: " + "; ".join(provisional_why) + ")"
    details = [f"{step.value.replace('_', ' ')}: {t.value if t else 'nothing'} ({why[step]})"
               for step, t in steps.items()]
    return TierV3Result(tier, bool(provisional_why), steps, d, (summary, *details))
