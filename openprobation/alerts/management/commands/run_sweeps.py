"""`manage.py run_sweeps`: run the daily sweeps now (from cron, or by hand), or book them on the worker."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from openprobation.alerts import sweeps
from openprobation.alerts.tasks import run_daily_sweeps, schedule_daily_sweeps


class Command(BaseCommand):
    help = (
        "Run the sweeps that notice what people miss (protective services, assessments, ...) and escalate "
        "overdue alerts. Idempotent: safe to run twice, or again after a crash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="The date to judge by (YYYY-MM-DD); default today.")
        parser.add_argument("--only", action="append", default=None,
                            help="Run only the sweep whose dotted path ends with this (repeatable).")
        parser.add_argument("--enqueue", action="store_true",
                            help="Put one run on the task queue for the worker instead of running it here.")
        parser.add_argument("--schedule", action="store_true",
                            help="Book the daily run on the worker's queue if none is booked, and stop.")

    def handle(self, *args, today, only, enqueue, schedule, verbosity, **options):
        if schedule:
            result = schedule_daily_sweeps()
            if verbosity:
                self.stdout.write(f"Daily sweeps booked for {result.task.run_after:%Y-%m-%d %H:%M}." if result
                                  else "A daily run is already booked, or the task backend cannot defer tasks.")
            return
        if enqueue:
            result = run_daily_sweeps.enqueue(today.isoformat() if today else None)
            if verbosity:
                self.stdout.write(f"Sweeps enqueued as task {result.id}.")
            return
        known = sweeps.configured_sweeps() + [sweeps.ESCALATION]
        for name in only or []:
            if not any(path.endswith(name) for path in known):
                raise CommandError(f"No configured sweep ends with {name!r}. Configured: {', '.join(known)}")
        results = sweeps.run_all_sweeps(today, only=only)
        if verbosity:
            for path, counts in results.items():
                details = ", ".join(f"{key} {value}" for key, value in counts.items())
                self.stdout.write(f"{path}: {details}")
        if any("error" in counts for counts in results.values()):
            raise CommandError("At least one sweep failed: see the log above.")
