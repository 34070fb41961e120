"""Forms for the access pages. Dates use the GOV.UK three-part date field."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from openprobation.frontend.forms import GovUKDateField
from openprobation.staff.models import Role, User

from .models import MESSAGE_MAX_LENGTH

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
DATE_HINT = "For example, 27 3 2026"
END_HINT = "Access changes at the start of this day. Leave empty to keep it in force until someone ends it."


def _in_range(form, name, label):
    day = form.cleaned_data.get(name)
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise forms.ValidationError(f"{label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}", code="invalid_year")
    return day


class StaffUserField(forms.CharField):
    """A member of staff, typed as their username or staff code (a list of every user would be too long)."""

    def __init__(self, *, roles=None, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.roles = roles

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        users = User.objects.filter(Q(username__iexact=text) | Q(staff_code__iexact=text), is_active=True)
        if self.roles is not None:
            users = users.filter(role__in=self.roles)
        found = users.first()
        if found is None:
            raise forms.ValidationError(f"No active member of staff has the username or staff code ‘{text}’")
        return found


class DatedEntryForm(forms.Form):
    """Add a user to an exclusion or restriction list."""

    user = StaffUserField(label="Username or staff code", error_messages={"required": "Enter a username or staff code"})
    start_date = GovUKDateField(label="Start date", help_text=DATE_HINT)
    end_date = GovUKDateField(label="End date (optional)", required=False, help_text=END_HINT)
    reason = forms.CharField(
        label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason", "max_length": "Reason must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_start_date(self):
        return _in_range(self, "start_date", "Start date")

    def clean_end_date(self):
        return _in_range(self, "end_date", "End date")


class ShareForm(DatedEntryForm):
    """Share the case with a public protection partner user."""

    partner = forms.ModelChoiceField(
        label="Partner",
        queryset=User.objects.none(),
        empty_label="Choose a partner",
        error_messages={"required": "Choose the partner to share with", "invalid_choice": "Choose a partner from the list"},
    )
    field_order = ["partner", "start_date", "end_date", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["user"]
        self.fields["reason"].error_messages["required"] = "Enter why the case is being shared"
        self.fields["partner"].queryset = User.objects.filter(role=Role.PARTNER, is_active=True).order_by(
            "last_name", "first_name"
        )
        self.fields["partner"].label_from_instance = lambda u: f"{u} ({u.username})"


class MessagesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    exclusion_message = forms.CharField(
        label="Message for excluded users", required=False, max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown instead of the case to anyone on the exclusion list, for example whom to contact.",
        error_messages={"max_length": f"The message must be {MESSAGE_MAX_LENGTH} characters or fewer"},
    )
    restriction_message = forms.CharField(
        label="Message for users not on the restriction list", required=False, max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown instead of the case to anyone not on the restriction list while it is in force.",
        error_messages={"max_length": f"The message must be {MESSAGE_MAX_LENGTH} characters or fewer"},
    )


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AccessLogFilterForm(forms.Form):
    user = forms.TypedChoiceField(
        label="User", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Select a user from the list"},
    )
    part = forms.ChoiceField(label="Part of the case", required=False,
                             error_messages={"invalid_choice": "Select a part from the list"})
    outcome = forms.ChoiceField(
        label="Outcome", required=False,
        choices=[("", "Granted and refused"), ("granted", "Granted"), ("denied", "Refused")],
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    date_from = GovUKDateField(label="From", required=False, help_text=DATE_HINT)
    date_to = GovUKDateField(label="To", required=False, help_text=DATE_HINT)

    def __init__(self, data, *, users, parts):
        super().__init__(data)
        self.fields["user"].choices = [("", "Everyone"), *((u.pk, f"{u} ({u.username})") for u in users)]
        self.fields["part"].choices = [("", "Every part"), *((p, p) for p in parts)]

    def clean_date_from(self):
        return _in_range(self, "date_from", "The ‘from’ date")

    def clean_date_to(self):
        return _in_range(self, "date_to", "The ‘to’ date")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data

    def filters(self) -> dict:
        """Every valid filter; a field with an error is left out (and shown in the error summary)."""
        self.is_valid()
        data = self.cleaned_data
        return {key: data.get(key) for key in ("user", "part", "outcome", "date_from", "date_to") if data.get(key)}


class InspectionSampleForm(forms.Form):
    name = forms.CharField(label="Inspection name", max_length=200,
                           error_messages={"required": "Enter a name for the inspection"})
    start_date = GovUKDateField(label="Start date", help_text=DATE_HINT)
    end_date = GovUKDateField(label="End date", help_text="Inspectors lose access at the start of this day.")
    inspectors = forms.ModelMultipleChoiceField(
        label="Inspectors", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one inspector"},
    )
    crns = forms.CharField(
        label="CRNs of the cases in the sample", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One or more CRNs, separated by spaces, commas or new lines.", max_length=20_000,
        error_messages={"required": "Enter the CRNs of the cases in the sample"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = User.objects.filter(role=Role.INSPECTOR, is_active=True)

    def clean_start_date(self):
        return _in_range(self, "start_date", "Start date")

    def clean_end_date(self):
        return _in_range(self, "end_date", "End date")

    def clean_crns(self):
        return [c for c in self.cleaned_data["crns"].replace(",", " ").split() if c]
