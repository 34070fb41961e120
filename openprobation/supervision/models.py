"""Appointments and other contacts, their outcomes, notes and enforcement."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from openprobation.core.models import ReferenceData


class ContactType(ReferenceData):
    class Category(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment"
        COMMUNICATION = "communication", "Communication"
        ENFORCEMENT = "enforcement", "Enforcement"
        SYSTEM = "system", "System"

    category = models.CharField(max_length=20, choices=Category.choices)
    attendance = models.BooleanField(default=False, help_text="The person is expected to attend.")
    national_standards = models.BooleanField(default=False, help_text="Counts towards compliance; enforceable.")
    outcome_required = models.BooleanField(default=False)
    location_required = models.BooleanField(default=False)
    system_generated = models.BooleanField(default=False)
    rar_activity = models.BooleanField(default=False, help_text="May count as a RAR activity day.")


class Outcome(ReferenceData):
    attended = models.BooleanField()
    acceptable = models.BooleanField(help_text="Complied, or an acceptable absence.")
    enforceable = models.BooleanField(help_text="An unacceptable failure that enforcement must answer.")
    awaiting_evidence = models.BooleanField(default=False, help_text="A holding state (AFTA).")
    reschedule = models.BooleanField(default=False)
    needs_reason = models.BooleanField(default=False, help_text="An acceptable absence that names its reason.")


class EnforcementAction(ReferenceData):
    response_by_days = models.PositiveSmallIntegerField(null=True, blank=True)
    is_warning = models.BooleanField(default=False)
    starts_breach = models.BooleanField(default=False)
    withdraws_warning = models.BooleanField(default=False)


class ContactQuerySet(models.QuerySet):
    def appointments(self):
        return self.filter(contact_type__attendance=True)

    def outcome_due(self, now):
        return self.filter(contact_type__outcome_required=True, outcome__isnull=True, starts_at__lt=now)


class Contact(models.Model):
    """One entry in the activity log: an appointment, a communication, or a system event."""

    class Direction(models.TextChoices):
        TO_PERSON = "to", "To the person"
        FROM_PERSON = "from", "From the person"

    class RequestedBy(models.TextChoices):
        PERSON = "person", "The person on probation"
        SERVICE = "service", "The probation service"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contacts")
    sentence = models.ForeignKey(
        "sentences.Sentence", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    requirement = models.ForeignKey(
        "sentences.Requirement", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    contact_type = models.ForeignKey(ContactType, on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.ForeignKey("staff.Office", on_delete=models.PROTECT, null=True, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts")
    team = models.ForeignKey("staff.Team", on_delete=models.PROTECT, null=True, blank=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, blank=True)
    description = models.CharField(max_length=200, blank=True)
    sensitive = models.BooleanField(default=False)
    series = models.UUIDField(null=True, blank=True, help_text="Shared by appointments arranged as a repeat.")

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_due = models.DateField(null=True, blank=True)

    rescheduled_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_from"
    )
    reschedule_requested_by = models.CharField(max_length=10, choices=RequestedBy.choices, blank=True)
    reschedule_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["person", "-starts_at"]),
            models.Index(fields=["staff", "starts_at"]),
            models.Index(fields=["sentence", "starts_at"]),
            models.Index(
                fields=["person", "starts_at"], condition=Q(outcome__isnull=True), name="contact_no_outcome"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="contact_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(outcome__isnull=True) & Q(outcome_recorded_at__isnull=True) & Q(outcome_recorded_by__isnull=True))
                | (Q(outcome__isnull=False) & Q(outcome_recorded_at__isnull=False) & Q(outcome_recorded_by__isnull=False)),
                name="contact_outcome_paired",
            ),
            models.CheckConstraint(
                condition=Q(rescheduled_to__isnull=True) | ~Q(reschedule_requested_by=""),
                name="contact_reschedule_has_requester",
            ),
        ]

    def __str__(self):
        return f"{self.contact_type} on {self.starts_at:%d %b %Y %H:%M}"

    @property
    def is_appointment(self) -> bool:
        return self.contact_type.attendance


def new_series_id():
    return uuid.uuid4()


class ContactNote(models.Model):
    """Notes are appended, never overwritten: each addition is its own timestamped row."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=12000)
    sensitive = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note on {self.contact_id} at {self.created_at:%d %b %Y %H:%M}"


class EnforcementRecord(models.Model):
    """An enforcement action taken in answer to an outcome: a warning, a breach, a withdrawal."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="enforcement")
    sentence = models.ForeignKey("sentences.Sentence", on_delete=models.CASCADE, related_name="enforcement")
    action = models.ForeignKey(EnforcementAction, on_delete=models.PROTECT)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    response_due = models.DateField(null=True, blank=True)
    breach_pack_due = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["sentence", "decided_on"])]

    def __str__(self):
        return f"{self.action} on {self.decided_on:%d %b %Y}"


class Breach(models.Model):
    """Breach (community) or recall (licence) proceedings on a sentence."""

    class Status(models.TextChoices):
        INITIATED = "BRE01", "Breach initiated"
        PACK_REQUESTED = "BRE02", "Breach information pack requested"
        SUMMONS = "BRE05", "Breach summons issued"
        NOT_PROVEN = "BRE07", "Not proven"
        PROVEN_CONTINUE = "BRE08", "Proven – order to continue"
        PROVEN_RESENTENCED = "BRE09", "Proven – re-sentenced"
        WITHDRAWN = "BRE10", "Withdrawn"
        RECALL_REQUESTED = "REC01", "Recall requested"
        RECALLED = "REC02", "Recalled"

    CLOSED_STATUSES = frozenset({"BRE07", "BRE08", "BRE09", "BRE10", "REC02"})

    sentence = models.ForeignKey("sentences.Sentence", on_delete=models.CASCADE, related_name="breaches")
    triggered_by = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.INITIATED)
    started_on = models.DateField()
    pack_due = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    initiated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on"]
        verbose_name_plural = "breaches"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="breach_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["sentence"], condition=Q(ended_on__isnull=True), name="breach_one_open_per_sentence"
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.started_on:%d %b %Y})"
