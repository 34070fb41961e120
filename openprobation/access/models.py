"""Who may see what, and a record of every look.

- AccessEvent: the read-audit, one row per look at a case or one of its parts (append-only).
- Limited access (domain.md §3.5): per person, an exclusion list (named users who may not see the case) and a
  restriction list (if any entry is active, only the named users may see it), each entry dated, plus the
  messages a blocked user is shown.
- CaseShare: a case shared with a public protection partner user, for a dated period.
- InspectionSample: the cases an inspection may read, and the inspectors who may read them, for a dated period.

Entries are never deleted: they are ended (an end date, who ended them and when), so the lists keep their
history. Every change goes through `access.actions`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

MESSAGE_MAX_LENGTH = 500


class AccessEvent(models.Model):
    """Append-only. Written only by access.access_case and friends."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role the user held at the time: roles change, the log must say what the user was then.
    role = models.CharField(max_length=20, blank=True)
    crn = models.CharField(max_length=7)
    part = models.CharField(max_length=40, help_text="Which part of the case: overview, personal-details, ...")
    granted = models.BooleanField(default=True)
    # Why a look was refused (see access.case.Denied); empty when granted.
    denied_because = models.CharField(max_length=20, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["crn", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted=True, denied_because="") | Q(granted=False),
                name="accessevent_granted_has_no_denial",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} read {self.crn}/{self.part} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access events are append-only.")


def active_on(day) -> Q:
    """Entries in force on `day`: started, and not yet ended (an entry is over on its end date)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


class DatedEntry(models.Model):
    """A dated, endable grant or bar. Ending sets end_date and records who ended it."""

    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def is_active(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


def _dated_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            name=f"{prefix}_ends_after_start",
        ),
        models.CheckConstraint(
            condition=Q(ended_by__isnull=True, ended_at__isnull=True)
            | Q(ended_by__isnull=False, ended_at__isnull=False, end_date__isnull=False),
            name=f"{prefix}_ended_by_and_at_paired",
        ),
    ]


class Exclusion(DatedEntry):
    """A named user who may not see this case while the entry is active."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exclusions")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "user"]), models.Index(fields=["user", "person"])]
        constraints = _dated_constraints("exclusion")

    def __str__(self):
        return f"{self.user} excluded from {self.person_id}"


class Restriction(DatedEntry):
    """While any restriction on a case is active, only the users named on its active restrictions may see it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="restrictions")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "user"]), models.Index(fields=["user", "person"])]
        constraints = _dated_constraints("restriction")

    def __str__(self):
        return f"{self.person_id} restricted to {self.user}"


class LimitedAccessMessages(models.Model):
    """What a blocked user is told. Without a message the case simply looks not found."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="limited_access")
    exclusion_message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    restriction_message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "limited access messages"

    def __str__(self):
        return f"Limited access messages for {self.person_id}"


class CaseShare(DatedEntry):
    """A case shared with a public protection partner user: they may read it while the share is active."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shared_cases")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["partner", "person"]), models.Index(fields=["person", "partner"])]
        constraints = _dated_constraints("caseshare")

    def __str__(self):
        return f"{self.person_id} shared with {self.partner}"


class InspectionSample(models.Model):
    """An inspection's sample: its inspectors may read its cases, read-only, between the two dates."""

    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_samples")
    people = models.ManyToManyField("people.Person", related_name="inspection_samples")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="inspectionsample_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def is_active(self, day) -> bool:
        # Same rule as every dated entry: in force from the start date, over on the end date.
        return self.start_date <= day < self.end_date
