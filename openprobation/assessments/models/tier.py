"""The person's tier, each calculation kept with its inputs and reasons so that it explains itself."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class TierCalculation(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="tier_calculations")
    calculated_at = models.DateTimeField(auto_now_add=True)
    calculation_date = models.DateField(help_text="The 'today' the rules were applied for.")
    scheme = models.CharField(max_length=4, help_text="v2 (protect and change) or v3 (A to G).")
    tier = models.CharField(max_length=20, blank=True, help_text="Empty when the rules refused the inputs.")
    provisional = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    inputs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    result = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=200, help_text="What made it recalculate.")
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous_tier = models.CharField(max_length=20, blank=True)
    changed = models.BooleanField(default=False, help_text="The tier differs from the previous calculation.")
    next_check_on = models.DateField(
        null=True, blank=True,
        help_text="On the latest calculation only: the first day the date alone could change the inputs or the "
                  "result (a breach leaving the 365-day window, a flag starting or ending, the assessment ageing "
                  "out...), when the daily check recalculates. Empty when nothing ahead depends on the date.")

    class Meta:
        ordering = ["person", "-calculated_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-calculated_at", "-id"], name="tier_person_latest"),
            models.Index(fields=["next_check_on"], condition=models.Q(next_check_on__isnull=False),
                         name="tier_next_check"),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.tier or 'error'} ({self.scheme})"

    @property
    def display_tier(self) -> str:
        if not self.tier:
            return "Not calculated"
        return self.tier + (" (provisional)" if self.provisional else "")
