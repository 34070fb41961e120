"""Providers, their staff, and the contracts under which they deliver services."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Provider(models.Model):
    """An organisation that delivers services: a charity, a company, a statutory partner."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Where referrals are announced.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderMembership(models.Model):
    """Ties a provider user to their organisation; a provider user sees only their organisation's referrals.

    ``left_on`` is set when the caseworker leaves: their open referrals then need reassigning, and a
    protective service with nobody reassigned raises an alert.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider_membership")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="members")
    is_manager = models.BooleanField(default=False, help_text="May assign referrals and record leavers.")
    started_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["provider", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_recorded_by__isnull=True)
                | Q(left_on__isnull=False, left_recorded_by__isnull=False),
                name="membership_left_paired",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("started_on")),
                name="membership_left_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.provider})"

    def is_current(self, today) -> bool:
        return self.left_on is None or self.left_on > today


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    IN_DISPUTE = "in_dispute", "In dispute"
    ENDED = "ended", "Ended"


AT_RISK_CONTRACT_STATUSES = frozenset({ContractStatus.SUSPENDED, ContractStatus.IN_DISPUTE})


class Contract(models.Model):
    """A contract to deliver one category of service in one region, with its eligibility."""

    reference = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, help_text="The service as practitioners know it.")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    category = models.ForeignKey("interventions.ServiceCategory", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("staff.Region", on_delete=models.PROTECT, related_name="contracts")
    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    allows_male = models.BooleanField(default=True)
    allows_female = models.BooleanField(default=True)
    complexity_levels = models.JSONField(default=list, help_text="The complexity levels it delivers.")
    desired_outcomes = models.ManyToManyField("interventions.DesiredOutcome", related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    status_since = models.DateField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region", "category", "name"]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["provider", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="contract_end_after_start"),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")), name="contract_age_range"
            ),
            models.CheckConstraint(condition=Q(allows_male=True) | Q(allows_female=True), name="contract_some_sex"),
        ]

    def __str__(self):
        return f"{self.name} ({self.provider})"

    def accepts_referrals_on(self, day) -> bool:
        return self.status == ContractStatus.ACTIVE and self.start_date <= day <= self.end_date


class ContractStatusChange(models.Model):
    """Every change of a contract's status, dated and explained; never edited."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="status_changes")
    previous_status = models.CharField(max_length=12, choices=ContractStatus.choices, blank=True)
    status = models.CharField(max_length=12, choices=ContractStatus.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="contract_status_change_has_reason")]

    def __str__(self):
        return f"{self.contract.reference}: {self.get_status_display()} from {self.effective_on}"
