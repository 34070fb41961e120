"""One team's cases, built in memory and handed to the writer as a single batch."""

from __future__ import annotations

from datetime import timedelta

from . import scenarios
from .contacts import ContactBuilder
from .context import TeamContext
from .enforcement import enforce
from .people import add_personal_details, build_person, fit_to_conviction
from .plan import caseload_sizes
from .sentences import OLDEST_START_DAYS, build_current_sentence, build_previous_event, choose_sentence_type
from .timeline import Timeline
from .util import weighted
from .writer import Batch

REALLOCATED_SHARE = 0.1
# The long-history case: released on a long licence six years ago, in daily contact through approved
# premises, a hostel and several agencies. Its activity log runs to more than 2,000 entries.
LONG_HISTORY_DAYS = 6 * 365
LONG_HISTORY_CONTACT_EVERY_DAYS = 0.7


def team_assignments(ctx: TeamContext) -> list[tuple]:
    """(practitioner or None, forced scenario, forced sentence type, long history?) for each of the team's
    people, in order."""
    rng = ctx.rng("assignments")
    allocated = ctx.plan.people - ctx.plan.unallocated
    sizes = caseload_sizes(allocated, ctx.plan.practitioner_roles)
    rows = []
    for practitioner, size in zip(ctx.practitioners, sizes, strict=True):
        fixed = practitioner is ctx.fixed_practitioner
        forced = scenarios.FIXED_PRACTITIONER_CASES if fixed else []
        for position in range(size):
            scenario, code = forced[position] if position < len(forced) else (None, None)
            if fixed and position == len(forced) and ctx.run.long_history:
                rows.append((practitioner, scenarios.COMPLIANT, "LIC", True))
            else:
                rows.append((practitioner, scenario, code, False))
    rng.shuffle(rows)
    # Unallocated cases are the newest: they wait at the end of the team's list.
    rows += [(None, None, None, False)] * ctx.plan.unallocated
    return rows


def build_team(ctx: TeamContext) -> Batch:
    batch = Batch()
    for offset, (practitioner, scenario, code, long_history) in enumerate(team_assignments(ctx)):
        build_case(ctx, ctx.plan.first_person + offset, practitioner, scenario, code, batch, long_history)
    for offset in range(ctx.plan.closed):
        build_closed_case(ctx, ctx.plan.first_closed + offset, batch)
    return batch


def build_closed_case(ctx: TeamContext, index: int, batch: Batch) -> None:
    """Someone supervised years ago whose orders have all ended: found by search, allocated to nobody.

    Their supervision ended before the contact history begins, so they have no contacts.
    """
    rng = ctx.rng("closed", index)
    person = build_person(ctx, index, rng, licence=False)
    batch.people.append(person)
    earlier = rng.random() < 0.3  # and an order before that one
    convicted = build_previous_event(ctx, person, 1 + earlier, ctx.run.today - timedelta(days=400), rng, batch)
    first = convicted
    if earlier:
        first = build_previous_event(ctx, person, 1, convicted - timedelta(days=400), rng, batch)
    fit_to_conviction(person, index, first, rng)
    add_personal_details(ctx, person, batch, rng, since=convicted)


def build_case(
    ctx: TeamContext, index: int, practitioner, scenario, code, batch: Batch, long_history: bool = False
) -> None:
    run = ctx.run
    rng = ctx.rng("case", index)
    forced = code is not None
    # One of the fixed practitioner's cases has no fixed abode, so the demo always shows one.
    homeless = True if forced and scenario == scenarios.EVIDENCE_OVERDUE else None
    code = code or choose_sentence_type(rng)
    if practitioner is None:
        # Awaiting allocation: a new order or a release in the last fortnight.
        code, scenario, ages = ("CO" if code == "PSS" else code), None, (1, 14)
    else:
        scenario = scenario or weighted(rng, scenarios.WEIGHTS[code])
        ages = (scenarios.MIN_AGE_DAYS[scenario], OLDEST_START_DAYS)
    if long_history:
        ages = (LONG_HISTORY_DAYS, LONG_HISTORY_DAYS)

    previous_events = 1 if rng.random() < 0.25 else 0
    person = build_person(ctx, index, rng, licence=code in {"LIC", "PSS"})
    batch.people.append(person)
    plan = build_current_sentence(ctx, person, previous_events + 1, code, ages, rng, batch, long=long_history)
    first_conviction = plan.event.conviction_date
    if previous_events:
        first_conviction = build_previous_event(ctx, person, 1, first_conviction, rng, batch)
    fit_to_conviction(person, index, first_conviction, rng)
    add_personal_details(ctx, person, batch, rng, since=plan.start, no_fixed_abode=homeless)

    if practitioner is None:
        person.team = ctx.team  # no appointments until a practitioner is allocated
        return
    staff_on = _allocate(ctx, person, practitioner, plan, rng)
    horizon = min(run.today + timedelta(days=rng.randint(28, 42)), plan.supervision_end)
    if scenario == scenarios.RECALL:
        horizon = run.today - timedelta(days=1)  # recall requested: no further appointments are booked

    history_start = plan.start if long_history else run.history_start
    timeline = Timeline(ctx, plan, person, rng, staff_on, horizon, history_start=history_start)
    timeline.schedule()
    timeline.record_outcomes()
    timeline.settle_requirements()
    timeline.apply(scenario)
    timeline.settle_requirements()

    contacts = ContactBuilder(ctx, plan, person, batch, rng)
    contacts.appointments(timeline.appts)
    if long_history:
        contacts.communications(
            since=plan.start, staff_on=staff_on, every_days=LONG_HISTORY_CONTACT_EVERY_DAYS, spread=0.05
        )
    else:
        contacts.communications(since=max(plan.start, run.history_start), staff_on=staff_on)
    enforce(ctx, plan, timeline.appts, contacts, rng, batch)


def _allocate(ctx, person, practitioner, plan, rng):
    """Set the current allocation; return who held the case on a given day."""
    person.practitioner, person.team = practitioner, ctx.team
    person.allocated_on = plan.start
    others = [p for p in ctx.practitioners if p is not practitioner]
    if others and rng.random() < REALLOCATED_SHARE and (ctx.run.today - plan.start).days > 60:
        previous = rng.choice(others)
        handover = plan.start + timedelta(days=rng.randint(30, (ctx.run.today - plan.start).days - 14))
        person.allocated_on = handover
        return lambda day: previous if day < handover else practitioner
    return lambda day: practitioner
