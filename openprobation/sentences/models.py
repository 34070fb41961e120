"""Events (convictions), the orders and licences they lead to, and their requirements."""

from django.db import models
from django.db.models import Q

from openprobation.core.models import ReferenceData


class SentenceKind(models.TextChoices):
    COMMUNITY = "community", "Community sentence"
    LICENCE = "licence", "Licence"


class SentenceType(ReferenceData):
    """CO, SSO, licence, PSS, each with its failure-to-comply limit."""

    kind = models.CharField(max_length=10, choices=SentenceKind.choices)
    ftc_limit = models.PositiveSmallIntegerField(
        help_text="Failures to comply since the last breach that open an enforcement review."
    )


class RequirementType(ReferenceData):
    """A community requirement or a licence condition category."""

    class Unit(models.TextChoices):
        HOURS = "hours", "hours"
        DAYS = "days", "days"
        MONTHS = "months", "months"
        HOURS_PER_DAY = "hours_per_day", "hours a day"
        NONE = "none", "no length"

    is_licence_condition = models.BooleanField(default=False)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NONE)
    needs_consent = models.BooleanField(default=False)


class StatutoryLimit(models.Model):
    """A dated statutory limit: the rule applied is chosen by the relevant legal date."""

    class Basis(models.TextChoices):
        CONVICTION = "conviction", "date of conviction"
        SENTENCE = "sentence", "date of sentence"
        OFFENCE = "offence", "date of offence"

    subject = models.CharField(max_length=40, help_text="A requirement type code or an order period name.")
    minimum = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20)
    basis = models.CharField(max_length=12, choices=Basis.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text="Exclusive.")
    condition = models.CharField(max_length=60, blank=True, help_text="Extra applicability, e.g. term_over_24m.")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["subject", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="statutory_limit_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.minimum}–{self.maximum} {self.unit}"


class Court(ReferenceData):
    pass


class OffenceType(ReferenceData):
    category = models.CharField(max_length=100)


class Event(models.Model):
    """A conviction (nDelius 'event'): offences, court, and the sentence it led to."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="events")
    number = models.PositiveSmallIntegerField()
    conviction_date = models.DateField()
    court = models.ForeignKey(Court, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-conviction_date"]
        constraints = [models.UniqueConstraint(fields=["person", "number"], name="event_number_per_person")]

    def __str__(self):
        return f"Event {self.number} ({self.person.crn})"


class Offence(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="offences")
    offence_type = models.ForeignKey(OffenceType, on_delete=models.PROTECT)
    offence_date = models.DateField()
    count = models.PositiveSmallIntegerField(default=1)
    main = models.BooleanField(default=False)

    class Meta:
        ordering = ["-main", "offence_date"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(main=True), name="offence_one_main_per_event"),
            models.CheckConstraint(condition=Q(count__gte=1), name="offence_count_positive"),
        ]

    def __str__(self):
        return str(self.offence_type)


class Sentence(models.Model):
    """An order or licence being supervised, with its key dates."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="sentence")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="sentences")
    sentence_type = models.ForeignKey(SentenceType, on_delete=models.PROTECT)
    sentence_date = models.DateField(help_text="Date of the order, or licence start.")
    start_date = models.DateField()
    expected_end_date = models.DateField()
    length_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # SSO
    custodial_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    operational_period_end = models.DateField(null=True, blank=True)
    supervision_period_end = models.DateField(null=True, blank=True)
    # Licences
    licence_expiry_date = models.DateField(null=True, blank=True)
    sentence_expiry_date = models.DateField(null=True, blank=True)
    supervision_end_date = models.DateField(null=True, blank=True, help_text="Post-sentence (top-up) supervision end.")
    two_thirds_date = models.DateField(null=True, blank=True, help_text="Start of the final third.")
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["person", "terminated_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_date__gt=models.F("start_date")), name="sentence_end_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(terminated_on__isnull=True) & Q(termination_reason=""))
                | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="sentence_termination_paired",
            ),
        ]

    def __str__(self):
        return self.label_from(self.sentence_type, self.start_date)

    @staticmethod
    def label_from(sentence_type, start_date) -> str:
        """How an order is named (``str(sentence)``), from its type's description and its start date."""
        return f"{sentence_type} ({start_date:%d %b %Y})"

    @property
    def is_active(self) -> bool:
        return self.terminated_on is None

    @property
    def is_licence(self) -> bool:
        return self.sentence_type.kind == SentenceKind.LICENCE


class Requirement(models.Model):
    """A requirement of a community order or SSO, or an additional licence condition."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="requirements")
    requirement_type = models.ForeignKey(RequirementType, on_delete=models.PROTECT)
    subtype = models.CharField(max_length=200, blank=True)
    length = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    start_date = models.DateField()
    expected_end_date = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True)
    progress = models.DecimalField(
        max_digits=7, decimal_places=2, default=0, help_text="Hours worked or activity days used."
    )

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0), name="requirement_progress_non_negative"),
            models.CheckConstraint(
                condition=(Q(terminated_on__isnull=True) & Q(termination_reason=""))
                | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="requirement_termination_paired",
            ),
        ]

    def __str__(self):
        label = str(self.requirement_type)
        if self.length is not None:
            length = int(self.length) if self.length == int(self.length) else self.length
            label += f": {length} {self.requirement_type.get_unit_display()}"
        return label
