"""The History tab of a case: its actions and the versions of its records, newest first.

Read-only, through ``case_for`` (which checks the role and writes the read audit). The filter is a GET
form; input it cannot use is shown in the error summary and left out, never a server error.
"""

from django import forms
from django.shortcuts import render

from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context

from ..case_history import history_page, show_choices

HISTORY_PART = "history"
MAX_PAGE = 100_000


class HistoryFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        required=False,
        error_messages={"invalid_choice": "Select what to show from the list"},
    )
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = show_choices()

    def value(self, name, default):
        """The cleaned value of a field, or ``default`` when it has an error."""
        self.is_valid()
        return self.cleaned_data.get(name) or default


def case_history(request, crn):
    person = case_for(request, crn, part=HISTORY_PART)
    form = HistoryFilterForm(request.GET)
    show = form.value("show", "")
    page = history_page(person, show=show, page=form.value("page", 1))
    return render(request, "audit/history.html", case_context(person, HISTORY_PART, form=form, page=page, show=show))
