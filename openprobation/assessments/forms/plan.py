"""Forms for the sentence plan and the person's requests."""

from django import forms

from openprobation.frontend.forms import GovUKDateField, GovUKFormMixin, GovUKRadioSelect

from ..models import Goal, NeedArea, PlanVersion, Step
from .assessment import VersionForm, _text


class _AreaMixin:
    def area_field(self, *, required=True, label="Which area of need is it about?"):
        return forms.ModelChoiceField(
            label=label, queryset=NeedArea.objects.selectable(), required=required,
            empty_label="Select an area" if required else "None of these",
            error_messages={"required": "Select the area of need this goal is about",
                            "invalid_choice": "Select an area of need from the list"})


class GoalForm(_AreaMixin, VersionForm):
    own_words = _text("The goal in their own words", rows=3,
                      hint="Write it as they said it, for example \u201cI want somewhere safe to live\u201d")
    own_words.error_messages["required"] = "Enter the goal in the person's own words"
    practitioner_words = _text("Your description of the goal", required=False, rows=3,
                               hint="If you would put it differently, for the plan's purpose")
    status = forms.ChoiceField(label="When will they work on it?", widget=GovUKRadioSelect(inline=True),
                               choices=[(Goal.Status.ACTIVE, "Now"), (Goal.Status.FUTURE, "In the future")],
                               error_messages={"required": "Select whether to work on this goal now or in the future"})
    target_date = GovUKDateField(label="Target date", required=False,
                                 help_text="For example 3, 6 or 12 months from now. Leave empty if it cannot start yet")

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = self.area_field()
        self.order_fields(["area", "own_words", "practitioner_words", "status", "target_date", "version"])
        if editing:
            del self.fields["status"]


class GoalStatusForm(VersionForm):
    status = forms.ChoiceField(label="What has happened to this goal?", widget=GovUKRadioSelect,
                               choices=Goal.Status.choices,
                               error_messages={"required": "Select what has happened to this goal"})
    note = _text("Note", required=False, hint="Required when achieved (how it helped them) or removed (why)")


class StepForm(VersionForm):
    description = _text("What needs to happen?", rows=3)
    description.error_messages["required"] = "Enter what needs to happen"
    owner = forms.ChoiceField(label="Who will do it?", widget=GovUKRadioSelect, choices=Step.Owner.choices,
                              error_messages={"required": "Select who will do it"})
    service_name = forms.CharField(label="Name of the service", required=False, max_length=200,
                                   help_text="If a named service will do it")
    target_date = GovUKDateField(label="Target date", required=False, help_text="For example, 27 3 2027")
    status = forms.ChoiceField(label="How is it going?", widget=GovUKRadioSelect, choices=Step.Status.choices,
                               error_messages={"required": "Select how the step is going"})

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["status"]


class AgreementForm(GovUKFormMixin, forms.Form):
    agreement = forms.ChoiceField(widget=GovUKRadioSelect, choices=PlanVersion.Agreement.choices,
                                  error_messages={"required": "Select whether they agree to the plan"})
    details = _text("Details", required=False, hint="Required if they do not agree or could not answer")
    comments = _text("Their comments on the plan", required=False, hint="In their own words")

    def __init__(self, *args, person_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].label = f"Does {person_name} agree to this plan?"


class PlanCountersignForm(GovUKFormMixin, forms.Form):
    comments = _text("Comments", required=False)


class PlanReviewForm(GovUKFormMixin, forms.Form):
    reviewed_on = GovUKDateField(label="Date of the review", help_text="For example, 27 3 2026")
    progress = _text("Progress against the plan")
    person_views = _text("What they said about their progress", required=False)
    next_review_due = GovUKDateField(label="Date of the next review", help_text="For example, 27 9 2026")


class RequestForm(_AreaMixin, GovUKFormMixin, forms.Form):
    words = _text("What did they ask for?", rows=3, hint="In their words, for example \u201chelp with my "
                  "childhood trauma\u201d")
    words.error_messages["required"] = "Enter what they asked for"
    asked_on = GovUKDateField(label="When did they ask?", error_label="The date they asked",
                              help_text="For example, 27 3 2026",
                              error_messages={"required": "Enter the date they asked"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = self.area_field(required=False, label="Area of need (optional)")


class LinkStepForm(VersionForm):
    step = forms.ModelChoiceField(label="Which step of the plan answers it?", queryset=Step.objects.none(),
                                  empty_label="Select a step",
                                  error_messages={"required": "Select the step of the plan that answers this request",
                                                  "invalid_choice": "Select a step from the list"})
    note = _text("Note", required=False, rows=2)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = (
            Step.objects.filter(goal__person=person)
            .exclude(status__in=[Step.Status.COMPLETED, Step.Status.NO_LONGER_NEEDED])
            .select_related("goal").order_by("goal__created_at", "created_at"))
        self.fields["step"].label_from_instance = lambda s: f"{s.description[:80]} ({s.goal.own_words[:40]})"


class LinkReferralForm(VersionForm):
    referral = forms.ModelChoiceField(label="Which referral answers it?", queryset=None, empty_label="Select a referral",
                                      error_messages={"required": "Select the referral that answers this request",
                                                      "invalid_choice": "Select a referral from the list"})
    note = _text("Note", required=False, rows=2)

    def __init__(self, *args, person, **kwargs):
        from openprobation.interventions.models import Referral

        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = (Referral.objects.filter(person=person)
                                            .exclude(status__in=["cancelled", "ended_early"])
                                            .select_related("contract").order_by("-created_at"))
        self.fields["referral"].label_from_instance = lambda r: f"{r.reference}: {r.contract.name} ({r.get_status_display()})"


class MetForm(VersionForm):
    met_on = GovUKDateField(label="When was it met?", error_label="The date it was met",
                            error_messages={"required": "Enter the date the request was met"})
    note = _text("How was it met?", required=False, rows=2)


class AnswerForm(VersionForm):
    answer = _text("Your answer, with the reason", rows=3)
    answer.error_messages["required"] = "Enter the answer you gave them, with the reason"
