"""Forms for the details recorded about a person (aliases, circumstances, disabilities, contacts)."""

from django import forms

from openprobation.frontend.forms import GovUKDateField

from .models import Disability, EqualityData, PersonalContact

CIRCUMSTANCE_TYPES = [
    ("", "Choose a type"),
    *[(t, t) for t in (
        "Accommodation", "Employment", "Education or training", "Benefits", "Care leaver", "Carer",
        "Children", "Debt", "Drug or alcohol use", "Gambling", "Relationship", "Veteran", "Other",
    )],
]


class AliasForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    surname = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovUKDateField(label="Date of birth used with this name (optional)", required=False)


class CircumstanceForm(forms.Form):
    type = forms.ChoiceField(label="Type", choices=CIRCUMSTANCE_TYPES)
    subtype = forms.CharField(label="Details (optional)", max_length=100, required=False,
                              help_text="For example, 'Full-time employment' or 'Sofa surfing'")
    start_date = GovUKDateField(label="Start date")
    verified = forms.BooleanField(label="Verified", required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=4000)


class EndCircumstanceForm(forms.Form):
    end_date = GovUKDateField(label="End date")


class DisabilityForm(forms.Form):
    type = forms.CharField(label="Disability or condition", max_length=100)
    start_date = GovUKDateField(label="Start date")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=4000)


class AdjustmentForm(forms.Form):
    type = forms.CharField(label="Adjustment", max_length=100,
                           help_text="For example, 'Ground-floor interview room' or 'Easy-read letters'")
    disability = forms.ModelChoiceField(label="Related disability (optional)", queryset=Disability.objects.none(),
                                        required=False, empty_label="None")
    start_date = GovUKDateField(label="Start date")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=4000)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disability"].queryset = Disability.objects.filter(person=person)


class PersonalContactForm(forms.ModelForm):
    class Meta:
        model = PersonalContact
        fields = ["relationship", "name", "phone", "email", "address", "notes"]
        labels = {"relationship": "Relationship", "phone": "Phone (optional)", "email": "Email (optional)",
                  "address": "Address (optional)", "notes": "Notes (optional)"}
        widgets = {"notes": forms.Textarea}


class EqualityDataForm(forms.ModelForm):
    class Meta:
        model = EqualityData
        fields = ["ethnicity", "religion", "sexual_orientation", "gender_identity", "nationality",
                  "immigration_status", "preferred_language", "interpreter_required", "pregnancy_maternity",
                  "marital_status"]
        help_texts = {"ethnicity": "As the person describes it. Leave blank if they prefer not to say."}
