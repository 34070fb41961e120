"""Seal the access events written since the last run into the access chain (run it every few minutes)."""

import datetime

from django.core.management.base import BaseCommand

from openprobation.audit.chain import SEAL_GRACE, seal_access_events


class Command(BaseCommand):
    help = (
        "Seal every access event older than the grace period into the tamper-evident access chain. "
        "Safe to run at any time and from more than one place: sealers queue for the chain head."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grace-seconds", type=int, default=int(SEAL_GRACE.total_seconds()),
                            help="Leave events younger than this for the next run (default: %(default)s).")

    def handle(self, *args, grace_seconds, **options):
        count = seal_access_events(grace=datetime.timedelta(seconds=max(grace_seconds, 0)))
        self.stdout.write(f"Sealed {count} access events.")
