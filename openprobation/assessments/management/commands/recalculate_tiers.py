"""Recalculate every supervised person's tier (after a rules change), storing only what changed."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from openprobation.assessments.tiering import check_tiers


class Command(BaseCommand):
    help = ("Recalculate the tier of everyone with an order or licence, or a tier already (the daily sweep "
            "recalculates only the people the date alone can have changed). Stores a calculation only where "
            "the inputs or the result differ, with an audit event for each.")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day to apply the rules for (YYYY-MM-DD; default today)")
        parser.add_argument("--trigger", default="Full recalculation", help="what the calculations say caused them")

    def handle(self, *args, today=None, trigger="Full recalculation", **options):
        counts = check_tiers(today or timezone.localdate(), full=True, trigger=trigger)
        self.stdout.write(f"Tiers: checked {counts['checked']}, recalculated {counts['recalculated']}, "
                          f"changed {counts['changed']}")
