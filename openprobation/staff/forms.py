from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .queries import SORTS

COMPLIANCE_FILTERS = [
    ("", "Any"),
    ("Breach in progress", "Breach in progress"),
    ("Breach required", "Breach required"),
    ("Enforcement decision due", "Enforcement decision due"),
    ("Warning live", "Warning live"),
    ("Awaiting evidence", "Awaiting evidence"),
    ("Outcome to record", "Outcome to record"),
    ("Compliant", "Compliant"),
    ("No active order", "No active order"),
]
ORDER_FILTERS = [("", "Any"), ("CO", "Community order"), ("SSO", "Suspended sentence order"),
                 ("LIC", "Licence"), ("PSS", "Post-sentence supervision")]
SORT_CHOICES = [(key, key) for key in [*SORTS, "compliance"]]


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Name or CRN", required=False, max_length=100)
    order = forms.ChoiceField(label="Order", choices=ORDER_FILTERS, required=False)
    status = forms.ChoiceField(label="Compliance", choices=COMPLIANCE_FILTERS, required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, practitioners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if practitioners is not None:
            self.fields["practitioner"] = forms.TypedChoiceField(
                label="Practitioner",
                choices=[("", "Everyone in the team"), *[(str(u.pk), str(u)) for u in practitioners]],
                coerce=int,
                required=False,
                empty_value=None,
            )
