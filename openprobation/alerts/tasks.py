"""Background sweeps through ``django.tasks`` (the database queue; ``openprobation worker`` runs it).

- ``run_daily_sweeps``: every configured sweep, then the escalation of overdue alerts; when it finishes it
  books its own next run for the next morning (``schedule_daily_sweeps``), so one worker keeps the daily
  cycle going. ``openprobation worker`` books the first run; a cron job calling ``manage.py run_sweeps``
  does the same work without a worker.
- ``run_sweep``: one sweep over a narrow scope (a contract, a referral, a person), enqueued by actions
  once their transaction commits, so an alert appears within the minute rather than the next morning.

Both are idempotent and safe to run twice or to re-run after a crash: arguments and results are plain JSON.
"""

from __future__ import annotations

import datetime
import logging

from django.tasks import default_task_backend, task
from django.utils import timezone

from . import sweeps

logger = logging.getLogger(__name__)
DAILY_RUN_AT = datetime.time(6, 0)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@task()
def run_daily_sweeps(today: str | None = None) -> dict:
    results = sweeps.run_all_sweeps(_date(today))
    schedule_daily_sweeps()
    return results


@task()
def run_sweep(path: str, scope: dict | None = None, today: str | None = None) -> dict | None:
    return sweeps.run_sweep(path, _date(today), **(scope or {}))


def next_daily_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next DAILY_RUN_AT, local time, strictly after ``now``."""
    local = timezone.localtime(now or timezone.now())
    candidate = timezone.make_aware(datetime.datetime.combine(local.date(), DAILY_RUN_AT))
    if candidate <= local:
        candidate = timezone.make_aware(
            datetime.datetime.combine(local.date() + datetime.timedelta(days=1), DAILY_RUN_AT)
        )
    return candidate


def daily_run_booked() -> bool:
    """Whether a daily run is already waiting in the database queue (never book two)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=run_daily_sweeps.module_path, status=TaskResultStatus.READY).exists()


def schedule_daily_sweeps(now: datetime.datetime | None = None):
    """Book the next daily run unless one is booked. Returns the task result, or None if nothing was booked.

    Only a backend that can defer tasks (the database queue) keeps a schedule; with any other backend, run
    ``manage.py run_sweeps`` from cron instead.
    """
    if not default_task_backend.supports_defer:
        return None
    if daily_run_booked():
        return None
    result = run_daily_sweeps.using(run_after=next_daily_run(now)).enqueue()
    logger.info("Daily sweeps booked for %s", result.task.run_after)
    return result
