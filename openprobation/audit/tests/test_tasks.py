import datetime

import pytest
from django.utils import timezone

from openprobation.access.case import access_case
from openprobation.audit import tasks
from openprobation.audit.models import AccessSeal
from openprobation.audit.sweeps import seal_access_events_sweep

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_task_seals_what_is_ready(case, alice, monkeypatch):
    access_case(alice, case.crn, part="overview")
    assert tasks.seal_access_events_task.enqueue().return_value == 0  # too recent: in flight for all we know
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert tasks.seal_access_events_task.enqueue().return_value == 1
    assert AccessSeal.objects.count() == 1


def test_the_database_queue_keeps_one_run_booked(settings):
    settings.TASKS = DATABASE_QUEUE
    now = timezone.now()
    booked = tasks.schedule_sealing(now)
    assert booked is not None
    assert booked.task.run_after == now + tasks.SEAL_INTERVAL
    assert tasks.schedule_sealing(now) is None  # never two waiting


def test_without_a_deferring_backend_nothing_is_booked():
    assert tasks.schedule_sealing() is None


def test_the_daily_sweep_seals_as_a_safety_net(case, alice):
    assert seal_access_events_sweep(timezone.localdate()) == {"access_events_sealed": 0}
