"""Server-side timings and query counts for the main pages, on whatever database is configured.

Usage (after `openprobation demo --no-serve`, or against any database with demo data):

    .venv/bin/python bench/pages.py [--runs 30]

Each page is requested in-process with Django's test client (no network), signed in as the demo
practitioner (or manager for the team caseload). Prints median and p95 milliseconds and the number of
SQL queries per request. Not a test: figures depend on the machine.
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

from openprobation.people.models import Person  # noqa: E402
from openprobation.staff.models import User  # noqa: E402


def measure(client, url, runs):
    client.get(url)  # warm caches and the template loader
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    practitioner = User.objects.get(username="practitioner")
    manager = User.objects.get(username="manager")
    busiest = (
        Person.objects.filter(practitioner=practitioner).annotate(n=Count("contacts")).order_by("-n").first()
    )
    misspelt = busiest.surname[:-2] + busiest.surname[-1:] + busiest.surname[-2]  # swap the last two letters
    pages = [
        ("My caseload", practitioner, "/caseload/"),
        ("Team caseload", manager, "/caseload/team/"),
        ("Case overview", practitioner, f"/cases/{busiest.crn}/"),
        ("Personal details", practitioner, f"/cases/{busiest.crn}/personal-details/"),
        ("Appointments", practitioner, f"/cases/{busiest.crn}/appointments/"),
        ("Activity log (first page)", practitioner, f"/cases/{busiest.crn}/activity-log/"),
        ("Compliance", practitioner, f"/cases/{busiest.crn}/compliance/"),
        ("Search: misspelt name", practitioner, f"/search/?q={busiest.first_name}+{misspelt}"),
        ("Search: CRN", practitioner, f"/search/?q={busiest.crn}"),
    ]
    print(f"Database: {connection.vendor}; people: {Person.objects.count()}; "
          f"case used: {busiest.crn} with {busiest.n} contacts; runs per page: {args.runs}")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        median, p95, queries = measure(client, url, args.runs)
        print(f"{label:32} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
