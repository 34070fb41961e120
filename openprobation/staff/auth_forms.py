"""Forms for the second sign-in step and for managing two-factor authentication."""

import re

from django import forms
from django.core.exceptions import ValidationError

from openprobation.frontend.forms import GovUKFormMixin

CODE_INPUT_ATTRS = {
    "autocomplete": "one-time-code",
    "spellcheck": "false",
    "autocapitalize": "none",
}


class SecurityCodeForm(GovUKFormMixin, forms.Form):
    """The 6-digit code from an authenticator app."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
        widget=forms.TextInput(
            attrs={**CODE_INPUT_ATTRS, "inputmode": "numeric",
                   "class": "govuk-input--width-5 govuk-input--extra-letter-spacing"}
        ),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("The security code must be 6 numbers", code="format")
        return code


class BackupCodeForm(GovUKFormMixin, forms.Form):
    """One of the 10 single-use backup codes shown when two-factor authentication was set up."""

    code = forms.CharField(
        label="Backup code",
        help_text="One of the backup codes you saved when you set up two-factor authentication, like abcd2efg",
        max_length=30,
        error_messages={"required": "Enter one of your backup codes"},
        widget=forms.TextInput(attrs={**CODE_INPUT_ATTRS, "class": "govuk-input--width-10"}),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not re.fullmatch(r"[a-z2-7]{8}", code):
            raise ValidationError("A backup code is 8 letters and numbers, like abcd2efg", code="format")
        return code
