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
