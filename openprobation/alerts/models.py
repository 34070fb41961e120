"""'Needs your attention': every alert has a case, an owner, a reason, a due date and evidence.

One open alert per case, reason and subject (idempotent raising). Closed only with a recorded decision.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class Decision(models.TextChoices):
    REPLACEMENT_ARRANGED = "replacement_arranged", "Replacement arranged"
    RISK_REASSESSED = "risk_reassessed", "Risk reassessed"
    ACCEPTED = "accepted", "Accepted with rationale"
    RESOLVED = "resolved", "Resolved: the cause no longer applies"
    RECONCILED = "reconciled", "Reconciled with a recorded rationale"
    ANSWERED = "answered", "Answered"


class Severity(models.TextChoices):
    ROUTINE = "routine", "Routine"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Alert(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(max_length=60, help_text="A stable code, e.g. protective_service_lapsed.")
    subject_key = models.CharField(
        max_length=80, blank=True, default="",
        help_text="What the alert is about (e.g. referral:42), so one case can hold one alert per subject.",
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="The reason in plain words, with the evidence.")
    next_step = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict, encoder=DjangoJSONEncoder, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ROUTINE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts")
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="escalated_alerts"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=300, blank=True)
    due = models.DateField()
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["due", "-raised_at"]
        indexes = [
            models.Index(fields=["owner", "due"], condition=Q(closed_at__isnull=True), name="alert_open_by_owner"),
            models.Index(fields=["escalated_to", "due"], condition=Q(closed_at__isnull=True),
                         name="alert_open_by_escalation"),
            models.Index(fields=["person", "-raised_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "reason", "subject_key"], condition=Q(closed_at__isnull=True),
                name="alert_one_open_per_case_reason_subject",
            ),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_by__isnull=True) & Q(decision=""))
                | (Q(closed_at__isnull=False) & Q(closed_by__isnull=False) & ~Q(decision="") & ~Q(rationale="")),
                name="alert_closed_with_decision",
            ),
            models.CheckConstraint(
                condition=(Q(escalated_to__isnull=True) & Q(escalated_at__isnull=True))
                | (Q(escalated_to__isnull=False) & Q(escalated_at__isnull=False)),
                name="alert_escalation_paired",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.person.crn})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
