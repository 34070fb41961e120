"""The case search page. Reads go through `search_people`, which starts from `people_visible_to`.

Searching writes no AccessEvent: only opening a case does (see access.case).
"""

from django.shortcuts import render

from openprobation.access.case import RESTRICTED
from openprobation.frontend.markup import html, join
from openprobation.frontend.templatetags.govuk import govuk_date

from .case_tabs import landing_url
from .search import search_people
from .search_forms import SearchForm

RESULT_LIMIT = 50
TABLE_HEAD = ["Name", "CRN", "Date of birth", "Town", "Practitioner", "Matched on"]
_CELL = '<td class="govuk-table__cell">{}</td>'


def results_html(results, href):
    """The results table's rows, written in Python like the caseload's (``href``: crn -> the case's URL).

    A case the user is blocked from shows its CRN and "Restricted" only; its link shows the case's message.
    """
    return join(
        html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
            + _CELL * 5 + "</tr>\n",
            href(result.crn), result.name, result.crn,
            RESTRICTED if result.restricted else govuk_date(result.date_of_birth),
            result.town, result.practitioner or "Unallocated", result.matched_on,
        )
        for result in results
    )


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
            rows_html=results_html(results, landing_url(request.user)),
            at_limit=len(results) >= RESULT_LIMIT,
        )
    return render(request, "people/search.html", context)
