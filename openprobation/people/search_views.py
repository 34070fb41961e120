"""The case search page. Reads go through `search_people`, which starts from `people_visible_to`.

Searching writes no AccessEvent: only opening a case does (see access.case).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from openprobation.frontend.templatetags.govuk import govuk_date

from .search import search_people
from .search_forms import SearchForm

RESULT_LIMIT = 50
TABLE_HEAD = ["Name", "CRN", "Date of birth", "Town", "Practitioner", "Matched on"]


def _row(result):
    link = format_html(
        '<a class="govuk-link" href="{}">{}</a>', reverse("case:overview", args=[result.crn]), result.name
    )
    return [
        link,
        result.crn,
        govuk_date(result.date_of_birth),
        result.town,
        result.practitioner or "Unallocated",
        result.matched_on,
    ]


def search(request):
    # An unbound form on arrival: no "enter something" error before anything was typed.
    form = SearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "table_head": TABLE_HEAD, "result_limit": RESULT_LIMIT}
    if form.is_bound and form.is_valid():
        parsed = form.cleaned_data["parsed"]
        results = search_people(request.user, parsed, limit=RESULT_LIMIT)
        context.update(
            parsed=parsed,
            query=parsed.text,
            results=results,
            rows=[_row(result) for result in results],
            at_limit=len(results) >= RESULT_LIMIT,
        )
    return render(request, "people/search.html", context)
