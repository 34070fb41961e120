"""Who has looked at this case: the page, its filters and pages, and the CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.access.case import access_case
from openprobation.access.models import AccessEvent
from openprobation.access.queries import ACCESS_LOG_PAGE_SIZE
from openprobation.access.tests.factories import another_person
from openprobation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def log_url(case, **query):
    return reverse("case-access:access-log", args=[case.crn])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def looked(case, alice, bob, carol):
    """alice opened the overview, bob the appointments, carol was refused a change, on this case only."""
    access_case(alice, case.crn, part="overview")
    access_case(bob, case.crn, part="appointments")
    AccessEvent.objects.create(user=carol, role="po", crn=case.crn, part="personal-details", granted=False,
                               denied_because="read-only", ip_address="192.0.2.7", path="/somewhere/")
    access_case(alice, another_person().crn, part="overview")  # another case: never listed here
    return case


def test_managers_see_who_looked(mandy_client, looked):
    response = mandy_client.get(log_url(looked))
    assert response.status_code == 200
    table = response.text[response.text.index('id="access-log"'):]
    assert "Alice Allocated" in table
    assert "Bob Colleague" in table
    assert "Carol Elsewhere" in table
    assert "Probation services officer" in table
    assert "Their role may only read this part" in table
    assert "192.0.2.7" in table
    # 3 looks at this case, plus mandy's own look at the log, which is recorded before the list is read.
    assert "4 entries" in response.text


def test_filters_narrow_the_log(mandy_client, looked, bob, carol):
    url = log_url(looked)
    assert "1 entry match" in mandy_client.get(url, {"user": bob.pk}).text
    assert "Carol Elsewhere" in mandy_client.get(url, {"outcome": "denied"}).text
    response = mandy_client.get(url, {"outcome": "denied"})
    assert "1 entry match" in response.text
    response = mandy_client.get(url, {"part": "appointments"})
    assert "1 entry match" in response.text
    assert "Bob Colleague" in response.text
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    response = mandy_client.get(url, {"date_from_day": tomorrow.day, "date_from_month": tomorrow.month,
                                      "date_from_year": tomorrow.year})
    assert "No entries match these filters" in response.text
    response = mandy_client.get(url, {"date_to_day": today.day, "date_to_month": today.month,
                                      "date_to_year": today.year})
    assert "entries match" in response.text


def test_bad_filters_show_an_error_summary_and_are_not_applied(mandy_client, looked):
    response = mandy_client.get(log_url(looked), {
        "user": "999999", "date_from_day": "31", "date_from_month": "2", "date_from_year": "2026",
        "date_to_day": "1", "date_to_month": "1", "date_to_year": "20",
    })
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in response.text
    assert "Select a user from the list" in response.text
    assert "From must be a real date" in response.text
    assert "Year must include 4 numbers" in response.text
    assert "Filters with a problem are not applied" in response.text


def test_the_log_is_paginated_with_a_fixed_number_of_queries(client, case, mandy, alice,
                                                             django_assert_max_num_queries):
    AccessEvent.objects.bulk_create(
        AccessEvent(user=alice, role="po", crn=case.crn, part="overview") for _ in range(ACCESS_LOG_PAGE_SIZE + 5)
    )
    client.force_login(mandy)
    url = log_url(case)
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert first.text.count('<tr class="govuk-table__row">') == ACCESS_LOG_PAGE_SIZE + 1  # with the head row
    assert 'rel="next"' in first.text
    with django_assert_max_num_queries(12):
        second = client.get(url, {"page": 2})
    assert second.text.count('<tr class="govuk-table__row">') == 1 + 7  # 55 + two looks by mandy = 57
    assert client.get(url, {"page": "not-a-number"}).status_code == 200


def test_the_data_protection_officer_reads_the_log_but_not_the_case(client, looked, dora):
    client.force_login(dora)
    assert client.get(log_url(looked)).status_code == 200
    assert client.get(reverse("case:overview", args=[looked.crn])).status_code == 403
    response = client.get(log_url(looked))
    # Their tabs are the ones they may open.
    assert f'href="{reverse("case:overview", args=[looked.crn])}"' not in response.text
    assert reverse("case-access:limited-access", args=[looked.crn]) in response.text


def test_practitioners_may_not_read_the_log(alice_client, looked):
    response = alice_client.get(log_url(looked))
    assert response.status_code == 403
    assert "Your role does not give access to this part of the case" in response.text
    assert AccessEvent.objects.filter(part="access-log", granted=False, denied_because="role").exists()


def test_export_is_the_filtered_log_as_csv_and_is_audited(mandy_client, looked, mandy, bob):
    url = reverse("case-access:access-log-csv", args=[looked.crn])
    response = mandy_client.get(url, {"user": bob.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"who-has-looked-{looked.crn}-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:5] == ["When", "Username", "Name", "Role at the time", "Part"]
    assert [r[1:6] for r in rows[1:]] == [["bob", "Bob Colleague", "Probation services officer", "appointments",
                                          "Granted"]]
    audit = AuditEvent.objects.get(verb="export_access_log")
    assert (audit.actor, audit.crn, audit.summary["rows"]) == (mandy, looked.crn, 1)
    assert audit.summary["filters"] == {"user": bob.pk}
    export_read = AccessEvent.objects.filter(user=mandy, path=url).get()
    assert export_read.part == "access-log"
    assert export_read.granted


def test_export_quotes_cells_a_spreadsheet_would_run(mandy_client, case, alice):
    AccessEvent.objects.create(user=alice, role="po", crn=case.crn, part="overview", path="=HYPERLINK(\"x\")")
    rows = csv_rows(mandy_client.get(reverse("case-access:access-log-csv", args=[case.crn])))
    assert "'=HYPERLINK(\"x\")" in [row[-1] for row in rows]


def test_export_is_refused_to_roles_without_the_log(alice_client, looked):
    response = alice_client.get(reverse("case-access:access-log-csv", args=[looked.crn]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="export_access_log").exists()
