"""The practitioner's assessment of risk and needs (the OASys layer 3 and SAN shape), one row per version.

A version is drafted, completed, countersigned by a manager where its risk of serious harm is high or very
high, and then superseded by the next completed version. Rows are never deleted or rewritten once final, so
every version stays readable.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from openprobation.core.models import ReferenceData


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


ROSH_ORDER = [RoshLevel.LOW, RoshLevel.MEDIUM, RoshLevel.HIGH, RoshLevel.VERY_HIGH]
# High and very high need a manager's countersignature before they are final.
COUNTERSIGN_LEVELS = frozenset({RoshLevel.HIGH, RoshLevel.VERY_HIGH})
ROSH_MEANING = {
    RoshLevel.LOW: "Current evidence does not indicate likelihood of causing serious harm.",
    RoshLevel.MEDIUM: "There are identifiable indicators of risk of serious harm. The person has the potential to "
                      "cause serious harm but is unlikely to do so unless there is a change in circumstances.",
    RoshLevel.HIGH: "There are identifiable indicators of risk of serious harm. The potential event could happen at "
                    "any time and the impact would be serious.",
    RoshLevel.VERY_HIGH: "There is an imminent risk of serious harm. The potential event is more likely than not to "
                         "happen imminently and the impact would be serious.",
}


def rosh_rank(level: str | None) -> int:
    """0 for low up to 3 for very high; -1 for no level."""
    return ROSH_ORDER.index(level) if level in ROSH_ORDER else -1


def highest_rosh(levels) -> str | None:
    ranked = [level for level in levels if level in ROSH_ORDER]
    return max(ranked, key=rosh_rank) if ranked else None


class RiskGroup(models.TextChoices):
    PUBLIC = "public", "Public"
    KNOWN_ADULT = "known_adult", "Known adult"
    CHILDREN = "children", "Children"
    STAFF = "staff", "Staff"
    PRISONERS = "prisoners", "Prisoners"


class Setting(models.TextChoices):
    COMMUNITY = "community", "In the community"
    CUSTODY = "custody", "In custody"


class Concern(models.TextChoices):
    SUICIDE = "suicide", "Suicide"
    SELF_HARM = "self_harm", "Self-harm"
    CUSTODY = "custody", "Coping in custody"
    HOSTEL = "hostel", "Coping in a hostel setting"
    VULNERABILITY = "vulnerability", "Vulnerability"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Don't know"


class Severity(models.TextChoices):
    NO_NEED = "no_need", "No need"
    STANDARD = "standard", "Some need"
    SEVERE = "severe", "Severe need"


class Motivation(models.TextChoices):
    """The person's answer to 'do you want to make changes to this part of your life?' (SAN)."""

    MADE_CHANGES = "made_changes", "I have already made positive changes and want to maintain them"
    MAKING_CHANGES = "making_changes", "I am actively making changes"
    KNOW_HOW = "know_how", "I want to make changes and know how to"
    NEED_HELP = "need_help", "I want to make changes but need help"
    THINKING = "thinking", "I am thinking about making changes"
    NOT_WANT = "not_want", "I do not want to make changes"
    NOT_ANSWER = "not_answer", "I do not want to answer"
    NOT_PRESENT = "not_present", "The person was not present"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ProblemLevel(models.TextChoices):
    """OASys 'problem' answers, used for impulsivity and temper control."""

    NONE = "none", "No problems"
    SOME = "some", "Some problems"
    SIGNIFICANT = "significant", "Significant problems"
    MISSING = "missing", "Not answered"


class PredictorType(models.TextChoices):
    STATIC = "static", "Static (from criminal history only)"
    DYNAMIC = "dynamic", "Dynamic (includes assessed needs)"


