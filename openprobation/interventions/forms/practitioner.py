"""The practitioner's forms: refer, amend, mark protective, withdraw, replace, record a transition."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from openprobation.frontend.forms import (
    GovUKCheckboxSelectMultiple,
    GovUKDateField,
    GovUKFormMixin,
    GovUKRadioSelect,
)
from openprobation.sentences.models import Requirement, Sentence

from .. import rules
from ..actions import SESSIONS_PER_WEEK_CHOICES
from ..models import Complexity, EndReason, Referral, ReferralStatus, RiskFactor, TransitionKind
from ..models.referrals import LIVE_STATUSES
from .common import text_field

NOT_COUNTED = "none"
FREQUENCY_CHOICES = [("", "Not protective")] + [
    (str(n), rules.frequency_words(float(n)).capitalize()) for n in SESSIONS_PER_WEEK_CHOICES
]


class _ProtectiveFields(forms.Form):
    protective = forms.TypedChoiceField(
        label="Is this a protective service?",
        help_text="Protective: it manages a risk factor, so the service must not silently stop. OpenProbation "
                  "then checks every day that it happens as often as expected.",
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes", widget=GovUKRadioSelect(inline=True),
        error_messages={"required": "Select whether this is a protective service"},
    )
    risk_factor = forms.ChoiceField(
        label="Which risk factor does it manage?", required=False, choices=[("", "Select")] + RiskFactor.choices,
        help_text="Only if it is protective",
    )
    sessions_per_week = forms.ChoiceField(
        label="How often must it happen?", required=False, choices=FREQUENCY_CHOICES,
        help_text="Only if it is protective",
    )

    def clean(self):
        data = super().clean()
        if data.get("protective"):
            if not data.get("risk_factor"):
                self.add_error("risk_factor", "Select the risk factor the service manages")
            if not data.get("sessions_per_week"):
                self.add_error("sessions_per_week", "Select how often the service must happen")
        return data

    def protective_values(self) -> dict:
        data = self.cleaned_data
        per_week = data.get("sessions_per_week")
        return {"protective": bool(data.get("protective")), "risk_factor": data.get("risk_factor") or "",
                "sessions_per_week": Decimal(per_week) if per_week else None}


class ReferralForm(GovUKFormMixin, _ProtectiveFields):
    govuk_mark_optional = True
    complexity = forms.ChoiceField(label="Complexity level", widget=GovUKRadioSelect,
                                   error_messages={"required": "Select the complexity level"})
    desired_outcomes = forms.ModelMultipleChoiceField(
        label="Desired outcomes", queryset=None, widget=GovUKCheckboxSelectMultiple,
        error_messages={"required": "Select at least one desired outcome"},
    )
    reason = text_field("Reason for the referral", message="Enter the reason for the referral")
    further_information = text_field(
        "Further information for the provider", required=False, rows=3,
        help_text="Needs and requirements: caring duties, accessibility, interpreter, when they are not available.",
    )
    risk_information = text_field(
        "Risk information for the provider", required=False, rows=3,
        help_text="What the provider needs to know to work safely with them.",
    )
    counts_towards = forms.ChoiceField(label="Which order or licence is it part of?", widget=GovUKRadioSelect,
                                       error_messages={"required": "Select the order or licence, or none"})
    requirement = forms.ModelChoiceField(
        label="Requirement", queryset=Requirement.objects.none(), required=False,
        help_text="Only for sessions that are rehabilitation activity requirement days",
        error_messages={"invalid_choice": "Select a requirement from the list"},
    )
    enforceable = forms.BooleanField(label="Sessions are enforceable appointments", required=False)
    enforceable_days = forms.IntegerField(
        label="Number of enforceable days", required=False, min_value=1, max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter the number of days as a number, like 10",
                        "min_value": "Enter 1 or more days", "max_value": "Enter 200 days or fewer"},
    )
    completion_deadline = GovUKDateField(label="Completion deadline", help_text="For example, 27 5 2027")

    field_order = ["complexity", "desired_outcomes", "reason", "further_information", "risk_information",
                   "counts_towards", "requirement", "enforceable", "enforceable_days", "completion_deadline",
                   "protective", "risk_factor", "sessions_per_week"]

    def __init__(self, *args, contract, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract, self.person = contract, person
        levels = contract.complexity_levels or []
        self.fields["complexity"].choices = [(c.value, c.label) for c in Complexity if c.value in levels]
        self.fields["desired_outcomes"].queryset = contract.desired_outcomes.filter(selectable=True).order_by("code")
        sentences = list(Sentence.objects.filter(person=person, terminated_on__isnull=True)
                         .select_related("sentence_type"))
        self.sentences = {str(s.pk): s for s in sentences}
        self.fields["counts_towards"].choices = [(str(s.pk), f"{s.sentence_type}, from {s.start_date:%-d %B %Y}")
                                                 for s in sentences] + [(NOT_COUNTED, "None of them")]
        self.fields["requirement"].queryset = Requirement.objects.filter(
            sentence__in=sentences, terminated_on__isnull=True).select_related("requirement_type")

    def referral_values(self) -> dict:
        data = self.cleaned_data
        return {
            "contract": self.contract,
            "complexity": data["complexity"],
            "desired_outcomes": list(data["desired_outcomes"]),
            "reason": data["reason"],
            "further_information": data.get("further_information", ""),
            "risk_information": data.get("risk_information", ""),
            "sentence": self.sentences.get(data["counts_towards"]),
            "requirement": data.get("requirement"),
            "enforceable": data.get("enforceable", False),
            "enforceable_days": data.get("enforceable_days"),
            "completion_deadline": data["completion_deadline"],
        }


class AmendForm(GovUKFormMixin, forms.Form):
    govuk_mark_optional = False
    version = forms.IntegerField(widget=forms.HiddenInput)
    complexity = forms.ChoiceField(label="Complexity level", widget=GovUKRadioSelect)
    desired_outcomes = forms.ModelMultipleChoiceField(
        label="Desired outcomes", queryset=None, widget=GovUKCheckboxSelectMultiple,
        error_messages={"required": "Select at least one desired outcome"},
    )
    completion_deadline = GovUKDateField(label="Completion deadline")
    enforceable_days = forms.IntegerField(label="Number of enforceable days", required=False, min_value=1,
                                          max_value=200, widget=forms.TextInput(attrs={"class": "govuk-input--width-3"}))
    reason = text_field("Reason for the referral")
    further_information = text_field("Further information for the provider", required=False, rows=3)
    risk_information = text_field("Risk information for the provider", required=False, rows=3)
    reason_for_change = text_field("Why are you making this change?", rows=3,
                                   message="Enter why you are making this change")

    def __init__(self, *args, referral: Referral, **kwargs):
        outcomes = [o.outcome for o in referral.outcomes.select_related("outcome")]
        initial = {"version": referral.version, "complexity": referral.complexity,
                   "desired_outcomes": [o.pk for o in outcomes], "completion_deadline": referral.completion_deadline,
                   "enforceable_days": referral.enforceable_days, "reason": referral.reason,
                   "further_information": referral.further_information,
                   "risk_information": referral.risk_information}
        super().__init__(*args, initial=initial, **kwargs)
        self.referral, self.current_outcomes = referral, {o.pk for o in outcomes}
        levels = referral.contract.complexity_levels or []
        self.fields["complexity"].choices = [(c.value, c.label) for c in Complexity if c.value in levels]
        self.fields["desired_outcomes"].queryset = referral.contract.desired_outcomes.order_by("code")
        if not referral.enforceable:
            del self.fields["enforceable_days"]
        if referral.status == ReferralStatus.DRAFT:
            del self.fields["reason_for_change"]  # a draft has reached nobody yet

    def changes(self) -> dict:
        data, referral, found = self.cleaned_data, self.referral, {}
        for field in ("complexity", "completion_deadline", "enforceable_days", "reason", "further_information",
                      "risk_information"):
            if field in self.fields and data.get(field) != getattr(referral, field) and not (
                    data.get(field) in (None, "") and getattr(referral, field) in (None, "")):
                found[field] = data.get(field)
        if {o.pk for o in data["desired_outcomes"]} != self.current_outcomes:
            found["desired_outcomes"] = list(data["desired_outcomes"])
        return found


class ProtectiveForm(GovUKFormMixin, _ProtectiveFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = text_field("Why are you making this change?", required=False, rows=3,
                        help_text="Needed once the referral has been sent.")

    def __init__(self, *args, referral: Referral, **kwargs):
        initial = {"version": referral.version, "protective": "yes" if referral.protective else "no",
                   "risk_factor": referral.risk_factor,
                   "sessions_per_week": str(referral.sessions_per_week) if referral.sessions_per_week else ""}
        super().__init__(*args, initial=initial, **kwargs)


class WithdrawForm(GovUKFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    end_reason = forms.ModelChoiceField(
        label="Why is the referral ending?", queryset=EndReason.objects.selectable(), widget=GovUKRadioSelect,
        empty_label=None, error_messages={"required": "Select why the referral is ending",
                                          "invalid_choice": "Select why the referral is ending"},
    )
    comments = text_field("What happened?", rows=4, message="Explain what happened")


class ReplacementForm(GovUKFormMixin, forms.Form):
    replacement = forms.ModelChoiceField(
        label="Which referral replaces it?", queryset=Referral.objects.none(), widget=GovUKRadioSelect,
        empty_label=None, error_messages={"required": "Select the referral that replaces it",
                                          "invalid_choice": "Select the referral that replaces it"},
    )
    rationale = text_field("Explain the arrangement", rows=4,
                           help_text="For example, when the new service starts and what covers the gap until then.")

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = (
            Referral.objects.filter(person_id=referral.person_id, status__in=LIVE_STATUSES)
            .exclude(pk=referral.pk).exclude(status=ReferralStatus.DRAFT)
            .select_related("contract__provider").order_by("-sent_on")
        )
        self.fields["replacement"].label_from_instance = (
            lambda r: f"{r.reference}: {r.contract.name}, {r.contract.provider} (sent {r.sent_on:%-d %B %Y})")


class TransitionForm(GovUKFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What is happening?", choices=TransitionKind.choices, widget=GovUKRadioSelect,
                             error_messages={"required": "Select what is happening"})
    on = GovUKDateField(label="When?", error_label="Date", help_text="For example, 3 12 2026")
    description = forms.CharField(label="Details", required=False, max_length=200,
                                  error_messages={"max_length": "The details must be 200 characters or fewer"})


class WithdrawTransitionForm(GovUKFormMixin, forms.Form):
    reason = text_field("Why does it no longer apply?", rows=3, message="Enter why it no longer applies")
