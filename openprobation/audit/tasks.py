"""Sealing access events in the background, through ``django.tasks`` (``openprobation worker`` runs them).

``seal_access_events_task`` seals what is ready and books its own next run ``SEAL_INTERVAL`` later, so one
booking keeps access events sealed within minutes of being written. ``schedule_sealing()`` books the first
run (idempotent: never two waiting). Without a worker, run ``manage.py seal_access_events`` from cron.
"""

from __future__ import annotations

import datetime
import logging

from django.tasks import default_task_backend, task
from django.utils import timezone

from .chain import seal_access_events

logger = logging.getLogger(__name__)
SEAL_INTERVAL = datetime.timedelta(minutes=5)


@task()
def seal_access_events_task() -> int:
    count = seal_access_events()
    schedule_sealing()
    return count


def sealing_booked() -> bool:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=seal_access_events_task.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_sealing(now: datetime.datetime | None = None):
    """Book the next sealing run unless one is waiting; None if nothing was booked (or cannot be)."""
    if not default_task_backend.supports_defer or sealing_booked():
        return None
    result = seal_access_events_task.using(run_after=(now or timezone.now()) + SEAL_INTERVAL).enqueue()
    logger.info("Access events sealing booked for %s", result.task.run_after)
    return result
