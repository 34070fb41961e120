"""The sentence plan: goals in the person's own words, steps, agreement, countersignature, reviews; and the
person's own requests, tracked until they are met or answered.

Goals and steps are the living plan. Each time the person's agreement is recorded, a PlanVersion freezes a
snapshot of the goals and steps as agreed; versions are never rewritten, so every one stays readable.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Working on now"
        FUTURE = "future", "Future goal"
        ACHIEVED = "achieved", "Achieved"
        REMOVED = "removed", "Removed"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey("assessments.NeedArea", on_delete=models.PROTECT, related_name="+")
    own_words = models.TextField(help_text="The goal as the person put it.")
    practitioner_words = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    target_date = models.DateField(null=True, blank=True)
    status_note = models.TextField(blank=True, help_text="How achieving it helped, or why it was removed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["person", "created_at", "id"]
        indexes = [models.Index(fields=["person", "status"], name="goal_person_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "future"]) | ~Q(status_note=""),
                name="goal_closed_with_note"),
        ]

    def __str__(self):
        return self.own_words[:60]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.FUTURE)


class Step(models.Model):
    class Owner(models.TextChoices):
        PERSON = "person", "The person on probation"
        PRACTITIONER = "practitioner", "The probation practitioner"
        SERVICE = "service", "A named service"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        CANNOT_BE_DONE_YET = "cannot_be_done_yet", "Cannot be done yet"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
        COMPLETED = "completed", "Completed"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.TextField()
    owner = models.CharField(max_length=20, choices=Owner.choices)
    service_name = models.CharField(max_length=200, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["goal", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(owner="service") | ~Q(service_name=""), name="step_service_named"),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False))
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="step_completed_dated"),
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        return self.service_name if self.owner == self.Owner.SERVICE else self.get_owner_display()


class PlanVersion(models.Model):
    """The plan as it stood when the person's agreement was recorded."""

    class Agreement(models.TextChoices):
        AGREED = "agreed", "Yes, they agree"
        DO_NOT_AGREE = "do_not_agree", "No, they do not agree"
        COULD_NOT_ANSWER = "could_not_answer", "They could not answer"

    class Status(models.TextChoices):
        AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", "Awaiting countersignature"
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField()
    agreement = models.CharField(max_length=20, choices=Agreement.choices)
    agreement_details = models.TextField(blank=True, help_text="Why not, in the person's words where possible.")
    person_comments = models.TextField(blank=True)
    snapshot = models.JSONField(help_text="The goals and steps as agreed.")
    status = models.CharField(max_length=30, choices=Status.choices)
    countersignature_required = models.BooleanField(default=False)
    countersignature_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countersign_comments = models.TextField(blank=True)
    review_due = models.DateField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-number"]
        indexes = [models.Index(fields=["status", "review_due"], name="plan_status_review")]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="plan_version_number_per_person"),
            models.UniqueConstraint(fields=["person"], condition=Q(status="current"),
                                    name="plan_one_current_per_person"),
            models.UniqueConstraint(fields=["person"], condition=Q(status="awaiting_countersignature"),
                                    name="plan_one_awaiting_per_person"),
            models.CheckConstraint(condition=Q(agreement="agreed") | ~Q(agreement_details=""),
                                   name="plan_disagreement_explained"),
            models.CheckConstraint(
                condition=(Q(countersigned_at__isnull=True) & Q(countersigned_by__isnull=True))
                | (Q(countersigned_at__isnull=False) & Q(countersigned_by__isnull=False)),
                name="plan_countersigned_paired"),
            models.CheckConstraint(
                condition=Q(countersignature_required=False) | Q(status="awaiting_countersignature")
                | Q(countersigned_at__isnull=False),
                name="plan_countersigned_when_required"),
            models.CheckConstraint(
                condition=(Q(status="superseded") & Q(superseded_at__isnull=False))
                | (~Q(status="superseded") & Q(superseded_at__isnull=True)),
                name="plan_superseded_paired"),
        ]

    def __str__(self):
        return f"Sentence plan version {self.number} for {self.person.crn}"


class PlanReview(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="plan_reviews")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    progress = models.TextField()
    person_views = models.TextField("What the person said", blank=True)
    next_review_due = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(next_review_due__gt=models.F("reviewed_on")),
                                   name="plan_review_next_after"),
        ]

    def __str__(self):
        return f"Plan review on {self.reviewed_on}"


class PersonRequest(models.Model):
    """Something the person asked for, in their words, tracked until it is met or answered with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "Not yet acted on"
        IN_PROGRESS = "in_progress", "Being acted on"
        MET = "met", "Met"
        ANSWERED = "answered", "Answered"

    CLOSED_STATUSES = (Status.MET, Status.ANSWERED)

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="requests")
    asked_on = models.DateField()
    words = models.TextField(help_text="What they asked for, in their words.")
    area = models.ForeignKey("assessments.NeedArea", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Steps and referrals are never deleted on their own, only with the person, whose requests go too.
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="requests")
    referral = models.ForeignKey("interventions.Referral", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="person_requests")
    action_note = models.TextField(blank=True, help_text="What is being done about it.")
    met_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True, help_text="The answer given to the person, with the reason.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["person", "-asked_on", "-id"]
        indexes = [models.Index(fields=["status", "asked_on"], name="request_status_asked")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="met") & Q(met_on__isnull=False) & Q(closed_by__isnull=False))
                | (~Q(status="met") & Q(met_on__isnull=True)),
                name="request_met_dated"),
            models.CheckConstraint(
                condition=(Q(status="answered") & Q(answered_on__isnull=False) & ~Q(answer="")
                           & Q(closed_by__isnull=False))
                | (~Q(status="answered") & Q(answered_on__isnull=True) & Q(answer="")),
                name="request_answered_with_reason"),
            models.CheckConstraint(
                condition=~Q(status="in_progress") | Q(step__isnull=False) | Q(referral__isnull=False),
                name="request_in_progress_linked"),
        ]

    def __str__(self):
        return self.words[:60]

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES
