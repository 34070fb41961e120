"""The provider's forms: assign, assess, plan, arrange and report on sessions, end-of-service report."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from openprobation.frontend.forms import GovUKDateField, GovUKFormMixin, GovUKRadioSelect, GovUKTimeField
from openprobation.staff.models import User
from openprobation.supervision.models import Contact

from ..models import Attendance, NoSessionReason, Rating
from ..models.sessions import Delivery
from .common import text_field


class AssignForm(GovUKFormMixin, forms.Form):
    caseworker = forms.ModelChoiceField(label="Who will work with them?", queryset=User.objects.none(),
                                        widget=GovUKRadioSelect, empty_label=None,
                                        error_messages={"required": "Select a caseworker",
                                                        "invalid_choice": "Select a caseworker"})
    reason = text_field("Why is it being reassigned?", required=False, rows=3,
                        help_text="Only when it is already assigned to someone else")

    def __init__(self, *args, provider, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = (
            User.objects.filter(provider_membership__provider=provider, is_active=True)
            .exclude(provider_membership__left_on__lte=today).order_by("last_name", "first_name")
        )


class AssessmentForm(GovUKFormMixin, forms.Form):
    on = GovUKDateField(label="Date of the initial assessment", error_label="Date of the initial assessment")
    notes = text_field("What did the assessment find?", message="Enter what the assessment found")


class ActionPlanForm(GovUKFormMixin, forms.Form):
    activities = text_field("Activities", help_text="What you will do together, and towards which outcomes.")
    number_of_sessions = forms.IntegerField(
        label="Number of sessions", min_value=1, max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the number of sessions", "invalid": "Enter the number of sessions as a "
                        "number, like 12", "min_value": "Enter 1 or more sessions",
                        "max_value": "Enter 100 sessions or fewer"},
    )


class SessionForm(GovUKFormMixin, forms.Form):
    date = GovUKDateField(label="Date", help_text="For example, 27 3 2027")
    start_time = GovUKTimeField(label="Start time", help_text="Use the 24-hour clock, for example 14:30")
    end_time = GovUKTimeField(label="End time", help_text="For example, 15:30")
    delivery = forms.ChoiceField(label="How will it be delivered?", choices=Delivery.choices,
                                 widget=GovUKRadioSelect(inline=True), initial=Delivery.IN_PERSON)
    place = forms.CharField(label="Where?", required=False, max_length=200,
                            error_messages={"max_length": "The place must be 200 characters or fewer"})

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
            data["duration"] = timezone.make_aware(datetime.datetime.combine(day, end)) - data["starts_at"]
        return data


class RescheduleSessionForm(GovUKFormMixin, forms.Form):
    """Move a session to a new time; it keeps its length. The hidden fields are the appointment the provider saw."""

    contact = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = GovUKDateField(label="New date", help_text="For example, 27 3 2027")
    start_time = GovUKTimeField(label="New start time", help_text="Use the 24-hour clock, for example 14:30")
    requested_by = forms.ChoiceField(
        label="Who asked for it to be rescheduled?", widget=GovUKRadioSelect,
        choices=[(Contact.RequestedBy.PERSON, "The person on probation"), (Contact.RequestedBy.SERVICE, "Our service")],
        error_messages={"required": "Select who asked for the session to be rescheduled"},
    )
    reason = text_field("Why is it being rescheduled?", rows=3, message="Enter why the session is being rescheduled",
                        help_text="The probation practitioner sees this on the case's appointments.")
    allow_clashes = forms.BooleanField(label="Reschedule anyway, despite the clashes above", required=False)

    def clean(self):
        data = super().clean()
        day, start = data.get("date"), data.get("start_time")
        if day and start:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
        return data


class FeedbackForm(GovUKFormMixin, forms.Form):
    happened = forms.TypedChoiceField(
        label="Did the session happen?", choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes",
        widget=GovUKRadioSelect(inline=True), error_messages={"required": "Select whether the session happened"},
    )
    attended = forms.ChoiceField(label="Did they attend?", choices=Attendance.choices, widget=GovUKRadioSelect,
                                 error_messages={"required": "Select whether they attended"})
    no_session_reason = forms.ChoiceField(
        label="If the session did not happen, why not?", required=False, widget=GovUKRadioSelect,
        choices=NoSessionReason.choices,
    )
    summary = text_field("What happened in the session?", required=False, rows=4)
    behaviour = text_field("How did they behave?", required=False, rows=3)
    concerns = text_field("Do you have any concerns?", required=False, rows=3,
                          help_text="Anything about risk, wellbeing or safety the practitioner should know.")
    notify_practitioner = forms.BooleanField(label="Tell the probation practitioner about this now",
                                             required=False,
                                             help_text="They get an alert with what you wrote about behaviour and "
                                                       "concerns.")

    def feedback(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("happened", "attended", "no_session_reason", "summary", "behaviour",
                                               "concerns", "notify_practitioner")}


class EndOfServiceReportForm(GovUKFormMixin, forms.Form):
    """One rating (and comment) for each desired outcome of the referral."""

    further_information = text_field("Anything else the practitioner should know?", required=False, rows=4)

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        for outcome in self.outcomes:
            self.fields[f"outcome_{outcome.pk}"] = forms.ChoiceField(
                label=outcome.outcome.description, choices=Rating.choices, widget=GovUKRadioSelect(inline=True),
                error_messages={"required": f"Select how far this was achieved: {outcome.outcome.description}"},
            )
            self.fields[f"progress_{outcome.pk}"] = forms.CharField(
                label="Progress and what is still to do", required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields([name for o in self.outcomes for name in (f"outcome_{o.pk}", f"progress_{o.pk}")]
                          + ["further_information"])

    def ratings(self) -> dict:
        data = self.cleaned_data
        return {o.pk: (data.get(f"outcome_{o.pk}"), data.get(f"progress_{o.pk}", "")) for o in self.outcomes}


class LeaverForm(GovUKFormMixin, forms.Form):
    left_on = GovUKDateField(label="When did they leave (or when will they)?", error_label="Leaving date")