class SrpBand(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class NeedArea(ReferenceData):
    """A need area of the assessment; `tier_key` is the area's key in the tier rules (weights there)."""

    tier_key = models.CharField(max_length=60, unique=True)
    oasys_section = models.PositiveSmallIntegerField()
    hint = models.CharField(max_length=300, blank=True)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", "Awaiting countersignature"
        COMPLETE = "complete", "Complete"
        SUPERSEDED = "superseded", "Superseded"

    class Purpose(models.TextChoices):
        START = "start", "Start of an order or licence"
        REVIEW = "review", "Review"
        CHANGE = "change", "Significant change in circumstances or risk"
        TRANSFER = "transfer", "Transfer in"
        TERMINATION = "termination", "End of an order or licence"

    OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_COUNTERSIGNATURE)
    FINAL_STATUSES = (Status.COMPLETE, Status.SUPERSEDED)

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="assessments")
    number = models.PositiveIntegerField(help_text="Version number: 1 for the person's first assessment.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # Risk of serious harm: the narrative (OASys R10).
    who_at_risk = models.TextField(blank=True)
    nature_of_risk = models.TextField(blank=True)
    imminence = models.TextField("When the risk is greatest", blank=True)
    increasing_factors = models.TextField("What increases the risk", blank=True)
    reducing_factors = models.TextField("What reduces the risk", blank=True)
    risk_to_self_notes = models.TextField(blank=True)
    overall_rosh = models.CharField(max_length=10, choices=RoshLevel.choices, blank=True)

    # Needs: factors the tier rules read for women (OASys 6.9, 11.2 and 11.4).
    parental_responsibilities = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    impulsivity = models.CharField(max_length=12, choices=ProblemLevel.choices, default=ProblemLevel.MISSING)
    temper_control = models.CharField(max_length=12, choices=ProblemLevel.choices, default=ProblemLevel.MISSING)
    needs_summary = models.TextField("Strengths and protective factors overall", blank=True)

    # Predictors, as calculated by the predictor tools (percentages).
    ogrs3_one_year = models.DecimalField("OGRS3 1-year", max_digits=5, decimal_places=2, null=True, blank=True)
    ogrs3_two_year = models.DecimalField("OGRS3 2-year", max_digits=5, decimal_places=2, null=True, blank=True)
    rsr = models.DecimalField("RSR", max_digits=5, decimal_places=2, null=True, blank=True)
    arp = models.DecimalField("All reoffending predictor", max_digits=5, decimal_places=2, null=True, blank=True)
    arp_type = models.CharField(max_length=10, choices=PredictorType.choices, blank=True)
    csrp = models.DecimalField("Combined serious reoffending predictor", max_digits=5, decimal_places=2,
                               null=True, blank=True)
    csrp_type = models.CharField(max_length=10, choices=PredictorType.choices, blank=True)
    dc_srp = models.DecimalField("Direct contact sexual reoffending predictor", max_digits=5, decimal_places=2,
                                 null=True, blank=True)
    dc_srp_band = models.CharField(max_length=20, choices=SrpBand.choices, blank=True)
    sexual_offence_history = models.BooleanField(default=False)
    ogrs3_working = models.JSONField(default=dict, blank=True,
                                     help_text="The inputs and terms when OGRS3 was calculated here.")
    predictors_entered = models.BooleanField(default=False)

    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countersignature_required = models.BooleanField(default=False)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countersign_comments = models.TextField(blank=True)
    returned_reason = models.TextField(blank=True, help_text="Why a manager returned it to the author, if they did.")
    review_due = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Versions are only ever deleted with the person; SET_NULL lets that cascade run.
    superseded_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes")

    class Meta:
        ordering = ["person", "-number"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="assessment_status_created"),
            models.Index(fields=["status", "review_due"], name="assessment_status_review"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="assessment_number_per_person"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["draft", "awaiting_countersignature"]),
                name="assessment_one_open_per_person"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="complete"), name="assessment_one_current_per_person"),
            models.CheckConstraint(
                condition=(Q(completed_at__isnull=True) & Q(completed_by__isnull=True))
                | (Q(completed_at__isnull=False) & Q(completed_by__isnull=False)),
                name="assessment_completed_paired"),
            models.CheckConstraint(
                condition=(Q(countersigned_at__isnull=True) & Q(countersigned_by__isnull=True))
                | (Q(countersigned_at__isnull=False) & Q(countersigned_by__isnull=False)),
                name="assessment_countersigned_paired"),
            models.CheckConstraint(
                condition=Q(status="draft", completed_at__isnull=True, countersigned_at__isnull=True)
                | (~Q(status="draft") & Q(completed_at__isnull=False) & ~Q(overall_rosh="")
                   & Q(review_due__isnull=False)),
                name="assessment_status_completion"),
            models.CheckConstraint(
                condition=Q(countersignature_required=False) | ~Q(status="complete")
                | Q(countersigned_at__isnull=False),
                name="assessment_countersigned_when_required"),
            models.CheckConstraint(
                condition=(Q(status="superseded") & Q(superseded_at__isnull=False))
                | (~Q(status="superseded") & Q(superseded_at__isnull=True) & Q(superseded_by__isnull=True)),
                name="assessment_superseded_paired"),
        ]

    def __str__(self):
        return f"Assessment {self.number} for {self.person.crn}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def final_at(self):
        """When it became final: countersigned, or completed when no countersignature was needed."""
        if not self.is_final:
            return None
        return self.countersigned_at or self.completed_at


class RoshRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rosh_ratings")
    group = models.CharField(max_length=20, choices=RiskGroup.choices)
    setting = models.CharField(max_length=10, choices=Setting.choices)
    level = models.CharField(max_length=10, choices=RoshLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "group", "setting"], name="rosh_rating_once"),
        ]

    def __str__(self):
        return f"{self.get_group_display()} {self.get_setting_display().lower()}: {self.get_level_display()}"


class RiskToSelf(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks_to_self")
    concern = models.CharField(max_length=20, choices=Concern.choices)
    current = models.CharField(max_length=10, choices=YesNoUnknown.choices)
    previous = models.CharField(max_length=10, choices=YesNoUnknown.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "concern"], name="risk_to_self_once")]

    def __str__(self):
        return f"{self.get_concern_display()}: current {self.current}, previous {self.previous}"


class NeedRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="need_ratings")
    area = models.ForeignKey(NeedArea, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    linked_to_harm = models.BooleanField("Linked to risk of serious harm")
    linked_to_reoffending = models.BooleanField("Linked to risk of reoffending")
    strengths = models.TextField("Strengths and protective factors", blank=True)
    motivation = models.CharField(max_length=20, choices=Motivation.choices)
    details = models.TextField(blank=True)

    class Meta:
        ordering = ["area__sort_order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="need_rating_once")]

    def __str__(self):
        return f"{self.area}: {self.get_severity_display()}"
