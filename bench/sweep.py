"""Time the protective-service sweep over the current database: median of a few runs, queries, peak memory.

Usage (after `openprobation demo --no-serve`, or against any database, such as the national data set):

    .venv/bin/python bench/sweep.py [--runs 5] [--today 2026-11-23] [--batch-size 2000] [--all]

The first run may raise or refresh alerts (it is reported apart, as "first run"); the runs after it find
everything unchanged, which is the daily steady state, and their median is the figure to quote. ``--all``
times every configured sweep and the overdue escalation (``alerts.sweeps.run_all_sweeps``) instead.
``--tiers`` times ``recalculate_tiers`` over everyone as the demo generator calls it (no previous calculation,
``audit=False``) and reports people per second; it runs in a transaction that is rolled back.

Memory: the peak of Python allocations during each run (tracemalloc, which slows the run a little, so it is
measured on a separate run after the timed ones) and the process's peak resident set size. Not a test:
figures depend on the machine and the database. The sweep writes only alerts (and their audit events).
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from openprobation.alerts.models import Alert  # noqa: E402
from openprobation.alerts.sweeps import run_all_sweeps  # noqa: E402
from openprobation.interventions.continuity import ALERT_REASON, watched_referrals  # noqa: E402
from openprobation.interventions.models import Referral  # noqa: E402
from openprobation.interventions.sweeps import sweep_protective_services  # noqa: E402
from openprobation.people.models import Person  # noqa: E402


class QueryCounter:
    """Counts queries without keeping them (CaptureQueriesContext would hold thousands in memory)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def one_run(args, today):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        if args.all:
            counts = run_all_sweeps(today)
        else:
            counts = sweep_protective_services(today, batch_size=args.batch_size)
        seconds = time.perf_counter() - start
    return seconds, counter.count, counts


def describe(counts) -> str:
    if isinstance(counts, dict) and all(isinstance(v, dict) for v in counts.values()):
        return "; ".join(f"{path.rsplit('.', 1)[-1]}: {describe(c)}" for path, c in counts.items())
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if key != "seconds")


class RolledBack(Exception):
    pass


def time_tiers(args, today):
    """recalculate_tiers over everyone with no previous calculation, as the generator calls it; rolled back."""
    from django.db import transaction

    from openprobation.assessments.models import TierCalculation
    from openprobation.assessments.tiering import recalculate_tiers

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); tiers on {today:%d %B %Y}")
    times = []
    for _ in range(max(args.runs, 1)):
        try:
            with transaction.atomic():
                TierCalculation.objects.all().delete()
                start = time.perf_counter()
                counts = recalculate_tiers(Person.objects.all(), today=today, trigger="Demo data", audit=False)
                times.append(time.perf_counter() - start)
                print(f"  {counts['checked']:,} people in {times[-1]:.1f} s: {counts['checked'] / times[-1]:,.0f} a second")
                raise RolledBack
        except RolledBack:
            pass
    median = statistics.median(times)
    print(f"median {median:.1f} s: {counts['checked'] / median:,.0f} people a second")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the first (default 5)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--all", action="store_true", help="time every configured sweep, not only this one")
    parser.add_argument("--tiers", action="store_true", help="time the bulk tier calculation instead")
    args = parser.parse_args()
    today = args.today or timezone.localdate()
    if args.tiers:
        time_tiers(args, today)
        return

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"People: {Person.objects.count():,}; referrals: {Referral.objects.count():,}; "
          f"watched protective referrals: {watched_referrals(today).count():,}; "
          f"open protective alerts: {Alert.objects.filter(reason=ALERT_REASON, closed_at__isnull=True).count():,}")
    print(f"Judged on {today:%d %B %Y}; batch size {args.batch_size}; {'all sweeps' if args.all else 'protective'}")

    seconds, queries, counts = one_run(args, today)
    print(f"first run: {seconds:.2f} s, {queries} queries: {describe(counts)}")

    times, query_counts = [], []
    for _ in range(args.runs):
        seconds, queries, counts = one_run(args, today)
        times.append(seconds)
        query_counts.append(queries)
    if times:
        print(f"steady state ({args.runs} runs): median {statistics.median(times):.2f} s, "
              f"min {min(times):.2f} s, max {max(times):.2f} s; {max(query_counts)} queries a run")
        print(f"  last run: {describe(counts)}")

    tracemalloc.start()
    one_run(args, today)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(f"peak Python allocations during a run: {peak / 2**20:.1f} MiB; process peak RSS: {rss / 1024:.0f} MiB")
    open_alerts = Alert.objects.filter(Q(reason=ALERT_REASON), closed_at__isnull=True).count()
    print(f"open protective alerts now: {open_alerts:,}")


if __name__ == "__main__":
    main()
