from django import forms

from openprobation.frontend.forms import GovUKDateField

from .models import Gender

PNC_HELP = "For example, 2019/0123456A"


class ContactDetailsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    mobile = forms.CharField(label="Mobile", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False, error_messages={
        "invalid": "Enter an email address in the correct format, like name@example.com"})


class AddressFields(forms.Form):
    no_fixed_abode = forms.BooleanField(label="No fixed abode", required=False,
                                        help_text="Select if the person has no fixed address.")
    line_1 = forms.CharField(label="Address line 1", max_length=100, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=100, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("no_fixed_abode") and not data.get("line_1"):
            self.add_error("line_1", "Enter address line 1, or select no fixed abode")
        return data

    def address(self) -> dict:
        keys = ("no_fixed_abode", "line_1", "line_2", "town", "postcode")
        return {k: self.cleaned_data.get(k) or ("" if k != "no_fixed_abode" else False) for k in keys}


class ChangeMainAddressForm(AddressFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    start_date = GovUKDateField(label="Date they moved in")

    field_order = ["version", "start_date", "no_fixed_abode", "line_1", "line_2", "town", "postcode"]


class PersonForm(AddressFields):
    first_name = forms.CharField(label="First name", max_length=100)
    middle_names = forms.CharField(label="Middle names (optional)", max_length=200, required=False)
    surname = forms.CharField(label="Last name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = GovUKDateField(label="Date of birth", help_text="For example, 27 3 1990")
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, widget=forms.RadioSelect)
    pnc_number = forms.RegexField(
        label="PNC number (optional)", required=False, max_length=13, help_text=PNC_HELP,
        regex=r"^\d{4}/\d{7}[A-Z]$",
        error_messages={"invalid": "Enter a PNC number in the format 2019/0123456A"},
    )
    phone = forms.CharField(label="Phone (optional)", max_length=30, required=False)
    email = forms.EmailField(label="Email (optional)", required=False)
    confirm_not_duplicate = forms.BooleanField(
        required=False, label="This is a different person", widget=forms.HiddenInput
    )

    field_order = ["first_name", "middle_names", "surname", "preferred_name", "date_of_birth", "gender",
                   "pnc_number", "phone", "email", "no_fixed_abode", "line_1", "line_2", "town", "postcode"]

    def clean_pnc_number(self):
        return (self.cleaned_data.get("pnc_number") or "").upper() or None
