"""A small timing harness for the benchmarks in bench/: percentiles, in-process requests, SQL replay.

Not a test and not a library for the application: figures depend on the machine and the database.
Every timing here is server-side: requests go through Django's test client in the same process (the
whole middleware stack, the view and the template, no network), and each one is timed on its own.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")
    import django

    django.setup()
    # Start as a web worker does (openprobation/wsgi.py): URLconf loaded, start-up objects frozen out of the
    # garbage collector's full collections.
    import openprobation.wsgi  # noqa: F401


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 30 runs is the 29th fastest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Timing:
    """Milliseconds of repeated runs of one thing."""

    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds * 1000)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95) if self.samples else float("nan")


def timed(call):
    """(result, seconds) of one call."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def capture(call):
    """(result, [sql, ...]) of one call: every statement it sent, in order, as sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [q["sql"] for q in queries.captured_queries]


def replay(statements: list[str], *, rollback: bool) -> float:
    """Seconds to send ``statements`` again through a raw database cursor and fetch every row.

    This is the page's minimum SQL: the same statements with no ORM, view or template around them.
    Without ``rollback`` they are replayed exactly as sent, transaction control included, so a page's
    commits (and their WAL flushes) count too: right for pages whose only writes are the read-audit and
    the session. With ``rollback`` (pages that change records, whose audit chain must not fork) they
    run inside one transaction that is rolled back: nothing is left behind, and the commits are the one
    thing the replay does not pay for.
    """
    from django.db import connection, transaction

    if rollback:
        statements = [_tolerant(sql) for sql in statements if sql.strip().upper() not in _TRANSACTION_CONTROL]

    def run():
        with connection.cursor() as wrapper:
            raw = wrapper.cursor  # the driver's cursor: no Django wrapping, no debug logging
            for sql in statements:
                raw.execute(sql)
                if raw.description is not None:
                    raw.fetchall()

    started = time.perf_counter()
    if rollback:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)
    else:
        run()
    return time.perf_counter() - started


# Tables a page may write while only being read: the read-audit and the session.
READ_ONLY_WRITES = ("access_accessevent", "django_session")


def needs_rollback(statements: list[str]) -> bool:
    """Whether the statements change anything besides the read-audit and the session."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return any(
        sql.lstrip().upper().startswith(verbs) and not any(f'"{table}"' in sql[:80] for table in READ_ONLY_WRITES)
        for sql in statements
    )


_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


def _tolerant(sql: str) -> str:
    """An INSERT that does all its work but yields to a row the page already inserted (an audit sequence
    number, say) instead of failing on the duplicate."""
    if not sql.lstrip().upper().startswith("INSERT") or "ON CONFLICT" in sql.upper():
        return sql
    head, returning, tail = sql.rpartition(" RETURNING ")
    return f"{head} ON CONFLICT DO NOTHING RETURNING {tail}" if returning else f"{sql} ON CONFLICT DO NOTHING"


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement (PostgreSQL), rolled back if it changes data."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def slowest(statements: list[str], count: int = 3) -> list[tuple[float, str]]:
    """The ``count`` slowest read statements of a page, each timed once: (milliseconds, sql)."""
    from django.db import connection

    timings = []
    with connection.cursor() as wrapper:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            wrapper.cursor.execute(sql)
            wrapper.cursor.fetchall()
            timings.append(((time.perf_counter() - started) * 1000, sql))
    return sorted(timings, reverse=True)[:count]
