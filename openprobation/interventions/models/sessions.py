"""A provider's session with the person. The appointment itself is a supervision Contact, so it is on
the case's timeline and an enforceable session's outcome passes through the same enforcement rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Attendance(models.TextChoices):
    YES = "yes", "Yes"
    LATE = "late", "Yes, they were late"
    NO = "no", "No"


class NoSessionReason(models.TextChoices):
    PERSON_ACCEPTABLE = "person_acceptable", "The person could not take part, for an acceptable reason"
    PERSON_UNACCEPTABLE = "person_unacceptable", "The person did not take part, without an acceptable reason"
    LOGISTICS = "logistics", "The service could not deliver it (staff, room, technology)"


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"


class Session(models.Model):
    referral = models.ForeignKey("interventions.Referral", on_delete=models.CASCADE, related_name="sessions")
    contact = models.OneToOneField("supervision.Contact", on_delete=models.CASCADE, related_name="provider_session")
    number = models.PositiveSmallIntegerField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IN_PERSON)
    place = models.CharField(max_length=200, blank=True)

    # Feedback from the provider, once the session's time has passed.
    happened = models.BooleanField(null=True, blank=True)
    attended = models.CharField(max_length=4, choices=Attendance.choices, blank=True)
    no_session_reason = models.CharField(max_length=20, choices=NoSessionReason.choices, blank=True)
    summary = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    notify_practitioner = models.BooleanField(default=False)
    delivered_on = models.DateField(null=True, blank=True, help_text="Set when the session happened.")
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["referral", "delivered_on"], condition=Q(happened=True), name="session_delivered"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["referral", "number"], name="session_number_per_referral"),
            models.CheckConstraint(
                condition=(Q(happened__isnull=True) & Q(feedback_at__isnull=True) & Q(feedback_by__isnull=True)
                           & Q(attended=""))
                | (Q(happened__isnull=False) & Q(feedback_at__isnull=False) & Q(feedback_by__isnull=False)
                   & ~Q(attended="")),
                name="session_feedback_paired",
            ),
            models.CheckConstraint(
                condition=Q(happened=True, attended__in=["yes", "late"], no_session_reason="",
                            delivered_on__isnull=False)
                | (~Q(happened=True) & Q(delivered_on__isnull=True)),
                name="session_delivered_when_happened",
            ),
            models.CheckConstraint(
                condition=~Q(happened=False) | ~Q(no_session_reason=""), name="session_not_happened_has_reason"
            ),
        ]

    def __str__(self):
        return f"Session {self.number} of {self.referral.reference}"

    @property
    def has_feedback(self) -> bool:
        return self.happened is not None
