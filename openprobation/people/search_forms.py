"""The case search box: one text field, checked with the same parser that runs the search."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from openprobation.frontend.forms import GovUKFormMixin

from .search import MAX_QUERY_LENGTH, parse_query

MIN_QUERY_LENGTH = 2
NOTHING_TO_SEARCH = "Enter a name, CRN, PNC number or date of birth"


class SearchForm(GovUKFormMixin, forms.Form):
    govuk_page_heading = "q"

    q = forms.CharField(
        label="Search by name, CRN, PNC number or date of birth",
        help_text="For example, John Smith, X123456, 12/123456Y or 03/04/1990",
        min_length=MIN_QUERY_LENGTH,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": NOTHING_TO_SEARCH,
            "min_length": f"Search must be {MIN_QUERY_LENGTH} characters or more",
            "max_length": f"Search must be {MAX_QUERY_LENGTH} characters or fewer",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        parsed = parse_query(query, today=timezone.localdate())
        if parsed.invalid_dates:
            raise ValidationError(f"Date of birth must be a real date: “{parsed.invalid_dates[0]}” is not")
        if not parsed.is_searchable:
            if parsed.names:
                raise ValidationError("Enter at least 2 letters of a name")
            raise ValidationError(NOTHING_TO_SEARCH)
        self.cleaned_data["parsed"] = parsed
        return query
