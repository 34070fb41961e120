"""Where a page's server time goes: cProfile over repeated requests, in-process.

    .venv/bin/python bench/profile_page.py /caseload/ [--user practitioner] [--runs 20] [--sort tottime]

Prints the functions that take the most time across ``--runs`` requests (after a warm-up), and how much of
the total was spent waiting for the database. Use it beside bench/pages.py when a page's time is more than
three times its SQL.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

harness.setup_django()

import subjects  # noqa: E402
from django.db import connection  # noqa: E402

from openprobation.staff.models import User  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user", default="practitioner")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=35)
    args = parser.parse_args()
    client = subjects.Clients().for_user(User.objects.get(username=args.user))
    for _ in range(3):
        subjects.expect(client.get(args.url), 200, args.url)

    database = [0.0]

    def timed_execute(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database[0] += time.perf_counter() - started

    profile = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed_execute):
        profile.enable()
        for _ in range(args.runs):
            client.get(args.url)
        profile.disable()
    total = time.perf_counter() - started
    print(f"{args.url}: {total / args.runs * 1000:.1f} ms a request (profiled), of which the database "
          f"{database[0] / args.runs * 1000:.1f} ms")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
    print(out.getvalue())


if __name__ == "__main__":
    main()
