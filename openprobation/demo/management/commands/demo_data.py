"""`manage.py demo_data`: fill the database with a synthetic probation region."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from openprobation.demo.generator import DEMO_PASSWORD, FIXED_SIGN_INS, SCALES, DemoDataError, generate
from openprobation.staff.models import User


def scale_argument(value: str):
    if value.isdigit() and int(value) > 0:
        return int(value)
    if value in SCALES:
        return value
    raise ValueError(value)


scale_argument.__name__ = "scale"  # argparse names the type in its error message


def date_argument(value: str) -> date:
    return date.fromisoformat(value)


date_argument.__name__ = "date (YYYY-MM-DD)"


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic demo data: an organisation, staff, and people on probation with "
        "months of supervision history. Never real people."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=scale_argument,
            default="small",
            help=(
                "small (one region, about 2,000 people), medium (about 20,000), national (about 250,000), "
                "or a number of people. Default: small."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--today", type=date_argument, default=None, help="The date the demo is set on (default: today)."
        )
        parser.add_argument(
            "--history-months",
            type=int,
            default=12,
            help="Months of contact history to generate (default: 12).",
        )
        parser.add_argument(
            "--closed",
            type=int,
            default=None,
            help=(
                "Closed cases (people whose orders all ended years ago) to add to the active ones. "
                "Default: 30%% of the people for --scale national, none otherwise."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=(
                "Processes for a bulk load on PostgreSQL (20,000 people or more). Default: 2 on a machine with "
                "two cores or more; 1 loads in one transaction."
            ),
        )
        parser.add_argument(
            "--print-sign-ins",
            action="store_true",
            help="Only print the demo sign-ins of existing demo data; generate nothing.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete existing people and their history first (staff accounts and the audit trail are kept).",
        )

    def handle(
        self, *args, scale, seed, today, history_months, reset, closed, workers, verbosity, print_sign_ins, **options
    ):
        if print_sign_ins:
            found = User.objects.select_related("team").in_bulk([u for u, _, _ in FIXED_SIGN_INS],
                                                               field_name="username")
            self.print_sign_ins([found[u] for u, _, _ in FIXED_SIGN_INS if u in found])
            return
        if settings.PRODUCTION:
            # A live service's people must never be mixed with, or deleted for, synthetic ones.
            raise CommandError(
                "The demo generator does not run with OPENPROBATION_ENV=production: it writes synthetic people "
                "and --reset deletes every person. Use a separate demo or benchmark database."
            )
        today = today or timezone.localdate()
        if history_months < 1:
            raise CommandError("--history-months must be at least 1.")
        if closed is not None and closed < 0:
            raise CommandError("--closed cannot be negative.")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1.")

        def progress(done, total):
            if verbosity >= 2 or (verbosity >= 1 and total >= 20 and done % max(1, total // 10) == 0):
                self.stdout.write(f"  {done}/{total} teams written")

        try:
            result = generate(
                scale=scale,
                seed=seed,
                today=today,
                history_months=history_months,
                reset=reset,
                progress=progress,
                closed=closed,
                workers=workers,
            )
        except DemoDataError as error:
            raise CommandError(str(error)) from error

        if verbosity < 1:
            return
        if result.deleted_people:
            self.stdout.write(f"Deleted {result.deleted_people:,} people from the previous demo.")
        closed_cases = f" and {result.closed:,} closed cases" if result.closed else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.people:,} people{closed_cases} (seed {seed}, set on {today:%d %B %Y}) "
                f"in {result.seconds:.1f} s."
            )
        )
        if result.timings:
            self.stdout.write("  " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.timings.items()))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                self.stdout.write(f"  database size {cursor.fetchone()[0] / 2**30:.2f} GiB")
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self.stdout.write("")
        self.print_sign_ins([result.sign_ins[username] for username, _, _ in FIXED_SIGN_INS])

    def print_sign_ins(self, users):
        self.stdout.write(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        for user in users:
            username = user.username
            where = f", {user.team}" if user.team else ""
            cases = user.caseload.count() if user.is_practitioner else None
            suffix = f" ({cases} cases)" if cases is not None else ""
            self.stdout.write(f"  {username:<13} {user.get_role_display()}{where}{suffix}")
