"""Registers ("risk flags") on the case record, MAPPA among them, with reviews and de-registration.

A registration is active until it is de-registered; nothing is deleted, so removed flags stay readable
with who removed them, when and why. Register types are versioned reference data (data/register_types.json)
using the nDelius codes that the national tiering service reads.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from openprobation.core.models import ReferenceData


class RegisterGroup(models.TextChoices):
    RISK_OF_HARM = "risk_of_harm", "Risk of harm"
    PUBLIC_PROTECTION = "public_protection", "Public protection"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    HEALTH = "health", "Health"
    HATE_CRIME = "hate_crime", "Hate crime"
    ADMINISTRATIVE = "administrative", "Administrative"


class FlagLevel(models.TextChoices):
    """How prominently the flag shows on the case (our display choice, after MPOP's risk flag levels)."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFORMATION = "information", "Information only"


class AtTermination(models.TextChoices):
    REMOVE = "remove", "Remove when supervision ends"
    KEEP = "keep", "Keep when supervision ends"
    REVIEW = "review", "Review when supervision ends"


class RegisterType(ReferenceData):
    """A kind of registration: its group, review period, levels and categories, and termination rule."""

    group = models.CharField(max_length=20, choices=RegisterGroup.choices)
    review_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Suggested months between reviews; empty for no scheduled review.")
    flag_level = models.CharField(max_length=12, choices=FlagLevel.choices, default=FlagLevel.INFORMATION)
    at_termination = models.CharField(max_length=10, choices=AtTermination.choices, default=AtTermination.REVIEW)
    user_alert = models.BooleanField(default=False, help_text="Shown as a warning on every case page.")
    levels = models.JSONField(default=list, blank=True, help_text="[[code, label], ...] allowed levels.")
    categories = models.JSONField(default=list, blank=True, help_text="[[code, label], ...] allowed categories.")
    level_required = models.BooleanField(default=False)
    category_required = models.BooleanField(default=False)
    exclusive_group = models.CharField(
        max_length=20, blank=True, help_text="Only one active registration of this group at a time (e.g. RoSH).")
    guidance = models.TextField(blank=True)

    @property
    def tag_colour(self) -> str:
        return {FlagLevel.HIGH: "red", FlagLevel.MEDIUM: "orange", FlagLevel.LOW: "green"}.get(self.flag_level, "grey")

    def level_label(self, code: str) -> str:
        return dict(self.levels).get(code, code)

    def category_label(self, code: str) -> str:
        return dict(self.categories).get(code, code)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(deregistered_on__isnull=True)

    def removed(self):
        return self.filter(deregistered_on__isnull=False)


class Registration(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="registrations")
    register_type = models.ForeignKey(RegisterType, on_delete=models.PROTECT, related_name="registrations")
    level = models.CharField(max_length=10, blank=True)
    category = models.CharField(max_length=10, blank=True)
    registered_on = models.DateField()
    next_review_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    deregistered_on = models.DateField(null=True, blank=True)
    deregistration_reason = models.TextField(blank=True, max_length=4000)
    deregistered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "deregistered_on"]),
            # Worklists of reviews falling due look only at active flags.
            models.Index(fields=["next_review_date"], condition=Q(deregistered_on__isnull=True),
                         name="registration_review_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "register_type"], condition=Q(deregistered_on__isnull=True),
                                    name="registration_one_active_per_type"),
            models.CheckConstraint(
                condition=(Q(deregistered_on__isnull=True) & Q(deregistered_by__isnull=True)
                           & Q(deregistration_reason=""))
                | (Q(deregistered_on__isnull=False) & Q(deregistered_by__isnull=False)
                   & ~Q(deregistration_reason="")),
                name="registration_deregistration_complete",
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True) | Q(deregistered_on__gte=F("registered_on")),
                name="registration_removed_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=True) | Q(next_review_date__gte=F("registered_on")),
                name="registration_review_after_registered",
            ),
        ]

    def __str__(self):
        return f"{self.register_type} ({self.person.crn})" if self.person_id else str(self.register_type)

    @property
    def active(self) -> bool:
        return self.deregistered_on is None

    @property
    def level_label(self) -> str:
        return self.register_type.level_label(self.level) if self.level else ""

    @property
    def category_label(self) -> str:
        return self.register_type.category_label(self.category) if self.category else ""

    def review_overdue(self, today) -> bool:
        return self.active and self.next_review_date is not None and self.next_review_date < today


class RegistrationReview(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, help_text="The review date that was set before this review.")
    notes = models.TextField(max_length=4000)
    level = models.CharField(max_length=10, blank=True, help_text="The level after the review.")
    category = models.CharField(max_length=10, blank=True, help_text="The category after the review.")
    next_review_date = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="registration_review_has_notes"),
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=True) | Q(next_review_date__gte=F("reviewed_on")),
                name="registration_review_next_after_review",
            ),
        ]

    def __str__(self):
        return f"Review of {self.registration} on {self.reviewed_on}"

    @property
    def level_label(self) -> str:
        return self.registration.register_type.level_label(self.level) if self.level else ""

    @property
    def category_label(self) -> str:
        return self.registration.register_type.category_label(self.category) if self.category else ""
