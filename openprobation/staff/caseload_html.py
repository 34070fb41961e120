"""The caseload table's rows as HTML, written in Python.

A caseload shows up to 100 rows of eight cells. Through the template, each row cost a dozen variable
lookups and as many conditions: about 6 ms a page on the national data set, most of the page beyond its
SQL. The markup is the template's: GOV.UK table rows, the CRN and "Restricted" only for a case the user
is blocked from (its link shows the case's message).
"""

from openprobation.frontend.markup import html, join

_CELL = '<td class="govuk-table__cell">{}</td>'
_RESTRICTED_CELL = '<td class="govuk-table__cell">Restricted</td>'
_NONE_ARRANGED = html('<span class="govuk-hint govuk-!-margin-0">None arranged</span>')


def caseload_rows_html(rows, *, show_practitioner: bool = False):
    """The ``<tr>`` of every row, in order."""
    return join(_restricted(row, show_practitioner) if row.restricted else _row(row, show_practitioner)
                for row in rows)


def _restricted(row, show_practitioner: bool):
    cells = _RESTRICTED_CELL * (6 if show_practitioner else 5)  # order, [practitioner], the four columns after
    return html(
        '<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{}">Restricted</a></td>'
        + _CELL + cells + "</tr>\n",
        row.href, row.crn,
    )


def _row(row, show_practitioner: bool):
    outcomes = (html('<a class="govuk-link" href="{}#outcome-due">{}</a>', row.appointments_href, row.outcomes_due)
                if row.outcomes_due else "0")
    compliance = (html('<strong class="{}">{}</strong>', row.compliance_tag_class, row.compliance_label)
                  if row.compliance_label else "")
    return html(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br>'
        '<span class="govuk-body-s govuk-!-margin-0">{}</span></td>'
        + _CELL * (3 if show_practitioner else 2) + _CELL * 2  # CRN, order, [practitioner]; next, last
        + '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>' + _CELL + "</tr>\n",
        row.href, row.name, row.date_of_birth_display, row.crn, row.order,
        *([row.practitioner] if show_practitioner else []),
        row.next_appointment_display if row.next_appointment else _NONE_ARRANGED,
        row.last_appointment_display if row.last_appointment else "–",
        outcomes, compliance,
    )
