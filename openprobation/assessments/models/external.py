"""Other assessments and reports recorded beside the practitioner's own: prison psychology, mental health,
specialist extremism assessments, custody reports. Kept so that different conclusions are seen side by side."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .assessment import RoshLevel


class ExternalAssessment(models.Model):
    class Kind(models.TextChoices):
        PSYCHOLOGY = "psychology", "Prison psychology report"
        MENTAL_HEALTH = "mental_health", "Mental health assessment"
        EXTREMISM = "extremism", "Specialist extremism assessment"
        CUSTODY = "custody", "Custody report"
        OTHER = "other", "Other assessment or report"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="external_assessments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200)
    agency = models.CharField(max_length=200)
    assessed_on = models.DateField()
    conclusion = models.TextField()
    rosh_level = models.CharField(
        "Risk of serious harm conclusion", max_length=10, choices=RoshLevel.choices, blank=True,
        help_text="Only where the report gives a risk of serious harm (or equivalent) conclusion.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    set_aside_at = models.DateTimeField(null=True, blank=True)
    set_aside_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    set_aside_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "-assessed_on"], name="external_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(set_aside_at__isnull=True) & Q(set_aside_by__isnull=True) & Q(set_aside_reason=""))
                | (Q(set_aside_at__isnull=False) & Q(set_aside_by__isnull=False) & ~Q(set_aside_reason="")),
                name="external_set_aside_paired"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.author}, {self.agency} ({self.assessed_on:%d %b %Y})"
