"""A bulk load on several cores (PostgreSQL): the teams, then the modules, each spread over worker processes.

The generator is Python, so one process keeps one core busy while PostgreSQL mostly waits. Here the main
process drops the foreign keys of every table the load fills and the indexes of the teams' tables (and
commits that), then forked workers each take whole teams, build them and COPY them in a transaction of
their own. The main process builds the indexes again, and the workers take ranges of whole teams through
the modules (flags, assessments and tiers, commissioned services). What needs everyone at once (the
alerts the sweeps would raise, sharing) runs in the main process before the foreign keys come back, each
checked in one pass.

Keys are decided without asking the database: every table gives each team a block of `BLOCK` keys after the
largest key it held when the load began, so a team's rows are the same whichever worker builds them and
whatever order the teams finish in. The modules take their keys from the tables' sequences.

Unlike the single-transaction load, this commits as it goes. If anything fails, the indexes and keys are
put back where the rows allow it and the error says to start again from an empty database.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from openprobation.people.models import Person

from .assessments import build_assessments, finish_assessments
from .cases import build_team
from .context import TeamContext
from .errors import DemoDataError
from .interventions import Setup, build_services, finish_interventions, setup_counts
from .registrations import build_registrations
from .rows import IdAllocator
from .sharing import build_sharing
from .writer import Batch, DeferredSchema, Writer

logger = logging.getLogger(__name__)

# Keys a team may use in each table: more than ten times the contacts of the longest-history team.
BLOCK = 1_000_000
# Ranges of teams per worker for the modules, so that a slow range does not leave a core idle at the end.
RANGES_PER_WORKER = 4


class BlockIds(IdAllocator):
    """The keys of one team's rows: the team's block in every table (see the module's docstring)."""

    def __init__(self, bases: dict, block: int):
        super().__init__()
        self.bases, self.block = bases, block
        self._count: dict = {}

    def next(self, model) -> int:
        n = self._count.get(model, 0)
        if n >= BLOCK:
            raise DemoDataError(f"A team has more than {BLOCK:,} {model._meta.verbose_name_plural}.")
        self._count[model] = n + 1
        return self.bases[model] + self.block * BLOCK + n

    def note(self, model, value: int) -> None:
        raise DemoDataError("A team's rows take their keys from their block.")


@dataclass
class Job:
    """Everything a worker needs, set before the workers are forked (so nothing is pickled)."""

    plan: object
    run: object
    staff_by_team: dict
    sign_ins: dict
    bases: dict
    stamp: object
    setup: Setup | None = None
    ranges: tuple = ()


_job: Job | None = None


def _team(index: int):
    job = _job
    team_plan = job.plan.teams[index]
    staff = job.staff_by_team[team_plan.code]
    fixed = job.sign_ins["practitioner"]
    job.run.ids = ids = BlockIds(job.bases, index)
    ctx = TeamContext(
        run=job.run, plan=team_plan, team=staff.team, office=staff.office, practitioners=staff.practitioners,
        manager=staff.manager, case_admins=staff.case_admins,
        fixed_practitioner=fixed if fixed in staff.practitioners else None,
    )
    timings = Counter()
    with transaction.atomic():
        mark = time.monotonic()
        batch = build_team(ctx)
        timings["build"] += time.monotonic() - mark
        mark = time.monotonic()
        counts = Writer(ids=ids, stamp=job.stamp).write(batch)
        timings["write"] += time.monotonic() - mark
    return counts, timings


def _modules(index: int):
    job = _job
    first, last = job.ranges[index]
    people = Person.objects.filter(pk__gte=first, pk__lt=last)
    run, fixed = job.run, job.sign_ins["practitioner"]
    counts, timings = Counter(), Counter()
    with transaction.atomic():
        for name, build in (
            ("registrations", lambda: build_registrations(seed=run.seed, today=run.today, people=people)),
            ("assessments", lambda: build_assessments(seed=run.seed, today=run.today, practitioner=fixed,
                                                      people=people, finish=False)),
            ("interventions", lambda: build_services(run=run, setup=job.setup, sign_ins=job.sign_ins,
                                                     people=people)),
        ):
            mark = time.monotonic()
            counts.update(build())
            timings[name] += time.monotonic() - mark
    return counts, timings


def _pool(workers: int):
    # Forked workers open their own connections: none may be inherited from this process.
    connections.close_all()
    return multiprocessing.get_context("fork").Pool(workers)


def _bases() -> dict:
    allocator = IdAllocator()
    return {model: allocator.next(model) for model in Batch.models()}


def _team_ranges(plan, bases: dict, workers: int) -> tuple:
    """Ranges of person keys, each whole teams with about the same number of people."""
    teams = [(i, t.people + t.closed) for i, t in enumerate(plan.teams) if t.people + t.closed]
    if not teams:
        return ()
    wanted = max(1, min(len(teams), workers * RANGES_PER_WORKER))
    per_range = sum(n for _, n in teams) / wanted
    ranges, first, held = [], teams[0][0], 0
    base = bases[Person]
    for position, (index, people) in enumerate(teams):
        held += people
        last_team = position == len(teams) - 1
        if held >= per_range or last_team:
            ranges.append((base + first * BLOCK, base + (index + 1) * BLOCK))
            if not last_team:
                first, held = teams[position + 1][0], 0
    return tuple(ranges)


def _move_sequences(models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(COALESCE(MAX(id), 0), 1), "  # noqa: S608
                f"MAX(id) IS NOT NULL) FROM {connection.ops.quote_name(table)}",
                [table],
            )


def _analyze(models) -> None:
    with connection.cursor() as cursor:
        for model in dict.fromkeys(models):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def load(*, plan, run, staff_by_team, sign_ins, workers: int, module_models: list, result, timings: Counter,
         progress=None) -> None:
    """Write the teams and run the modules on ``workers`` processes; see the module's docstring."""
    global _job
    keys = DeferredSchema(Batch.models() + module_models, indexes=False)
    indexes = DeferredSchema(Batch.models(), indexes=True)
    with transaction.atomic():
        keys.drop()
        indexes.drop()
    _job = Job(plan=plan, run=run, staff_by_team=staff_by_team, sign_ins=sign_ins, bases=_bases(),
               stamp=timezone.now())
    try:
        mark = time.monotonic()
        with _pool(workers) as pool:
            for done, (counts, spent) in enumerate(pool.imap_unordered(_team, range(len(plan.teams))), start=1):
                result.counts.update(counts)
                timings.update(spent)
                if progress:
                    progress(done, len(plan.teams))
        timings["teams (wall)"] += time.monotonic() - mark

        mark = time.monotonic()
        _move_sequences(Batch.models())
        with transaction.atomic():
            indexes.restore()
        _analyze(Batch.models())
        timings["indexes"] += time.monotonic() - mark

        mark = time.monotonic()
        with transaction.atomic():
            _job.setup = Setup(run, sign_ins["admin"], sign_ins["provider"])
        result.counts.update(setup_counts(_job.setup))
        _job.ranges = _team_ranges(plan, _job.bases, workers)
        with _pool(workers) as pool:
            for counts, spent in pool.imap_unordered(_modules, range(len(_job.ranges))):
                result.counts.update(counts)
                timings.update(spent)
        timings["modules (wall)"] += time.monotonic() - mark

        mark = time.monotonic()
        with transaction.atomic():
            result.counts.update(finish_assessments(today=run.today, practitioner=sign_ins["practitioner"]))
            result.counts.update(finish_interventions(run=run))
            timings["finish"] += time.monotonic() - mark
            mark = time.monotonic()
            result.counts.update(build_sharing(run=run, sign_ins=sign_ins))
            timings["sharing"] += time.monotonic() - mark
            mark = time.monotonic()
            keys.restore()
        timings["keys"] += time.monotonic() - mark
    except BaseException as error:
        _put_back(indexes, keys)
        if isinstance(error, DemoDataError | KeyboardInterrupt):
            raise
        raise DemoDataError(
            f"The parallel load failed ({type(error).__name__}: {error}). What was written is committed: "
            "drop the database and run it again, or run again with --reset."
        ) from error
    finally:
        _job = None


def _put_back(*schemas: DeferredSchema) -> None:
    """After a failure: whatever indexes and keys the rows written so far allow, so the schema is whole."""
    for schema in schemas:
        schema.restore(each_on_its_own=True)
