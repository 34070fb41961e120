"""Critical transitions the practitioner records, such as leaving approved premises.

Other transitions come from the record itself (licence start, change of address, end of a
requirement); see ``interventions.continuity``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TransitionKind(models.TextChoices):
    APPROVED_PREMISES = "ap_departure", "Leaving approved premises"
    RELEASE = "release", "Release from custody"
    ADDRESS = "address", "Change of address"
    REQUIREMENT_END = "requirement_end", "End of a requirement"
    OTHER = "other", "Another critical moment"


class Transition(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=20, choices=TransitionKind.choices)
    date = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["person", "date"], condition=Q(withdrawn_at__isnull=True),
                                name="transition_current")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(withdrawn_at__isnull=True) & Q(withdrawn_by__isnull=True) & Q(withdrawn_reason=""))
                | (Q(withdrawn_at__isnull=False) & Q(withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="transition_withdrawal_paired",
            ),
        ]

    def __str__(self):
        label = self.description or self.get_kind_display()
        return f"{label} on {self.date:%d %b %Y}"
