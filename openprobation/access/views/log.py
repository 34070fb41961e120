"""Who has looked at this case: the case's AccessEvents, filterable, paginated and exportable to CSV.

For managers and the data protection officer (`permissions.ACCESS_LOG`). The page and the export read the
case through `case_for`, so limited-access lists bind them like every other case page; the export is also
recorded as an AuditEvent with the filters it used and how many rows it held.
"""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.people.case_tabs import case_context

from .. import permissions
from ..forms import AccessLogFilterForm
from ..queries import (
    access_events,
    access_log_choices,
    access_log_csv_rows,
    access_log_page,
    denial_label,
    role_label,
)
from . import case_for

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def _safe_cell(value) -> str:
    """A spreadsheet must never run what a user typed (CSV injection): quote cells that look like formulas."""
    text = str(value)
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def _filter_form(request, crn):
    users, parts = access_log_choices(crn)
    return AccessLogFilterForm(request.GET or None, users=users, parts=parts)


def access_log(request, crn):
    person = case_for(request, crn, part=permissions.ACCESS_LOG)
    form = _filter_form(request, person.crn)
    filters = form.filters() if form.is_bound else {}
    page = access_log_page(person.crn, filters, request.GET.get("page"))
    for event in page.object_list:
        event.role_label = role_label(event.role)
        event.denial_label = denial_label(event.denied_because)
    return render(request, "access/access_log.html", case_context(
        person, permissions.ACCESS_LOG, form=form, page=page, filters=filters,
        export_query=request.GET.urlencode(),
    ))


def access_log_csv(request, crn):
    person = case_for(request, crn, part=permissions.ACCESS_LOG)
    form = _filter_form(request, person.crn)
    filters = form.filters() if form.is_bound else {}
    rows = access_events(person.crn, filters).count()
    record("export_access_log", person, by=request.user, crn=person.crn, filters=filters, rows=rows)
    writer = csv.writer(_Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        (writer.writerow([_safe_cell(c) for c in row]) for row in access_log_csv_rows(person.crn, filters)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="who-has-looked-{person.crn}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
