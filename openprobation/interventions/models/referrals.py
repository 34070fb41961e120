"""Referrals and their lifecycle: draft, sent, assigned, assessed, planned, delivered, concluded.

Every change to a sent referral is kept in ``ReferralChange`` with its reason; lifecycle steps are
kept there too, so the referral's history reads as one list.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .reference import Complexity


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent, waiting for a caseworker"
    ASSIGNED = "assigned", "Assigned, initial assessment due"
    ASSESSED = "assessed", "Assessed, action plan due"
    PLAN_SUBMITTED = "plan_submitted", "Action plan waiting for approval"
    IN_PROGRESS = "in_progress", "Sessions under way"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ENDED_EARLY = "ended_early", "Ended early"


LIVE_STATUSES = frozenset({
    ReferralStatus.SENT,
    ReferralStatus.ASSIGNED,
    ReferralStatus.ASSESSED,
    ReferralStatus.PLAN_SUBMITTED,
    ReferralStatus.IN_PROGRESS,
})
CONCLUDED_STATUSES = frozenset({ReferralStatus.COMPLETED, ReferralStatus.CANCELLED, ReferralStatus.ENDED_EARLY})
WITHDRAWN_STATUSES = frozenset({ReferralStatus.CANCELLED, ReferralStatus.ENDED_EARLY})


class RiskFactor(models.TextChoices):
    ISOLATION = "isolation", "Social isolation"
    ACCOMMODATION = "accommodation", "Accommodation"
    SUBSTANCE_USE = "substance_use", "Substance use"
    INTERNET_USE = "internet_use", "Supervision of internet use"
    EMPLOYMENT = "employment", "Employment and daily structure"
    MENTAL_HEALTH = "mental_health", "Mental health"
    RELATIONSHIPS = "relationships", "Relationships and associates"
    OTHER = "other", "Another risk factor"


class Referral(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="referrals")
    contract = models.ForeignKey("interventions.Contract", on_delete=models.PROTECT, related_name="referrals")
    sentence = models.ForeignKey(
        "sentences.Sentence", on_delete=models.CASCADE, null=True, blank=True, related_name="referrals"
    )
    requirement = models.ForeignKey(
        "sentences.Requirement", on_delete=models.CASCADE, null=True, blank=True, related_name="referrals"
    )
    complexity = models.CharField(max_length=10, choices=Complexity.choices)
    reason = models.TextField("Reason for the referral")
    further_information = models.TextField(blank=True, help_text="Needs, caring duties, accessibility, interpreter.")
    risk_information = models.TextField(blank=True, help_text="What the provider needs to know to work safely.")
    enforceable = models.BooleanField(default=False, help_text="Sessions are enforceable appointments.")
    enforceable_days = models.PositiveSmallIntegerField(null=True, blank=True)
    completion_deadline = models.DateField()
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="provider_referrals")
    assigned_on = models.DateField(null=True, blank=True)
    initial_assessment_due = models.DateField(null=True, blank=True)
    initial_assessment_on = models.DateField(null=True, blank=True)
    action_plan_due = models.DateField(null=True, blank=True)
    end_of_service_report_due = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    end_reason = models.ForeignKey("interventions.EndReason", on_delete=models.PROTECT, null=True, blank=True)
    end_comments = models.TextField(blank=True)

    # Protective-service continuity: the practitioner says what risk the service manages and how often it
    # must happen; the daily sweep watches it (interventions.rules).
    protective = models.BooleanField(default=False)
    risk_factor = models.CharField(max_length=20, choices=RiskFactor.choices, blank=True)
    sessions_per_week = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    protective_since = models.DateField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replacements",
        help_text="The referral this one replaces: its protection passes to this one.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "-created_at"]),
            models.Index(fields=["contract", "status"]),
            models.Index(fields=["caseworker", "status"]),
            models.Index(fields=["id"], condition=Q(protective=True), name="referral_protective"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(sent_on__isnull=True) & Q(sent_by__isnull=True))
                | (~Q(status="draft") & Q(sent_on__isnull=False) & Q(sent_by__isnull=False)),
                name="referral_sent_paired",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["completed", "cancelled", "ended_early"], concluded_on__isnull=False)
                | (~Q(status__in=["completed", "cancelled", "ended_early"]) & Q(concluded_on__isnull=True)),
                name="referral_concluded_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["cancelled", "ended_early"]) | Q(end_reason__isnull=False),
                name="referral_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(protective=False)
                | (Q(sessions_per_week__gt=0) & ~Q(risk_factor="") & Q(protective_since__isnull=False)),
                name="referral_protective_has_frequency",
            ),
            models.CheckConstraint(
                condition=Q(enforceable=False) | Q(sentence__isnull=False), name="referral_enforceable_has_sentence"
            ),
            models.CheckConstraint(
                condition=Q(caseworker__isnull=True) | Q(assigned_on__isnull=False), name="referral_assignment_dated"
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(replaces=models.F("id")), name="referral_not_self_replacing"
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.contract.name}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:07d}" if self.pk else "R-new"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_concluded(self) -> bool:
        return self.status in CONCLUDED_STATUSES


class ReferralAssignment(models.Model):
    """Who has held the referral at the provider, oldest first."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="assignments")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "id"]

    def __str__(self):
        return f"{self.referral.reference} assigned to {self.caseworker} on {self.assigned_on}"


class ReferralChange(models.Model):
    """One change to a sent referral: what, from what to what, why, by whom. Never edited."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    topic = models.CharField(max_length=40)
    description = models.CharField(max_length=200, help_text="What changed, in words.")
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="referral_change_has_reason")]

    def __str__(self):
        return f"{self.referral.reference}: {self.description}"


class ActionPlan(models.Model):
    """The provider's plan: activities and number of sessions, approved by the practitioner."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="action_plans")
    activities = models.TextField()
    number_of_sessions = models.PositiveSmallIntegerField()
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(number_of_sessions__gte=1), name="action_plan_has_sessions"),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True, approved_by__isnull=True)
                | Q(approved_on__isnull=False, approved_by__isnull=False),
                name="action_plan_approval_paired",
            ),
        ]

    def __str__(self):
        return f"Action plan of {self.number_of_sessions} sessions for {self.referral.reference}"


class Rating(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not", "Not achieved"


class ReferralOutcome(models.Model):
    """A desired outcome of the referral, and at the end how far it was achieved."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.ForeignKey("interventions.DesiredOutcome", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    progress = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "outcome"], name="referral_outcome_once"),
        ]

    def __str__(self):
        return f"{self.outcome}: {self.get_rating_display() or 'not rated yet'}"


class EndOfServiceReport(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="end_of_service_report")
    further_information = models.TextField(blank=True)
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"End-of-service report for {self.referral.reference}"
