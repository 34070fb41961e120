"""The activity log and compliance pages of a case.

Both are read-only: they go through ``case_for`` (which writes the read audit) and the read models in
``supervision.activity`` and ``supervision.compliance``.  The activity log's filters are a GET form;
input it cannot use is shown in the error summary and left out of the filtering, never a server error.
"""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.frontend.forms import GovUKDateField, GovUKDateWidget
from openprobation.people.case_tabs import case_context

from ..activity import COMPLIANCE_FILTERS, ActivityFilters, activity_page, contact_type_choices
from ..compliance import order_compliance
from ..models import ContactType
from .timeline import timeline_days

KEYWORD_MAX_LENGTH = 100
MAX_PAGE = 100_000
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# Present on a submitted filter form; without it the defaults apply (system-generated contacts shown).
SUBMITTED = "filtered"


class DateOrIsoWidget(GovUKDateWidget):
    """The GOV.UK three-box date input, which also reads a plain ISO date (``?date_from=2026-03-02``)."""

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if not any(parts) and data.get(name):
            return data.get(name)
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                return [None, None, None]
        return super().decompress(value)


def _date_field(label):
    return GovUKDateField(
        label=label, required=False, widget=DateOrIsoWidget, help_text="For example, 27 3 2026"
    )


class ActivityFilterForm(forms.Form):
    keyword = forms.CharField(
        label="Keyword",
        required=False,
        max_length=KEYWORD_MAX_LENGTH,
        help_text="Searches contact types, descriptions and notes",
        error_messages={"max_length": f"Keyword must be {KEYWORD_MAX_LENGTH} characters or fewer"},
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "All categories"), *ContactType.Category.choices],
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    contact_type = forms.ChoiceField(
        label="Contact type",
        required=False,
        error_messages={"invalid_choice": "Select a contact type from the list"},
    )
    date_from = _date_field("From")
    date_to = _date_field("To")
    compliance = forms.ChoiceField(
        label="Compliance",
        required=False,
        choices=[("", "Any"), *((key, label) for key, (label, _) in COMPLIANCE_FILTERS.items())],
        error_messages={"invalid_choice": "Select a compliance option from the list"},
    )
    include_system = forms.BooleanField(label="Include system-generated contacts", required=False)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Page must be a whole number",
            "min_value": "Page must be 1 or more",
            "max_value": f"Page must be {MAX_PAGE:,} or less",
        },
    )

    def __init__(self, data, **kwargs):
        data = data.copy()
        if SUBMITTED not in data:
            data["include_system"] = "on"
        super().__init__(data, **kwargs)
        self.fields["contact_type"].choices = [("", "All types"), *contact_type_choices()]

    def _clean_date(self, name, label):
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise forms.ValidationError(
                f"{label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}", code="invalid_year"
            )
        return day

    def clean_date_from(self):
        return self._clean_date("date_from", "The ‘from’ date")

    def clean_date_to(self):
        return self._clean_date("date_to", "The ‘to’ date")

    def clean_keyword(self):
        return " ".join(self.cleaned_data["keyword"].split())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data

    def filters(self) -> ActivityFilters:
        """The filters to apply: every valid field; a field with an error is left out."""
        self.is_valid()
        data = self.cleaned_data
        return ActivityFilters(
            category=data.get("category") or "",
            contact_type=data.get("contact_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            compliance=data.get("compliance") or "",
            keyword=data.get("keyword") or "",
            include_system=bool(data.get("include_system")),
        )

    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1


def activity_log(request, crn):
    person = case_for(request, crn, part="activity-log")
    form = ActivityFilterForm(request.GET)
    filters = form.filters()
    page = activity_page(person, filters, page=form.page_number(), now=timezone.now())
    return render(
        request,
        "supervision/activity_log.html",
        case_context(
            person, "activity-log", form=form, filters=filters, page=page, submitted=SUBMITTED,
            timeline=timeline_days(page, person.crn),
        ),
    )


def compliance(request, crn):
    person = case_for(request, crn, part="compliance")
    today = timezone.localdate()
    return render(
        request,
        "supervision/compliance.html",
        case_context(person, "compliance", orders=order_compliance(person, today), today=today),
    )
