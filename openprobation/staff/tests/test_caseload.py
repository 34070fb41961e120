import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_and_wrong_password(client, alice):
    response = client.get(reverse("sign-in"))
    assert response.status_code == 200
    response = client.post(reverse("sign-in"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text
    assert "govuk-error-summary" in response.text


def test_my_caseload_lists_only_my_cases(alice_client, alice, bob, case):
    PersonFactory(first_name="Other", surname="Person", practitioner=bob)
    response = alice_client.get(reverse("caseload:mine"))
    assert response.status_code == 200
    assert "Testcase, Jordan" in response.text
    assert "Person, Other" not in response.text


def test_caseload_shows_outcomes_to_record_and_next_appointment(alice_client, case):
    sentence = case.sentences.get()
    AppointmentFactory(sentence=sentence)  # yesterday, no outcome
    AppointmentFactory(sentence=sentence, starts_at=timezone.now() + datetime.timedelta(days=3))
    response = alice_client.get(reverse("caseload:mine"))
    row = response.context["rows"][0]
    assert row.outcomes_due == 1
    assert row.next_appointment is not None
    assert "1 appointment needs an outcome" in response.text


def test_caseload_query_count_does_not_grow_with_cases(alice_client, alice, django_assert_max_num_queries):
    for n in range(30):
        sentence = SentenceFactory(event__person__practitioner=alice, event__person__surname=f"Case{n:02d}")
        AppointmentFactory(sentence=sentence)
    # Session and user (2), the page of cases with one row more instead of a COUNT (1), their compliance (2)
    # and the session's expiry (1).
    with django_assert_max_num_queries(6):
        response = alice_client.get(reverse("caseload:mine"))
    assert len(response.context["rows"]) == 30


def test_caseload_sort_and_filter(alice_client, alice):
    PersonFactory(first_name="Zed", surname="Alpha", practitioner=alice, crn="X200001")
    PersonFactory(first_name="Amy", surname="Zulu", practitioner=alice, crn="X200002")
    names = [r.name for r in alice_client.get(reverse("caseload:mine") + "?sort=name").context["rows"]]
    assert names == ["Alpha, Zed", "Zulu, Amy"]
    rows = alice_client.get(reverse("caseload:mine") + "?q=zulu").context["rows"]
    assert [r.crn for r in rows] == ["X200002"]
    # Unknown sort and filter values never 500.
    assert alice_client.get(reverse("caseload:mine") + "?sort=bogus&status=nonsense&order=XX").status_code == 200


def test_team_caseload_is_for_managers(client, alice, mandy, bob, case, django_assert_max_num_queries):
    PersonFactory(practitioner=bob, surname="Bobscase")
    client.force_login(alice)
    assert client.get(reverse("caseload:team")).status_code == 403
    client.force_login(mandy)
    # Session and user (2), the team (1), its members with their workload, which is also the practitioner
    # filter's list (1), the page of cases, one page so no COUNT (1), their compliance (2), session expiry (1).
    with django_assert_max_num_queries(8):
        response = client.get(reverse("caseload:team"))
    assert response.status_code == 200
    assert "Testcase, Jordan" in response.text
    assert "Bobscase" in response.text
    loads = {m.name: m.cases for m in response.context["workload"]}
    assert loads["Alice Allocated"] == 1
    filtered = client.get(reverse("caseload:team") + f"?practitioner={bob.pk}").context["rows"]
    assert [r.practitioner for r in filtered] == ["Bob Colleague"]


def test_home_sends_providers_to_their_referrals_and_staff_to_their_caseload(client, alice, pat):
    client.force_login(pat)
    assert client.get("/").url == reverse("interventions:provider-home")
    client.force_login(alice)
    assert client.get("/").url == reverse("caseload:mine")


@pytest.mark.parametrize(("username", "landing"), [
    ("priya", "/access/shared-with-me/"), ("ian", "/access/inspections/"), ("dora", "/audit/subject-access/"),
    ("sam", "/access/inspections/"), ("cody", "/caseload/"), ("ada", "/caseload/"),
])
def test_home_sends_every_role_to_the_first_page_of_its_navigation(client, username, landing, request):
    user = request.getfixturevalue(username)
    client.force_login(user)
    response = client.get("/")
    assert response.url == landing
    assert client.get(landing).status_code == 200


def _table(response):
    from openprobation.frontend.tests.htmltree import parse

    table = parse(response.text).find_all("table", class_="op-caseload")[0]
    headers = [th.text for th in table.find_all("th")]
    rows = [tr.find_all("td") for tr in table.find_all("tbody")[0].find_all("tr")]
    return headers, rows


@pytest.mark.parametrize("page", ["caseload:mine", "caseload:team"])
def test_every_row_has_a_cell_under_every_heading(client, alice, mandy, case, page):
    sentence = case.sentences.get()
    AppointmentFactory(sentence=sentence)  # yesterday, no outcome
    AppointmentFactory(sentence=sentence, starts_at=timezone.now() + datetime.timedelta(days=3))
    PersonFactory(crn="X100002", first_name="<b>Ann</b>", surname="O'Hara & Co", practitioner=alice)  # nothing arranged
    client.force_login(alice if page == "caseload:mine" else mandy)
    headers, rows = _table(client.get(reverse(page)))
    assert len(rows) == 2, [[c.text for c in r] for r in rows]
    assert all(len(cells) == len(headers) for cells in rows), (headers, [[c.text for c in r] for r in rows])
    by_crn = {cells[1].text: cells for cells in rows}
    row = by_crn[case.crn]
    links = row[0].find_all("a")
    assert links[0].attrs["href"] == reverse("case:overview", args=[case.crn])
    assert "Testcase, Jordan" in row[0].text
    outcome_link = row[headers.index("Outcomes to record")].find_all("a")[0]
    assert outcome_link.text == "1"
    assert outcome_link.attrs["href"].endswith("#outcome-due")
    assert row[headers.index("Compliance")].find_all("strong")[0].text
    if page == "caseload:team":
        assert row[headers.index("Practitioner")].text == "Alice Allocated"
    other = next(cells for crn, cells in by_crn.items() if crn != case.crn)
    assert other[headers.index("Next appointment")].text == "None arranged"
    assert other[headers.index("Last appointment")].text == "–"
    assert other[headers.index("Outcomes to record")].text == "0"
    html = client.get(reverse(page)).text
    assert "O&#x27;Hara &amp; Co, &lt;b&gt;Ann&lt;/b&gt;" in html
