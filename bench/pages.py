"""Server-side page timings against their budgets, each beside the time of its own SQL alone.

Usage (on a database holding the demo data, ideally `--scale national` on PostgreSQL; see README.md):

    .venv/bin/python bench/pages.py [--runs 30] [--sweeps] [--explain] [--json bench/results/pages.json]

For every page it signs in as the right user, warms up, then requests the page ``--runs`` times in-process
with Django's test client (middleware, view, template; no network) and records the milliseconds of each
request. It captures the SQL one request sends and replays exactly those statements ``--runs`` times
through a raw cursor: the page's minimum SQL, without the ORM, the view or the template. It prints p50 and
p95 of both, the page/SQL ratios and the budget verdict. ``--sweeps`` also runs the daily sweeps over all
active cases (twice: the first run raises the alerts, the second finds them already raised). ``--explain``
prints EXPLAIN ANALYZE for the three slowest statements of every page over budget.

Record an outcome is a real POST (an attended outcome on a different overdue appointment each run), so the
benchmark changes the data: run it on a benchmark database. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

harness.setup_django()

import subjects  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from openprobation.people.models import Person  # noqa: E402
from openprobation.supervision.models import Contact  # noqa: E402

RATIO_BUDGET = 3.0
SWEEPS_BUDGET_SECONDS = 60.0


@dataclass
class Row:
    page: str
    url: str
    budget_ms: float | None
    queries: int
    page_p50: float
    page_p95: float
    sql_p50: float
    sql_p95: float

    @property
    def ratio_p50(self) -> float:
        return self.page_p50 / self.sql_p50 if self.sql_p50 else float("nan")

    @property
    def ratio_p95(self) -> float:
        return self.page_p95 / self.sql_p95 if self.sql_p95 else float("nan")

    @property
    def within_budget(self) -> bool:
        return self.budget_ms is None or self.page_p95 < self.budget_ms

    @property
    def within_ratio(self) -> bool:
        return self.ratio_p50 <= RATIO_BUDGET


def measure_get(label, client, url, budget, runs, warmup=3) -> tuple[Row, list[str]]:
    for _ in range(warmup):
        subjects.expect(client.get(url), 200, url)
    response, statements = harness.capture(lambda: client.get(url))
    subjects.expect(response, 200, url)
    page, sql = harness.Timing(), harness.Timing()
    rollback = harness.needs_rollback(statements)
    for _ in range(runs):
        response, seconds = harness.timed(lambda: client.get(url))
        subjects.expect(response, 200, url)
        page.add(seconds)
        sql.add(harness.replay(statements, rollback=rollback))
    return Row(label, url, budget, len(statements), page.p50, page.p95, sql.p50, sql.p95), statements


def measure_outcome(label, budget, runs, warmup=3) -> tuple[Row, list[str]]:
    """POST an attended outcome to a different overdue appointment every run, as its practitioner."""
    appointments = subjects.overdue_appointments(runs + warmup + 1)
    if len(appointments) < runs + warmup + 1:
        raise SystemExit(f"Only {len(appointments)} appointments still need an outcome: regenerate the data.")
    clients = subjects.Clients()
    attended = subjects.attended_outcome_id()

    def post(contact):
        client = clients.for_user(contact.person.practitioner)
        url = f"/cases/{contact.person.crn}/appointments/{contact.pk}/outcome/"
        data = {"version": contact.version, "outcome": attended, "notes": "Attended and engaged well."}
        return url, (lambda: client.post(url, data))

    for contact in appointments[:warmup]:
        url, call = post(contact)
        subjects.expect(call(), 302, url)
    url, call = post(appointments[warmup])
    response, statements = harness.capture(call)
    subjects.expect(response, 302, url)
    page, sql = harness.Timing(), harness.Timing()
    for contact in appointments[warmup + 1 :]:
        url, call = post(contact)
        response, seconds = harness.timed(call)
        subjects.expect(response, 302, url)
        page.add(seconds)
        sql.add(harness.replay(statements, rollback=True))
    return Row(label, "POST " + url, budget, len(statements), page.p50, page.p95, sql.p50, sql.p95), statements


def run_sweeps() -> list[dict]:
    from openprobation.alerts import sweeps

    results = []
    for attempt in ("first run", "second run"):
        outcome, seconds = harness.timed(lambda: sweeps.run_all_sweeps(timezone.localdate(), raise_errors=True))
        results.append({"run": attempt, "seconds": round(seconds, 2), "sweeps": outcome})
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sweeps", action="store_true", help="Also time the daily sweeps.")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest SQL of slow pages.")
    parser.add_argument("--only", action="append", default=None, help="Only pages whose name contains this.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this file.")
    args = parser.parse_args()

    cast = subjects.cast()
    clients = subjects.Clients()
    practitioner, manager = clients.for_user(cast.practitioner), clients.for_user(cast.manager)
    pages = [
        ("My caseload", practitioner, "/caseload/", 100),
        ("Team caseload", manager, "/caseload/team/", 100),
        ("Case overview", practitioner, f"/cases/{cast.case.crn}/", 150),
        ("Activity log, first page", practitioner, f"/cases/{cast.busiest.crn}/activity-log/", 150),
        ("Search: misspelt name", practitioner, f"/search/?q={cast.misspelt.replace(' ', '+')}", 50),
        ("Search: CRN", practitioner, f"/search/?q={cast.case.crn}", 50),
    ]
    print(cast.describe())
    print(f"Database: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}; "
          f"people: {Person.objects.count():,}; contacts: {Contact.objects.count():,}; runs per page: {args.runs}")
    print()
    header = f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'budget':>7} {'SQL p50':>8} {'SQL p95':>8} " \
             f"{'ratio p50':>9} {'ratio p95':>9} {'queries':>7}  verdict"
    print(header)
    rows, statements_by_page = [], {}
    wanted = [p for p in pages if not args.only or any(o.lower() in p[0].lower() for o in args.only)]
    for label, client, url, budget in wanted:
        row, statements = measure_get(label, client, url, budget, args.runs)
        rows.append(row)
        statements_by_page[label] = statements
        print_row(row)
    if not args.only or any(o.lower() in "record an outcome" for o in args.only):
        row, statements = measure_outcome("Record an outcome", 150, args.runs)
        rows.append(row)
        statements_by_page[row.page] = statements
        print_row(row)

    sweeps = None
    if args.sweeps:
        print()
        sweeps = run_sweeps()
        for result in sweeps:
            verdict = "ok" if result["seconds"] < SWEEPS_BUDGET_SECONDS else "OVER BUDGET"
            print(f"Daily sweeps, {result['run']}: {result['seconds']:.1f} s (budget {SWEEPS_BUDGET_SECONDS:.0f} s) "
                  f"{verdict}")
            for path, counts in result["sweeps"].items():
                print(f"  {path}: {counts}")

    if args.explain and connection.vendor == "postgresql":
        for row in rows:
            if row.within_budget and row.within_ratio:
                continue
            print(f"\n=== {row.page}: slowest statements ===")
            for ms, sql in harness.slowest(statements_by_page[row.page]):
                print(f"\n-- {ms:.1f} ms\n{sql}\n")
                print(harness.explain(sql))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": platform.node(), "python": platform.python_version(), "runs": args.runs,
            "subjects": cast.as_dict(),
            "pages": [asdict(r) | {"ratio_p50": r.ratio_p50, "ratio_p95": r.ratio_p95} for r in rows],
            "sweeps": sweeps,
        }, indent=2, default=str))


def print_row(row: Row) -> None:
    budget = f"{row.budget_ms:.0f}" if row.budget_ms else "-"
    verdict = []
    if not row.within_budget:
        verdict.append("OVER BUDGET")
    if not row.within_ratio:
        verdict.append(f"ratio over {RATIO_BUDGET:.0f}")
    print(f"{row.page:28} {row.page_p50:8.1f} {row.page_p95:8.1f} {budget:>7} {row.sql_p50:8.1f} {row.sql_p95:8.1f} "
          f"{row.ratio_p50:9.1f} {row.ratio_p95:9.1f} {row.queries:7d}  {', '.join(verdict) or 'ok'}", flush=True)


if __name__ == "__main__":
    main()
