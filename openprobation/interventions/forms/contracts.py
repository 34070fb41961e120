"""Contract forms: add a contract, change its status."""

from __future__ import annotations

from django import forms

from openprobation.frontend.forms import (
    GovUKCheckboxSelectMultiple,
    GovUKDateField,
    GovUKFormMixin,
    GovUKRadioSelect,
)
from openprobation.staff.models import Region

from ..models import Complexity, ContractStatus, DesiredOutcome, Provider, ServiceCategory
from .common import text_field


class ContractForm(GovUKFormMixin, forms.Form):
    reference = forms.CharField(label="Contract reference", max_length=30,
                                widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}))
    name = forms.CharField(label="Name of the service", max_length=200,
                           help_text="As practitioners will know it, for example ‘Mentoring for people on licence’")
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.all(),
                                      error_messages={"required": "Select the provider"})
    category = forms.ModelChoiceField(label="Service category", queryset=ServiceCategory.objects.selectable(),
                                      error_messages={"required": "Select the service category"})
    region = forms.ModelChoiceField(label="Region", queryset=Region.objects.all(),
                                    error_messages={"required": "Select the region"})
    desired_outcomes = forms.ModelMultipleChoiceField(
        label="Desired outcomes it delivers", queryset=DesiredOutcome.objects.selectable().order_by("category", "code"),
        widget=GovUKCheckboxSelectMultiple, help_text="Choose outcomes of the service category",
        error_messages={"required": "Select at least one desired outcome"},
    )
    complexity_levels = forms.MultipleChoiceField(
        label="Complexity levels", choices=Complexity.choices, widget=GovUKCheckboxSelectMultiple(inline=True),
        error_messages={"required": "Select at least one complexity level"},
    )
    min_age = forms.IntegerField(label="Minimum age", initial=18, min_value=10, max_value=120,
                                 widget=forms.TextInput(attrs={"class": "govuk-input--width-3"}))
    max_age = forms.IntegerField(label="Maximum age", required=False, min_value=10, max_value=120,
                                 widget=forms.TextInput(attrs={"class": "govuk-input--width-3"}))
    allows_male = forms.BooleanField(label="Men can be referred", required=False, initial=True)
    allows_female = forms.BooleanField(label="Women can be referred", required=False, initial=True)
    start_date = GovUKDateField(label="Start date")
    end_date = GovUKDateField(label="End date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desired_outcomes"].label_from_instance = lambda o: f"{o.category}: {o.description}"


class ContractStatusForm(GovUKFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="New status", choices=ContractStatus.choices, widget=GovUKRadioSelect,
                               error_messages={"required": "Select the new status"})
    effective_on = GovUKDateField(label="From when?", error_label="Date", help_text="Today or a past date")
    reason = text_field("Reason for the change", rows=3, message="Enter the reason for the change")
