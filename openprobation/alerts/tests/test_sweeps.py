"""Running the sweeps: the command, the daily task and its schedule, tolerance of a missing or failing sweep."""

import datetime
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from openprobation.alerts import sweeps, tasks
from openprobation.alerts.sync import AlertSpec, sync_alerts

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
CALLS = []


def counting_sweep(today, **scope):
    CALLS.append((today, scope))
    return {"examined": 3}


def failing_sweep(today, **scope):
    raise RuntimeError("database went away")


HERE = "openprobation.alerts.tests.test_sweeps"


@override_settings(OPENPROBATION={"SWEEPS": [f"{HERE}.counting_sweep", "openprobation.nowhere.sweeps.sweep_nothing"]})
def test_a_sweep_that_is_not_installed_is_skipped_with_a_warning(caplog):
    CALLS.clear()
    with caplog.at_level(logging.WARNING):
        results = sweeps.run_all_sweeps(TODAY)
    assert results[f"{HERE}.counting_sweep"]["examined"] == 3
    assert results["openprobation.nowhere.sweeps.sweep_nothing"] == {"skipped": "cannot be imported"}
    assert "cannot be imported" in caplog.text
    assert sweeps.ESCALATION in results
    assert CALLS == [(TODAY, {})]


@override_settings(OPENPROBATION={"SWEEPS": [f"{HERE}.failing_sweep", f"{HERE}.counting_sweep"]})
def test_one_failing_sweep_does_not_stop_the_others_but_the_command_says_so():
    CALLS.clear()
    out = StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("run_sweeps", "--today", "2026-11-23", stdout=out)
    assert "RuntimeError: database went away" in out.getvalue()
    assert CALLS == [(TODAY, {})]


@override_settings(OPENPROBATION={"SWEEPS": [f"{HERE}.counting_sweep"]})
def test_the_command_runs_one_sweep_by_name():
    CALLS.clear()
    out = StringIO()
    call_command("run_sweeps", "--only", "counting_sweep", stdout=out)
    assert f"{HERE}.counting_sweep: examined 3" in out.getvalue()
    assert sweeps.ESCALATION not in out.getvalue()
    with pytest.raises(CommandError, match="No configured sweep"):
        call_command("run_sweeps", "--only", "no_such_sweep")


@override_settings(OPENPROBATION={"SWEEPS": [f"{HERE}.counting_sweep"]})
def test_the_tasks_run_the_sweeps():
    CALLS.clear()
    result = tasks.run_daily_sweeps.enqueue("2026-11-23")
    assert result.return_value[f"{HERE}.counting_sweep"]["examined"] == 3
    tasks.run_sweep.enqueue(f"{HERE}.counting_sweep", {"referral_ids": [4]}, "2026-11-23")
    assert CALLS[-1] == (TODAY, {"referral_ids": [4]})


def test_the_next_daily_run_is_the_next_six_oclock():
    early = timezone.make_aware(datetime.datetime(2026, 11, 23, 5, 0))
    late = timezone.make_aware(datetime.datetime(2026, 11, 23, 6, 0))
    assert timezone.localtime(tasks.next_daily_run(early)).replace(tzinfo=None) == datetime.datetime(2026, 11, 23, 6)
    assert timezone.localtime(tasks.next_daily_run(late)).replace(tzinfo=None) == datetime.datetime(2026, 11, 24, 6)


def test_an_immediate_backend_keeps_no_schedule():
    assert tasks.schedule_daily_sweeps() is None


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_the_database_queue_books_one_daily_run_only():
    from django_tasks_db.models import DBTaskResult

    first = tasks.schedule_daily_sweeps()
    assert first is not None
    assert tasks.schedule_daily_sweeps() is None
    booked = DBTaskResult.objects.get()
    assert booked.task_path == tasks.run_daily_sweeps.module_path
    assert booked.run_after > timezone.now()


def test_a_decision_suppresses_the_same_problem_but_not_a_newer_one(case, alice):
    from openprobation.alerts.actions import close_alert

    def spec(onset):
        return AlertSpec(person=case, subject_key="referral:9", owner=alice, due=TODAY, title="At risk",
                         summary="Why", next_step="Do this", onset=onset)

    examined = {"referral:9": case.pk}
    assert sync_alerts(reason="protective_service_at_risk", examined=examined, specs=[spec(TODAY)],
                       today=TODAY)["raised"] == 1
    [alert] = case.alerts.all()
    close_alert(alert, by=alice, decision="accepted", rationale="Safe for now")
    closed_on = timezone.localdate(alert.closed_at)
    assert sync_alerts(reason="protective_service_at_risk", examined=examined, specs=[spec(closed_on)],
                       today=TODAY)["suppressed"] == 1
    newer = closed_on + datetime.timedelta(days=1)
    assert sync_alerts(reason="protective_service_at_risk", examined=examined, specs=[spec(newer)],
                       today=TODAY)["raised"] == 1
