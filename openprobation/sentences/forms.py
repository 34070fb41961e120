from django import forms

from openprobation.frontend.forms import GovUKDateField

from .models import Court, OffenceType, RequirementType, SentenceType


class RecordSentenceForm(forms.Form):
    sentence_type = forms.ModelChoiceField(label="Order or licence", queryset=SentenceType.objects.selectable(),
                                           empty_label=None, widget=forms.RadioSelect)
    court = forms.ModelChoiceField(label="Sentencing court", queryset=Court.objects.selectable(),
                                   empty_label="Choose a court")
    offence_type = forms.ModelChoiceField(label="Main offence", queryset=OffenceType.objects.selectable(),
                                          empty_label="Choose an offence")
    offence_date = GovUKDateField(label="Offence date")
    conviction_date = GovUKDateField(label="Conviction date")
    sentence_date = GovUKDateField(label="Sentence date", help_text="For a licence, the date the sentence was passed")
    start_date = GovUKDateField(label="Start date", help_text="The order date, or the licence start date")
    length_months = forms.IntegerField(label="Length of order in months (community order)", required=False,
                                       min_value=1, max_value=120)
    custodial_term_months = forms.IntegerField(label="Suspended custodial term in months (SSO)", required=False,
                                               min_value=1, max_value=120)
    operational_months = forms.IntegerField(label="Operational period in months (SSO)", required=False,
                                            min_value=1, max_value=120)
    supervision_months = forms.IntegerField(label="Supervision period in months (SSO)", required=False,
                                            min_value=1, max_value=120)
    licence_expiry_date = GovUKDateField(label="Licence expiry date (licence)", required=False)
    sentence_expiry_date = GovUKDateField(label="Sentence expiry date (licence, optional)", required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("sentence_type")
        if kind and kind.code == "SSO":
            for name, label in [("custodial_term_months", "the suspended custodial term"),
                                ("operational_months", "the operational period"),
                                ("supervision_months", "the supervision period")]:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, f"Enter {label} in months")
        return data


class RequirementForm(forms.Form):
    requirement_type = forms.ModelChoiceField(label="Requirement or licence condition",
                                              queryset=RequirementType.objects.selectable(),
                                              empty_label="Choose a type")
    subtype = forms.CharField(label="Details (optional)", max_length=200, required=False,
                              help_text="For example, the programme name or the exclusion zone")
    length = forms.DecimalField(label="Length", required=False, min_value=0, max_digits=7, decimal_places=2,
                                help_text="Hours for unpaid work, days for RAR, hours a day for curfew, months otherwise")
    start_date = GovUKDateField(label="Start date")
    expected_end_date = GovUKDateField(label="Expected end date (optional)", required=False)


class TerminateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    terminated_on = GovUKDateField(label="Date it ended")
    reason = forms.CharField(label="Reason", max_length=200, help_text="For example, completed, revoked, "
                             "re-sentenced or early termination for good progress")
