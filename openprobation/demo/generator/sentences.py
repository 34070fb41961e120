"""Events, offences and the order or licence being supervised, within the dated statutory limits.

Every length is drawn from a list of usual values filtered by `StatutoryLimit` on the date the law
says is relevant, so changing the rule table changes what the demo generates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from openprobation.sentences.models import Event, Offence, Requirement, Sentence
from openprobation.sentences.rules import LegalDates, add_months, two_thirds_date

from . import vocab
from .context import TeamContext
from .rows import OffenceRow
from .util import weighted, working_day_on_or_before

# Share of each sentence type among current cases.
SENTENCE_MIX = [("CO", 45), ("SSO", 20), ("LIC", 30), ("PSS", 5)]
# Each case ends at least this long after the demo date, so nobody is on a finished order.
STILL_RUNNING = timedelta(days=15)
OLDEST_START_DAYS = 720
LONG_CUSTODY_MONTHS = 192

MAGISTRATES = ["NWMC", "HBMC", "KSMC", "ASMC"]
CROWN = ["NWCC", "KSCC"]
COMMUNITY_OFFENCES = [
    ("04604", 18),
    ("10501", 14),
    ("80400", 10),
    ("80300", 6),
    ("06600", 8),
    ("09200", 8),
    ("00831", 8),
    ("08000", 6),
    ("05300", 5),
    ("04900", 4),
    ("12800", 5),
    ("12500", 4),
    ("03000", 4),
]
CUSTODY_OFFENCES = [
    ("03000", 15),
    ("00831", 14),
    ("09210", 16),
    ("12500", 8),
    ("08100", 6),
    ("05300", 6),
    ("08000", 5),
    ("04604", 8),
    ("10501", 6),
    ("12800", 6),
]
# (code, chance) for community requirements; at least one is always made.
COMMUNITY_REQUIREMENTS = [
    ("RAR", 0.6),
    ("UPW", 0.5),
    ("CURF", 0.14),
    ("PROG", 0.1),
    ("DRR", 0.07),
    ("ATR", 0.07),
    ("MHTR", 0.04),
    ("AAMR", 0.04),
    ("EXCL", 0.04),
    ("PROH", 0.03),
    ("FTP", 0.02),
    ("RESI", 0.02),
]
LICENCE_CONDITIONS = [
    ("LC-RES", 0.3),
    ("LC-CONT", 0.3),
    ("LC-PROG", 0.25),
    ("LC-EXCL", 0.2),
    ("LC-CURF", 0.1),
    ("LC-DRUG", 0.25),
    ("LC-EM", 0.1),
    ("LC-SUP", 0.15),
]


@dataclass
class SentencePlan:
    """The current sentence with the facts the timeline needs."""

    code: str
    event: Event
    sentence: Sentence
    supervision_end: date
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.sentence.start_date

    @property
    def is_licence(self) -> bool:
        return self.code in {"LIC", "PSS"}

    def requirement(self, code: str) -> Requirement | None:
        return next((r for r in self.requirements if r.requirement_type.code == code), None)


def choose_sentence_type(rng: random.Random) -> str:
    return weighted(rng, SENTENCE_MIX)


def _court(ctx, rng, crown: bool):
    codes = [c for c in (CROWN if crown else MAGISTRATES) if c in ctx.run.ref.courts] or list(
        ctx.run.ref.courts
    )
    return ctx.run.ref.courts[rng.choice(codes)]


def _offences(ctx, rng, event, convicted: date, custody: bool, batch) -> None:
    table = [
        (c, w)
        for c, w in (CUSTODY_OFFENCES if custody else COMMUNITY_OFFENCES)
        if c in ctx.run.ref.offence_types
    ]
    main = weighted(rng, table)
    codes = [main] + [weighted(rng, table) for _ in range(weighted(rng, [(0, 65), (1, 25), (2, 10)]))]
    seen = set()
    for position, code in enumerate(codes):
        if code in seen:
            continue
        seen.add(code)
        batch.offences.append(
            OffenceRow(
                id=ctx.run.ids.next(Offence),
                event_id=event.id,
                offence_type_id=ctx.run.ref.offence_types[code].id,
                offence_date=convicted - timedelta(days=rng.randint(30, 300)),
                count=1 if rng.random() < 0.88 else rng.randint(2, 4),
                main=position == 0,
            )
        )


def _start_window(ctx: TeamContext, ages: tuple[int, int], latest_end_for, rng, lengths: list[int]):
    """Pick a length (months) and a start date so the case is between ``ages`` days old and still running."""
    today = ctx.run.today
    latest_start = today - timedelta(days=ages[0])
    for months in rng.sample(lengths, k=len(lengths)) + sorted(lengths, reverse=True):
        earliest = max(today - timedelta(days=ages[1]), latest_end_for(months))
        if earliest <= latest_start:
            span = (latest_start - earliest).days
            start = working_day_on_or_before(ctx.run.cal, earliest + timedelta(days=rng.randint(0, span)))
            if start >= earliest:
                return months, start
    months = max(lengths)
    return months, working_day_on_or_before(ctx.run.cal, latest_start)


def build_current_sentence(
    ctx: TeamContext, person, number: int, code: str, ages: tuple[int, int], rng, batch, *, long: bool = False
):
    """The order or licence now supervised, begun between ``ages`` (fewest, most) days ago.

    ``long`` (licences only): a custodial term long enough that the licence began ``ages[0]`` days ago
    and still runs.
    """
    if long:
        return _licence(ctx, person, number, ages, rng, batch, long=True)
    builders = {"CO": _community_order, "SSO": _suspended_sentence, "LIC": _licence, "PSS": _post_sentence}
    return builders[code](ctx, person, number, ages, rng, batch)


def _event(ctx, person, number, convicted, rng, batch, *, crown: bool, custody: bool) -> Event:
    event = Event(id=ctx.run.ids.next(Event), person=person, number=number, conviction_date=convicted, court=_court(ctx, rng, crown))
    batch.events.append(event)
    _offences(ctx, rng, event, convicted, custody, batch)
    return event


def _community_order(ctx, person, number, ages, rng, batch):
    limits, today = ctx.run.ref.limits, ctx.run.today
    allowed = limits.choose("CO_LENGTH", LegalDates(today, today), [6, 9, 12, 12, 12, 18, 18, 24, 24, 36])
    months, start = _start_window(
        ctx, ages, lambda m: add_months(today + STILL_RUNNING, -m) + timedelta(days=1), rng, allowed
    )
    convicted = start - timedelta(days=rng.choice([0, 0, 0, 14, 21, 28]))
    event = _event(ctx, person, number, convicted, rng, batch, crown=rng.random() < 0.15, custody=False)
    end = add_months(start, months)
    sentence = Sentence(
        id=ctx.run.ids.next(Sentence),
        event=event,
        person=person,
        sentence_type=ctx.run.ref.sentence_types["CO"],
        sentence_date=start,
        start_date=start,
        expected_end_date=end,
        length_months=months,
        two_thirds_date=two_thirds_date(start, end),
    )
    batch.sentences.append(sentence)
    plan = SentencePlan("CO", event, sentence, supervision_end=end)
    _community_requirements(ctx, plan, convicted, rng, batch)
    return plan


def _suspended_sentence(ctx, person, number, ages, rng, batch):
    limits, today = ctx.run.ref.limits, ctx.run.today
    supervision_choices = limits.choose("SSO_SUPERVISION", LegalDates(today, today), [6, 9, 12, 12, 18, 24])
    supervision, start = _start_window(
        ctx,
        ages,
        lambda m: add_months(today + STILL_RUNNING, -m) + timedelta(days=1),
        rng,
        supervision_choices,
    )
    convicted = start - timedelta(days=rng.choice([0, 0, 14, 21]))
    term = rng.choice(
        limits.choose("SSO_TERM", LegalDates(convicted, start), [3, 4, 6, 6, 8, 9, 12, 16, 18, 20, 24])
    )
    operational = rng.choice(
        [
            m
            for m in limits.choose("SSO_OPERATIONAL", LegalDates(convicted, start), [12, 18, 24])
            if m >= supervision
        ]
        or [supervision]
    )
    event = _event(ctx, person, number, convicted, rng, batch, crown=rng.random() < 0.35, custody=False)
    operational_end = add_months(start, operational)
    supervision_end = add_months(start, supervision)
    sentence = Sentence(
        id=ctx.run.ids.next(Sentence),
        event=event,
        person=person,
        sentence_type=ctx.run.ref.sentence_types["SSO"],
        sentence_date=start,
        start_date=start,
        expected_end_date=operational_end,
        length_months=operational,
        custodial_term_months=term,
        operational_period_end=operational_end,
        supervision_period_end=supervision_end,
        two_thirds_date=two_thirds_date(start, operational_end),
    )
    batch.sentences.append(sentence)
    plan = SentencePlan("SSO", event, sentence, supervision_end=supervision_end)
    _community_requirements(ctx, plan, convicted, rng, batch)
    return plan


def _licence(ctx, person, number, ages, rng, batch, *, long: bool = False):
    """A determinate sentence of two years or more, released at the halfway point onto licence."""
    today = ctx.run.today
    custody_lengths = [24, 30, 36, 36, 42, 48, 48, 60, 72, 84, 96]
    if long:
        # Sixteen years: released at the halfway point onto eight years of licence.
        months, released = LONG_CUSTODY_MONTHS, working_day_on_or_before(
            ctx.run.cal, today - timedelta(days=ages[0])
        )
    else:
        # For a licence the window is on the licence period: half the custodial term.
        months, released = _start_window(
            ctx,
            ages,
            lambda m: add_months(today + STILL_RUNNING, -(m // 2)) + timedelta(days=1),
            rng,
            custody_lengths,
        )
    convicted = add_months(released, -(months // 2))
    expiry = add_months(convicted, months)
    event = _event(ctx, person, number, convicted, rng, batch, crown=True, custody=True)
    sentence = Sentence(
        id=ctx.run.ids.next(Sentence),
        event=event,
        person=person,
        sentence_type=ctx.run.ref.sentence_types["LIC"],
        sentence_date=released,
        start_date=released,
        expected_end_date=expiry,
        licence_expiry_date=expiry,
        sentence_expiry_date=expiry,
        two_thirds_date=two_thirds_date(released, expiry),
    )
    batch.sentences.append(sentence)
    plan = SentencePlan("LIC", event, sentence, supervision_end=expiry)
    _licence_conditions(ctx, plan, rng, batch, count=rng.randint(1, 3))
    return plan


def _post_sentence(ctx, person, number, ages, rng, batch):
    """A sentence under two years: licence to sentence expiry, then top-up supervision to 12 months after release."""
    today = ctx.run.today
    months = rng.choice([3, 4, 6, 8, 9, 12, 16, 18])
    latest_release = min(
        add_months(today, -(months - months // 2)) - timedelta(days=1), today - timedelta(days=ages[0])
    )
    earliest_release = add_months(today + STILL_RUNNING, -12) + timedelta(days=1)
    span = max(0, (latest_release - earliest_release).days)
    released = working_day_on_or_before(ctx.run.cal, earliest_release + timedelta(days=rng.randint(0, span)))
    released = max(released, earliest_release)
    convicted = add_months(released, -(months // 2))
    expiry = add_months(convicted, months)
    supervision_end = add_months(released, 12)
    event = _event(ctx, person, number, convicted, rng, batch, crown=rng.random() < 0.3, custody=True)
    sentence = Sentence(
        id=ctx.run.ids.next(Sentence),
        event=event,
        person=person,
        sentence_type=ctx.run.ref.sentence_types["PSS"],
        sentence_date=released,
        start_date=released,
        expected_end_date=supervision_end,
        licence_expiry_date=expiry,
        sentence_expiry_date=expiry,
        supervision_end_date=supervision_end,
        two_thirds_date=two_thirds_date(released, supervision_end),
    )
    batch.sentences.append(sentence)
    plan = SentencePlan("PSS", event, sentence, supervision_end=supervision_end)
    _licence_conditions(ctx, plan, rng, batch, count=rng.randint(0, 1))
    return plan


def _requirement(ctx, plan, code, length, months, subtype, batch) -> Requirement:
    start = plan.start
    end = min(add_months(start, months), plan.supervision_end) if months else plan.supervision_end
    requirement = Requirement(
        id=ctx.run.ids.next(Requirement),
        sentence=plan.sentence,
        requirement_type=ctx.run.ref.requirement_types[code],
        subtype=subtype,
        length=length,
        start_date=start,
        expected_end_date=end,
    )
    if end < ctx.run.today:
        requirement.terminated_on = end
        requirement.termination_reason = "Completed"
    plan.requirements.append(requirement)
    batch.requirements.append(requirement)
    return requirement


def _community_requirements(ctx, plan: SentencePlan, convicted: date, rng, batch) -> None:
    limits = ctx.run.ref.limits
    dates = LegalDates(convicted, plan.sentence.sentence_date)
    order_months = max(1, (plan.supervision_end - plan.start).days // 30)
    chosen = [code for code, chance in COMMUNITY_REQUIREMENTS if rng.random() < chance][:3]
    if not chosen:
        chosen = [rng.choice(["RAR", "UPW"])]
    if "AAMR" in chosen and "ATR" in chosen:  # the law does not allow both together
        chosen.remove("AAMR")
    for code in chosen:
        if code not in ctx.run.ref.requirement_types:
            continue
        if code == "UPW":
            hours = rng.choice(
                limits.choose("UPW", dates, [40, 60, 80, 80, 100, 120, 150, 180, 200, 240, 300])
            )
            _requirement(ctx, plan, code, hours, 12, rng.choice(vocab.UPW_PLACEMENTS), batch)
        elif code == "RAR":
            _requirement(
                ctx, plan, code, rng.choice([5, 10, 15, 20, 20, 25, 30, 40, 50, 60]), None, "", batch
            )
        elif code == "CURF":
            # At most 112 hours in any seven days, so a daily curfew stays at 16 hours or less.
            hours = rng.choice(
                [h for h in limits.choose("CURF", dates, [6, 8, 9, 10, 11, 12, 14, 16]) if h <= 16]
            )
            months = rng.choice(limits.choose("CURF_PERIOD", dates, [1, 2, 3, 4, 6]))
            start_hour = 24 - hours // 2 - 4
            subtype = f"{start_hour % 24:02d}:00 to {(start_hour + hours) % 24:02d}:00 daily"
            _requirement(ctx, plan, code, hours, months, subtype, batch)
            if "ECM" in ctx.run.ref.requirement_types:  # curfews are electronically monitored
                _requirement(ctx, plan, "ECM", months, months, "Curfew monitoring tag", batch)
        elif code == "PROG":
            _requirement(ctx, plan, code, rng.choice([20, 24, 30]), None, rng.choice(vocab.PROGRAMMES), batch)
        elif code in {"DRR", "ATR", "MHTR", "RESI", "PROH"}:
            months = min(order_months, rng.choice([6, 9, 12]))
            subtype = (
                rng.choice(vocab.PROHIBITIONS)
                if code == "PROH"
                else ("Non-residential" if code != "RESI" else "")
            )
            _requirement(ctx, plan, code, months, months, subtype, batch)
        else:  # AAMR (days), EXCL and FTP (months)
            preferred = {"AAMR": [30, 60, 90, 120], "EXCL": [3, 6, 12], "FTP": [3, 6, 12]}[code]
            length = rng.choice(limits.choose(code, dates, preferred))
            months = length // 30 if code == "AAMR" else length
            subtype = f"Not to enter {ctx.plan.town} town centre" if code == "EXCL" else ""
            _requirement(ctx, plan, code, length, months, subtype, batch)


def _licence_conditions(ctx, plan, rng, batch, *, count: int) -> None:
    pools = ctx.run.pools
    chosen = [code for code, chance in LICENCE_CONDITIONS if rng.random() < chance][:count]
    subtypes = {
        "LC-RES": f"Reside at {rng.choice(vocab.APPROVED_PREMISES_STEMS)} House approved premises",
        "LC-CONT": f"No contact with {pools.first_name(rng, 'F')} {rng.choice(pools.surname)}",
        "LC-PROG": rng.choice(vocab.PROGRAMMES),
        "LC-EXCL": f"Not to enter the exclusion zone around {ctx.plan.town} town centre",
        "LC-CURF": "Curfew 19:00 to 07:00 at the approved address",
        "LC-DRUG": "Attend drug testing as required",
        "LC-EM": "Wear an electronic monitoring tag",
        "LC-SUP": "Report to staff at the approved premises",
    }
    for code in chosen:
        if code in ctx.run.ref.requirement_types:
            _requirement(ctx, plan, code, None, None, subtypes[code], batch)


def build_previous_event(ctx: TeamContext, person, number: int, before: date, rng, batch) -> date:
    """An earlier conviction whose community order was completed or revoked."""
    convicted = working_day_on_or_before(ctx.run.cal, before - timedelta(days=rng.randint(700, 2600)))
    event = _event(ctx, person, number, convicted, rng, batch, crown=False, custody=False)
    months = 12
    end = add_months(convicted, months)
    revoked = rng.random() < 0.1
    sentence = Sentence(
        id=ctx.run.ids.next(Sentence),
        event=event,
        person=person,
        sentence_type=ctx.run.ref.sentence_types["CO"],
        sentence_date=convicted,
        start_date=convicted,
        expected_end_date=end,
        length_months=months,
        two_thirds_date=two_thirds_date(convicted, end),
        terminated_on=end - timedelta(days=rng.randint(30, 120)) if revoked else end,
        termination_reason="Revoked – re-sentenced" if revoked else "Completed",
    )
    batch.sentences.append(sentence)
    code = rng.choice(["UPW", "RAR"])
    length = rng.choice([60, 80, 100]) if code == "UPW" else rng.choice([10, 15, 20])
    batch.requirements.append(
        Requirement(
            id=ctx.run.ids.next(Requirement),
            sentence=sentence,
            requirement_type=ctx.run.ref.requirement_types[code],
            length=length,
            start_date=convicted,
            expected_end_date=end,
            terminated_on=sentence.terminated_on,
            termination_reason=sentence.termination_reason,
            progress=length if not revoked else length // 2,
        )
    )
    return convicted
