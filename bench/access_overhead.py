"""What the read-audit costs: the case overview served with and without its AccessEvent insert.

Usage (after `openprobation demo --no-serve`, or against any database with demo data):

    .venv/bin/python bench/access_overhead.py [--runs 200]

Signed in as the demo practitioner, it requests the overview of their busiest case in-process with Django's
test client (no network), alternating two variants run for run so that drift in the machine hits both alike:

- audited: the page as it is served, `access_case` writing one AccessEvent per request;
- not audited: the same page with only the insert skipped (`access.case._record` replaced, here in the
  harness and nowhere else); every other query, the limited-access check included, still runs.

It also times `access_case` on its own, both ways, and prints medians, p95s and the query counts.
Not a test: figures depend on the machine and the database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from openprobation.access import case as access  # noqa: E402
from openprobation.access.models import AccessEvent  # noqa: E402
from openprobation.people.models import Person  # noqa: E402
from openprobation.staff.models import User  # noqa: E402


def _skip_insert(*args, **kwargs):
    return None


class Variant:
    """Run a callable with the AccessEvent insert in place, or skipped."""

    def __init__(self, audited: bool):
        self.audited = audited
        self.times: list[float] = []
        self.queries = 0

    def run(self, call):
        real = access._record
        if not self.audited:
            access._record = _skip_insert
        try:
            connection.queries_log.clear()  # the log keeps 9,000 queries: a full one captures nothing
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                call()
                self.times.append((time.perf_counter() - start) * 1000)
            self.queries = len(captured.captured_queries)
        finally:
            access._record = real

    def summary(self) -> str:
        times = sorted(self.times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        # The minimum is the least disturbed run: on a shared machine it says more than the median about cost.
        return (f"median {statistics.median(times):7.2f} ms   min {times[0]:7.2f} ms   p95 {p95:7.2f} ms   "
                f"{self.queries:2d} queries")


def compare(label, call, runs):
    call()  # warm caches and the template loader
    audited, plain = Variant(True), Variant(False)
    for _ in range(runs):
        audited.run(call)
        plain.run(call)
    difference = statistics.median(audited.times) - statistics.median(plain.times)
    print(f"{label}")
    print(f"  audited      {audited.summary()}")
    print(f"  not audited  {plain.summary()}")
    print(f"  the read-audit adds {difference:+.2f} ms to the median "
          f"({difference / statistics.median(plain.times) * 100:+.1f}%), "
          f"{min(audited.times) - min(plain.times):+.2f} ms to the minimum")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--username", default="practitioner")
    args = parser.parse_args()
    user = User.objects.get(username=args.username)
    person = Person.objects.filter(practitioner=user).annotate(n=Count("contacts")).order_by("-n").first()
    if person is None:
        raise SystemExit(f"{args.username} has no cases: create demo data first (openprobation demo --no-serve)")
    client = Client()
    client.force_login(user)
    url = reverse("case:overview", args=[person.crn])

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    def choke_point():
        access.access_case(user, person.crn, part="overview")

    before = AccessEvent.objects.count()
    print(f"{connection.vendor}, {Person.objects.count():,} people, case {person.crn} with {person.n} contacts, "
          f"{args.runs} runs of each variant\n")
    compare("Case overview page (server side, in-process)", page, args.runs)
    compare("access_case alone", choke_point, args.runs)
    written = AccessEvent.objects.count() - before
    print(f"\n{written:,} AccessEvents written (audited runs and warm-ups only)")


if __name__ == "__main__":
    main()
