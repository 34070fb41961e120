"""Generate a whole demo: organisation and staff, then each team's cases in turn, then one audit event."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.staff.models import Region

from . import parallel
from .assessments import build_assessments
from .cases import build_team
from .context import NamePools, RunContext, TeamContext
from .errors import DemoDataExists
from .interventions import build_interventions
from .organisation import WITHOUT_TEAM, build_organisation, build_staff
from .plan import closed_for_scale, people_for_scale, plan_organisation
from .reference import Reference
from .registrations import build_registrations
from .reset import delete_domain_data, domain_data_exists
from .sharing import build_sharing
from .writer import Batch, Writer, deferred_foreign_keys, deferred_indexes

# From this many people on PostgreSQL, the load runs as one transaction with the indexes built at the end.
BULK_LOAD_PEOPLE = 20_000
# Demos this big give the fixed practitioner a case with an activity log of more than 2,000 entries.
LONG_HISTORY_PEOPLE = 1_000
# Processes for a bulk load: the machines it is measured on have two cores.
DEFAULT_WORKERS = 2

# Printed by the command and the README; only these accounts can sign in.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (a published demo password, never used in production data)


@dataclass
class Result:
    people: int
    seed: int
    today: date
    closed: int = 0
    counts: Counter = field(default_factory=Counter)
    sign_ins: dict = field(default_factory=dict)  # username -> User
    seconds: float = 0.0
    deleted_people: int = 0
    timings: dict = field(default_factory=dict)  # seconds spent building, writing, indexing, vacuuming


def generate(
    *,
    scale: str | int = "small",
    seed: int = 1,
    today: date,
    history_months: int = 12,
    reset: bool = False,
    progress=None,
    bulk: bool | None = None,
    closed: int | None = None,
    workers: int | None = None,
) -> Result:
    """Build the demo. Refuses if people or teams exist, unless ``reset`` deletes the old demo first.

    ``closed`` is how many closed cases (all orders ended years ago) to add to the ``scale`` active ones;
    by default 30% more for the national scale and none otherwise. ``progress`` is called after each team
    with (teams done, teams in all) for long runs. ``bulk`` (by default: PostgreSQL and at least
    ``BULK_LOAD_PEOPLE`` people) loads everything in one transaction, building the indexes of the
    generated tables once at the end, then vacuums and analyses the database. ``workers`` (by default two
    for a bulk load on a machine with two cores or more, otherwise one) spreads a bulk load over that many
    processes (`parallel.load`), committing as it goes.
    """
    started = time.monotonic()
    people = people_for_scale(scale)
    closed = closed_for_scale(scale) if closed is None else max(0, closed)
    result = Result(people=people, seed=seed, today=today, closed=closed)
    if domain_data_exists():
        if not reset:
            raise DemoDataExists(
                "The database already holds people or teams. Run again with --reset to delete the people, "
                "their sentences and their history first (staff and the audit trail are kept)."
            )
        result.deleted_people = delete_domain_data()

    plan = plan_organisation(people, seed, closed=closed)
    run = RunContext(
        seed=seed,
        today=today,
        history_months=history_months,
        ref=Reference(),
        pools=NamePools.build(seed),
        # Hashing is deliberately slow, so the demo password is hashed once for every fixed account.
        password_hash=make_password(DEMO_PASSWORD),
        unusable_hash=make_password(None),
        long_history=people >= LONG_HISTORY_PEOPLE,
    )
    with transaction.atomic():
        org = build_organisation(plan)
        staff_by_team, result.sign_ins = build_staff(
            plan, org, run.pools, seed, password_hash=run.password_hash, unusable_hash=run.unusable_hash
        )
    result.counts["staff.Team"] = len(plan.teams)
    result.counts["staff.User"] = (
        sum(len(s.practitioners) + len(s.case_admins) + len(s.others) + 1 for s in staff_by_team.values())
        + len(WITHOUT_TEAM)
    )

    if bulk is None:
        bulk = connection.vendor == "postgresql" and people >= BULK_LOAD_PEOPLE
    if workers is None:
        workers = min(DEFAULT_WORKERS, os.cpu_count() or 1) if bulk else 1
    writer = Writer(ids=run.ids, stamp=timezone.now())
    timings = Counter()
    if bulk and workers > 1 and connection.vendor == "postgresql":
        parallel.load(plan=plan, run=run, staff_by_team=staff_by_team, sign_ins=result.sign_ins, workers=workers,
                      module_models=module_models(), result=result, timings=timings, progress=progress)
    else:
        _load(plan, run, staff_by_team, result, writer, timings, bulk=bulk, progress=progress)
    if bulk and connection.vendor == "postgresql":
        mark = time.monotonic()
        _vacuum_analyze()
        timings["vacuum"] += time.monotonic() - mark
    result.timings = {k: round(v, 1) for k, v in timings.items()}

    result.seconds = round(time.monotonic() - started, 1)
    record(
        "demo_data_generated",
        Region.objects.get(code=plan.regions[0][0]),
        by=None,
        seed=seed,
        today=today,
        scale=str(scale),
        closed=closed,
        history_months=history_months,
        reset=reset,
        deleted_people=result.deleted_people,
        seconds=result.seconds,
        counts=dict(sorted(result.counts.items())),
    )
    return result


def _load(plan, run, staff_by_team, result, writer, timings, *, bulk: bool, progress) -> None:
    """The teams one after another, then the modules, in this process."""
    seed, today = run.seed, run.today
    fixed_practitioner = result.sign_ins["practitioner"]
    # A bulk load is one transaction: the foreign keys of every table it fills are dropped for the whole
    # load and the teams' tables lose their indexes too while the teams are written; all come back, checked,
    # before the commit. Otherwise each team commits on its own.
    with transaction.atomic() if bulk else contextlib.nullcontext(), contextlib.ExitStack() as keys:
        if bulk:
            keys.enter_context(deferred_foreign_keys(Batch.models() + module_models()))
        with deferred_indexes(Batch.models()) if bulk else contextlib.nullcontext():
            for done, team_plan in enumerate(plan.teams, start=1):
                staff = staff_by_team[team_plan.code]
                ctx = TeamContext(
                    run=run,
                    plan=team_plan,
                    team=staff.team,
                    office=staff.office,
                    practitioners=staff.practitioners,
                    manager=staff.manager,
                    case_admins=staff.case_admins,
                    fixed_practitioner=fixed_practitioner if fixed_practitioner in staff.practitioners else None,
                )
                # One team at a time: build in memory, write, forget. Memory stays flat at any scale.
                with transaction.atomic():
                    mark = time.monotonic()
                    batch = build_team(ctx)
                    timings["build"] += time.monotonic() - mark
                    mark = time.monotonic()
                    result.counts.update(writer.write(batch))
                    timings["write"] += time.monotonic() - mark
                if progress:
                    progress(done, len(plan.teams))
            mark = time.monotonic()
        timings["indexes"] += time.monotonic() - mark
        # Modules that add to every person once all of them are written (indexes in place again), each
        # timed on its own.
        modules = (
            ("registrations", lambda: build_registrations(seed=seed, today=today)),
            ("assessments", lambda: build_assessments(seed=seed, today=today, practitioner=fixed_practitioner)),
            ("interventions", lambda: build_interventions(run=run, sign_ins=result.sign_ins)),
            ("sharing", lambda: build_sharing(run=run, sign_ins=result.sign_ins)),
        )
        for name, build_module in modules:
            mark = time.monotonic()
            result.counts.update(build_module())
            timings[name] += time.monotonic() - mark
        mark = time.monotonic()
    timings["keys"] += time.monotonic() - mark


def module_models() -> list:
    """The tables the modules after the teams fill in bulk (their foreign keys are checked once, at the end)."""
    from openprobation.alerts.models import Alert
    from openprobation.assessments import models as assessments
    from openprobation.interventions import models as interventions
    from openprobation.protection.models import Registration, RegistrationReview
    from openprobation.supervision.models import Contact, ContactNote

    return [
        Registration, RegistrationReview,
        assessments.Assessment, assessments.RoshRating, assessments.RiskToSelf, assessments.NeedRating,
        assessments.ExternalAssessment, assessments.Goal, assessments.Step, assessments.PlanVersion,
        assessments.PersonRequest, assessments.TierCalculation,
        interventions.Referral, interventions.ReferralOutcome, interventions.ReferralAssignment,
        interventions.ActionPlan, interventions.ReferralChange, interventions.EndOfServiceReport,
        interventions.Session, interventions.Transition, Contact, ContactNote, Alert,
    ]


def _vacuum_analyze() -> None:
    """After a bulk load: planner statistics, and a visibility map so that index-only scans work at once."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
