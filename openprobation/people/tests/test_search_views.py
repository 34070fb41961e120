import datetime

import pytest
from django.urls import reverse

from openprobation.access.models import AccessEvent
from openprobation.audit.models import AuditEvent
from openprobation.people import search_views
from openprobation.people.models import Alias
from openprobation.people.search import search_keys
from openprobation.people.tests.factories import AddressFactory, PersonFactory

LABEL = "Search by name, CRN, PNC number or date of birth"


@pytest.fixture
def john_smith(alice):
    person = PersonFactory(
        crn="A100001",
        first_name="John",
        surname="Smith",
        date_of_birth=datetime.date(1990, 4, 3),
        pnc_number="2012/0123456Y",
        practitioner=alice,
    )
    AddressFactory(person=person, town="Northwold")
    PersonFactory(crn="B100001", first_name="Mary", surname="Jones", date_of_birth=datetime.date(1985, 1, 2))
    return person


def search_url():
    return reverse("search:index")


def search(client, q):
    return client.get(search_url(), {"q": q})


def test_sign_in_required(client, john_smith):
    response = search(client, "Smith")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_first_visit_shows_the_form_without_errors(alice_client):
    response = alice_client.get(search_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert LABEL in page
    assert 'name="q"' in page
    assert "govuk-error-summary" not in page
    assert "found" not in page


def test_results_table(alice_client, john_smith):
    response = search(alice_client, "Smith John")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 person found" in page
    assert f'href="{reverse("case:overview", args=["A100001"])}"' in page
    assert ">John Smith</a>" in page
    assert "A100001" in page
    assert "3 April 1990" in page
    assert "Northwold" in page
    assert "Alice Allocated" in page
    assert "Mary Jones" not in page
    assert 'value="Smith John"' in page  # the box keeps what was typed


@pytest.mark.parametrize(
    ("q", "matched_on"),
    [
        ("Jonh Smiht", "similar spelling"),
        ("Smyth", "phonetic"),
        ("a100001", "CRN"),
        ("12/123456y", "PNC"),
        ("3/4/1990", "date of birth"),
        ("1990-04-03", "date of birth"),
        ("smith 03/04/1990", "name and date of birth"),
    ],
)
def test_what_a_result_matched_on_is_shown(alice_client, john_smith, q, matched_on):
    page = search(alice_client, q).content.decode()
    assert "1 person found" in page
    assert f'<td class="govuk-table__cell">{matched_on}</td>' in page


def test_alias_match_names_the_alias(alice_client, john_smith):
    other = PersonFactory(crn="A100002", first_name="Leroy", surname="Barnes")
    Alias.objects.create(person=other, first_name="Jon", surname="Smyth", **search_keys("Jon", "Smyth"))
    page = search(alice_client, "Jon Smyth").content.decode()
    assert "2 people found" in page
    assert "alias &#x27;Jon Smyth&#x27;" in page


def test_unallocated_case_says_so(alice_client):
    PersonFactory(crn="A100003", first_name="Nadia", surname="Okafor")
    page = search(alice_client, "Okafor").content.decode()
    assert "Unallocated" in page


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Enter a name, CRN, PNC number or date of birth"),
        ("   ", "Enter a name, CRN, PNC number or date of birth"),
        ("x", "Search must be 2 characters or more"),
        ("!!!", "Enter a name, CRN, PNC number or date of birth"),
        ("123", "Enter a name, CRN, PNC number or date of birth"),
        ("j k", "Enter at least 2 letters of a name"),
        ("smith 31/02/1990", "Date of birth must be a real date"),
        ("z" * 201, "Search must be 200 characters or fewer"),
    ],
)
def test_unusable_queries_explain_themselves(alice_client, john_smith, q, message):
    response = search(alice_client, q)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert "<title>Error: " in page
    assert "found" not in page


def test_nothing_found(alice_client, john_smith):
    page = search(alice_client, "Zzzz Qqqq").content.decode()
    assert "No cases found for “Zzzz Qqqq”" in page
    assert "checking the spelling" in page
    assert "govuk-table" not in page


def test_pnc_with_the_wrong_check_letter_is_pointed_out(alice_client, john_smith):
    page = search(alice_client, "2012/0123456A").content.decode()
    assert "No cases found" in page
    assert "last letter of that PNC number does not match" in page


def test_ignored_parts_of_the_query_are_shown(alice_client, john_smith):
    page = search(alice_client, "smith 12ab").content.decode()
    assert "1 person found" in page
    assert "Not used in this search: 12ab" in page


@pytest.mark.parametrize(
    "q",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%",
        "\x00",
        "smith\u202e",
        "Zoë 💥",
        "1990-13-45",
        "99/99/9999",
        "0/0/0",
        "9" * 200,
        "a" * 200,
        "Smith " * 33,
    ],
)
def test_bad_input_never_fails(alice_client, john_smith, q):
    response = search(alice_client, q)
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


def test_repeated_q_uses_the_last_value(alice_client, john_smith):
    response = alice_client.get(search_url() + "?q=x&q=Smith")
    assert "1 person found" in response.content.decode()


def test_at_the_limit_the_page_says_so(alice_client, john_smith, monkeypatch):
    monkeypatch.setattr(search_views, "RESULT_LIMIT", 1)
    PersonFactory(crn="A100004", first_name="Jane", surname="Smith")
    page = search(alice_client, "Smith").content.decode()
    assert "1 person found" in page
    assert "Showing the best 1 matches" in page


def test_searching_writes_no_access_or_audit_events(alice_client, john_smith):
    search(alice_client, "Smith")
    search(alice_client, "A100001")
    assert AccessEvent.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_query_count_is_fixed_for_30_matching_people(alice_client, alice, django_assert_max_num_queries):
    for n in range(30):
        person = PersonFactory(
            crn=f"A2000{n:02d}",
            first_name=f"John{'n' * (n % 4)}",
            surname="Smith",
            date_of_birth=datetime.date(1990, 4, 3),
            practitioner=alice,
        )
        AddressFactory(person=person)
        Alias.objects.create(person=person, first_name="Jon", surname="Smyth", **search_keys("Jon", "Smyth"))
    # Session and user (2), at most four for the search (aliases by key, people, typos, their aliases),
    # and the session's expiry moved on for the idle timeout (1).
    with django_assert_max_num_queries(7):
        response = search(alice_client, "John Smith")
    assert "30 people found" in response.content.decode()
    with django_assert_max_num_queries(5):
        response = search(alice_client, "Smith 3 April 1990")
    assert "30 people found" in response.content.decode()


def test_a_crn_search_is_four_queries(alice_client, case, django_assert_max_num_queries):
    search(alice_client, case.crn)  # the session exists
    # Session and user (2), the person with their town and limited-access test (1), the session's expiry (1).
    with django_assert_max_num_queries(4):
        response = search(alice_client, case.crn)
    assert "1 person found" in response.content.decode()


def test_result_cells_are_escaped(alice_client, alice):
    PersonFactory(crn="A100009", first_name="<b>Ann</b>", surname="O'Hara", practitioner=alice)
    page = search(alice_client, "A100009").content.decode()
    assert "&lt;b&gt;Ann&lt;/b&gt; O&#x27;Hara</a>" in page
    assert "<b>Ann</b>" not in page
