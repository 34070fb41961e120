"""Forms for appointments, outcomes, enforcement, notes and other contacts.

Forms collect and shape input; the rules (clashes, allowed outcomes and actions, stale versions)
live in ``actions`` and come back as ValidationErrors shown in the page's error summary.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from openprobation.core.calendar import format_date
from openprobation.frontend.forms import GovUKDateField, GovUKRadioSelect, GovUKTimeField
from openprobation.staff.models import Office, User

from .actions.common import MAX_APPOINTMENTS, NOTE_MAX_LENGTH
from .models import Contact, ContactType, EnforcementAction, Outcome

NO_ORDER = "none"
REPEAT_CHOICES = [
    ("", "It does not repeat"),
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("fortnightly", "Every 2 weeks"),
    ("four-weekly", "Every 4 weeks"),
]
OUTCOME_GROUPS = ("Attended", "Acceptable absence", "Unacceptable absence", "Failed to attend, waiting for evidence")


def combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware moment for a local date and a local clock time."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _notes_field(label="Notes", **kwargs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"Notes must be {NOTE_MAX_LENGTH:,} characters or fewer"},
        **kwargs,
    )


class _DateTimeMixin:
    """Joins the ``date`` and ``start_time`` fields into ``starts_at``; refuses a past time if asked."""

    must_be_future = False
    must_be_past = False

    def _starts_at(self, data):
        day, time = data.get("date"), data.get("start_time")
        if day is None or time is None:
            return None
        starts_at = combine(day, time)
        if self.must_be_future and starts_at <= timezone.now():
            self.add_error("date", "The date and time must be in the future")
            return None
        if self.must_be_past and starts_at > timezone.now():
            self.add_error("date", "The date and time must be in the past: record contacts that have happened")
            return None
        return starts_at


class ArrangeForm(_DateTimeMixin, forms.Form):
    must_be_future = True
    # Location and the repeat count are required only sometimes, so no field is marked "(optional)".
    govuk_mark_optional = False

    contact_type = forms.ModelChoiceField(
        label="Appointment type",
        queryset=ContactType.objects.selectable().filter(attendance=True, system_generated=False),
        empty_label=None,
        widget=GovUKRadioSelect,
        error_messages={"required": "Select the type of appointment", "invalid_choice": "Select the type of appointment"},
    )
    counts_towards = forms.ChoiceField(
        label="What does it count towards?",
        widget=GovUKRadioSelect,
        error_messages={"required": "Select what the appointment counts towards"},
    )
    location = forms.ModelChoiceField(
        label="Location",
        queryset=Office.objects.none(),
        required=False,
        empty_label="I do not need to pick a location",
        error_messages={"invalid_choice": "Select a location from the list"},
    )
    staff = forms.ModelChoiceField(
        label="Who is it with?",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"required": "Select who the appointment is with", "invalid_choice": "Select who the appointment is with"},
    )
    date = GovUKDateField(label="Date", help_text="For example, 27 3 2026")
    start_time = GovUKTimeField(label="Start time", help_text="Use the 24-hour clock, for example 14:30")
    end_time = GovUKTimeField(label="End time", help_text="For example, 15:30")
    repeat_frequency = forms.ChoiceField(
        label="Does it repeat?",
        choices=REPEAT_CHOICES,
        required=False,
        widget=GovUKRadioSelect,
        error_messages={"invalid_choice": "Select how often the appointment repeats"},
    )
    repeat_count = forms.IntegerField(
        label="How many appointments in total, including the first?",
        help_text="Only if it repeats",
        required=False,
        min_value=2,
        max_value=MAX_APPOINTMENTS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of appointments as a number, like 6",
            "min_value": "Enter 2 or more appointments for a repeating appointment",
            "max_value": f"Enter {MAX_APPOINTMENTS} appointments or fewer",
        },
    )
    sensitive = forms.BooleanField(label="It includes sensitive information", required=False)
    notes = _notes_field(label="Notes (optional)", help_text="Copied to every appointment in a repeating series")

    # Where an action's errors belong on this form.
    error_fields = {"sentence": "counts_towards", "requirement": "counts_towards", "starts_at": "date",
                    "duration": "end_time"}

    def __init__(self, *args, person, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        sentences = list(person.sentences.filter(terminated_on=None).select_related("sentence_type")
                         .prefetch_related("requirements__requirement_type"))
        choices = []
        self._targets = {NO_ORDER: (None, None)}
        for sentence in sentences:
            choices.append((f"s{sentence.pk}", f"{sentence.sentence_type} from {format_date(sentence.start_date)}"))
            self._targets[f"s{sentence.pk}"] = (sentence, None)
            for requirement in sentence.requirements.all():
                if requirement.terminated_on is None:
                    choices.append((f"r{requirement.pk}", f"{sentence.sentence_type}: {requirement}"))
                    self._targets[f"r{requirement.pk}"] = (sentence, requirement)
        choices.append((NO_ORDER, "Nothing: it is not part of an order or licence"))
        self.fields["counts_towards"].choices = choices
        if sentences:
            self.fields["counts_towards"].initial = choices[0][0]

        units = {unit for unit in [getattr(user.team, "delivery_unit_id", None),
                                   getattr(person.team, "delivery_unit_id", None)] if unit}
        offices = Office.objects.all() if not units else Office.objects.filter(delivery_unit__in=units)
        self.fields["location"].queryset = offices.order_by("name")
        self.fields["location"].initial = getattr(person.team or user.team, "office_id", None)

        teams = {team for team in [user.team_id, person.team_id] if team}
        people = Q(pk=user.pk) | Q(team__in=teams)
        if person.practitioner_id:
            people |= Q(pk=person.practitioner_id)
        self.fields["staff"].queryset = User.objects.filter(people, is_active=True).order_by("last_name", "first_name")
        self.fields["staff"].initial = person.practitioner_id or user.pk
        self.fields["repeat_frequency"].initial = ""

    def clean(self):
        data = super().clean()
        data["sentence"], data["requirement"] = self._targets.get(data.get("counts_towards"), (None, None))
        data["starts_at"] = self._starts_at(data)
        data["duration"] = None
        if data.get("start_time") and data.get("end_time"):
            if data["end_time"] <= data["start_time"]:
                self.add_error("end_time", "The end time must be after the start time")
            else:
                start = datetime.datetime.combine(datetime.date.min, data["start_time"])
                data["duration"] = datetime.datetime.combine(datetime.date.min, data["end_time"]) - start
        if data.get("repeat_frequency") and not data.get("repeat_count") and "repeat_count" not in self.errors:
            self.add_error("repeat_count", "Enter how many appointments there are in total")
        if not data.get("repeat_frequency"):
            data["repeat_count"] = 1
        return data

    def arrangement(self) -> dict:
        """The arguments for actions.plan_appointments and arrange_appointments."""
        data = self.cleaned_data
        return {
            "contact_type": data["contact_type"],
            "sentence": data["sentence"],
            "requirement": data["requirement"],
            "location": data["location"],
            "staff": data["staff"],
            "starts_at": data["starts_at"],
            "duration": data["duration"],
            "repeat_frequency": data["repeat_frequency"],
            "repeat_count": data["repeat_count"],
        }


class RescheduleForm(_DateTimeMixin, forms.Form):
    must_be_future = True

    version = forms.IntegerField(widget=forms.HiddenInput)
    date = GovUKDateField(label="New date", help_text="For example, 27 3 2026")
    start_time = GovUKTimeField(label="New start time", help_text="Use the 24-hour clock, for example 14:30. "
                                "The appointment keeps its length.")
    requested_by = forms.ChoiceField(
        label="Who asked for it to be rescheduled?",
        choices=Contact.RequestedBy.choices,
        widget=GovUKRadioSelect,
        error_messages={"required": "Select who asked for the appointment to be rescheduled"},
    )
    reason = forms.CharField(
        label="Why is it being rescheduled?",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the appointment is being rescheduled"},
    )
    allow_clashes = forms.BooleanField(label="Reschedule anyway, despite the clashes above", required=False)

    error_fields = {"starts_at": "date"}

    def clean(self):
        data = super().clean()
        data["starts_at"] = self._starts_at(data)
        return data


class GroupedRadioSelect(GovUKRadioSelect):
    """GOV.UK radios in labelled groups, numbered ``<id>_0``, ``<id>_1``... across the groups."""

    template_name = "supervision/widgets/grouped_radios.html"

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        number = 0
        base_id = (attrs or {}).get("id") or self.attrs.get("id")
        for _group, options, _index in groups:
            for option in options:
                if base_id:
                    option["attrs"]["id"] = f"{base_id}_{number}"
                    if option.get("hint"):
                        option["hint_id"] = f"{base_id}_{number}-hint"
                        option["attrs"]["aria-describedby"] = option["hint_id"]
                number += 1
        return groups


def outcome_group(outcome: Outcome) -> str:
    if outcome.attended:
        return OUTCOME_GROUPS[0]
    if outcome.awaiting_evidence:
        return OUTCOME_GROUPS[3]
    if outcome.acceptable:
        return OUTCOME_GROUPS[1]
    return OUTCOME_GROUPS[2]


class OutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ModelChoiceField(
        label="What was the outcome?",
        queryset=Outcome.objects.selectable().filter(reschedule=False),
        empty_label=None,
        widget=GroupedRadioSelect,
        error_messages={"required": "Select an outcome", "invalid_choice": "Select an outcome"},
    )
    notes = _notes_field(help_text="Added to the appointment's notes; earlier notes are kept")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = {name: [] for name in OUTCOME_GROUPS}
        hints = {}
        for outcome in self.fields["outcome"].queryset:
            grouped[outcome_group(outcome)].append((str(outcome.pk), outcome.description))
            if outcome.awaiting_evidence:
                hints[str(outcome.pk)] = ("Use this while you wait for evidence of a reason: they have 5 working "
                                          "days. Change the outcome when the evidence arrives or the time is up.")
            elif outcome.enforceable:
                hints[str(outcome.pk)] = "An unacceptable failure: you will be asked what enforcement action to take"
        widget = self.fields["outcome"].widget
        widget.choices = [(name, options) for name, options in grouped.items() if options]
        widget.hints = hints


class EnforcementForm(forms.Form):
    # The rationale is required for some actions only; the hint says which.
    govuk_mark_optional = False

    action = forms.ChoiceField(
        label="What action are you taking?",
        widget=GovUKRadioSelect,
        error_messages={"required": "Select an enforcement action", "invalid_choice": "Select one of the actions offered"},
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"The rationale must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [str(code) for code in decision.allowed_actions]
        descriptions = dict(EnforcementAction.objects.filter(code__in=codes).values_list("code", "description"))
        self.fields["action"].choices = [(code, descriptions.get(code, code)) for code in codes]
        needs_rationale = {str(code) for code in decision.requires_rationale_for}
        hints = {}
        for code in codes:
            notes = []
            if decision.recommended_action is not None and code == str(decision.recommended_action):
                notes.append("Recommended")
            if code in needs_rationale:
                notes.append("Needs a rationale")
            if notes:
                hints[code] = ". ".join(notes)
        self.fields["action"].widget.hints = hints
        if needs_rationale:
            listed = ", ".join(descriptions.get(code, code).lower() for code in codes if code in needs_rationale)
            self.fields["rationale"].help_text = f"Required for: {listed}. Optional otherwise."
        else:
            self.fields["rationale"].help_text = "Optional"


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Your note is added with today's date and your name. Earlier notes are never changed.",
        error_messages={"required": "Enter the note",
                        "max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )
    sensitive = forms.BooleanField(label="This note includes sensitive information", required=False)


class ContactForm(_DateTimeMixin, forms.Form):
    must_be_past = True

    contact_type = forms.ModelChoiceField(
        label="Type of contact",
        queryset=ContactType.objects.selectable().filter(category=ContactType.Category.COMMUNICATION,
                                                         system_generated=False),
        empty_label=None,
        widget=GovUKRadioSelect,
        error_messages={"required": "Select the type of contact", "invalid_choice": "Select the type of contact"},
    )
    date = GovUKDateField(label="Date", help_text="For example, 27 3 2026")
    start_time = GovUKTimeField(label="Time", help_text="Use the 24-hour clock, for example 14:30")
    description = forms.CharField(
        label="Summary",
        required=False,
        max_length=200,
        help_text="A short line shown in the activity log, for example ‘Confirmed Monday’s appointment’",
        error_messages={"max_length": "The summary must be 200 characters or fewer"},
    )
    sentence = forms.ModelChoiceField(
        label="Does it relate to an order or licence?",
        queryset=None,
        required=False,
        empty_label="No",
        error_messages={"invalid_choice": "Select an order or licence from the list"},
    )
    notes = _notes_field()
    sensitive = forms.BooleanField(label="It includes sensitive information", required=False)

    error_fields = {"starts_at": "date"}

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sentence"].queryset = person.sentences.select_related("sentence_type").order_by("-start_date")

    def clean(self):
        data = super().clean()
        data["starts_at"] = self._starts_at(data)
        return data
