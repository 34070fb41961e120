"""Staff, their organisation (region, delivery unit, team, office) and case allocation."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Region(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeliveryUnit(models.Model):
    """A probation delivery unit (PDU)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="delivery_units")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Office(models.Model):
    """An office location where appointments can take place."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=300, blank=True)
    delivery_unit = models.ForeignKey(DeliveryUnit, on_delete=models.PROTECT, related_name="offices")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    delivery_unit = models.ForeignKey(DeliveryUnit, on_delete=models.PROTECT, related_name="teams")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="teams", null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PROBATION_OFFICER = "po", "Probation officer"
    PROBATION_SERVICES_OFFICER = "pso", "Probation services officer"
    SENIOR_PROBATION_OFFICER = "spo", "Senior probation officer"
    CASE_ADMINISTRATOR = "case_admin", "Case administrator"
    COURT_OFFICER = "court", "Court officer"
    PROVIDER = "provider", "Intervention provider"
    PARTNER = "partner", "Public protection partner"
    INSPECTOR = "inspector", "Quality assurance / inspector"
    ADMIN = "admin", "System administrator"
    DATA_PROTECTION = "dpo", "Data protection officer"


PRACTITIONER_ROLES = frozenset({Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER})
MANAGER_ROLES = frozenset({Role.SENIOR_PROBATION_OFFICER})
# Roles whose work needs special-category (equality) data; everyone else sees it withheld.
# Why each role is here (or not) is in docs/access.md; access.permissions reads this set.
SPECIAL_CATEGORY_ROLES = frozenset({
    Role.PROBATION_OFFICER,
    Role.PROBATION_SERVICES_OFFICER,
    Role.SENIOR_PROBATION_OFFICER,
    Role.INSPECTOR,
})


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PROBATION_OFFICER)
    staff_code = models.CharField(max_length=10, unique=True, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["team", "role"])]

    def __str__(self):
        return self.name_from(self.first_name, self.last_name, self.username)

    @staticmethod
    def name_from(first_name: str, last_name: str, username: str) -> str:
        """How a user is named (``str(user)``), from the columns alone: pages that read rows, not users, use it."""
        return f"{first_name} {last_name}".strip() or username

    @property
    def is_practitioner(self) -> bool:
        return self.role in PRACTITIONER_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def may_read_special_category(self) -> bool:
        return self.role in SPECIAL_CATEGORY_ROLES
