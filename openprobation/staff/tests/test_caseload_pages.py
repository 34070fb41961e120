"""Caseloads a page at a time: the same order as the whole list, restricted rows last, bounded queries."""

import pytest
from django.urls import reverse

from openprobation.access.tests.factories import ExclusionFactory, another_person
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.staff import queries, views
from openprobation.staff.queries import caseload_page, caseload_rows
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    monkeypatch.setattr(views, "TEAM_PAGE_SIZE", 3)


@pytest.fixture
def team_cases(alice, bob, mandy):
    """Seven cases across two practitioners, one of them blocked for the manager."""
    people = []
    for n, practitioner in enumerate([alice, bob] * 3 + [alice]):
        sentence = SentenceFactory(event__person__practitioner=practitioner, event__person__surname=f"Case{n:02d}")
        AppointmentFactory(sentence=sentence)
        people.append(sentence.person)
    ExclusionFactory(person=people[0], user=mandy, added_by=alice)
    return people


def _all_pages(user, **kwargs):
    first = caseload_page(user, **kwargs)
    rows = list(first.rows)
    for number in range(2, first.page.paginator.num_pages + 1):
        rows += caseload_page(user, page=number, **kwargs).rows
    return first, rows


@pytest.mark.parametrize("sort", ["name", "crn", "next", "last", "outcomes", "allocated", "compliance"])
def test_pages_put_together_give_the_whole_list(small_pages, team_cases, mandy, north_team, sort):
    first, rows = _all_pages(mandy, team=north_team, sort=sort)
    assert first.total == 7
    assert first.page.paginator.num_pages == 3
    whole = caseload_rows(mandy, team=north_team, sort=sort)
    assert [r.crn for r in rows] == [r.crn for r in whole]
    # The blocked case is last, on the last page, and shows nothing but its CRN.
    assert rows[-1].restricted
    assert rows[-1].crn == team_cases[0].crn
    assert not any(r.restricted for r in rows[:-1])


def test_a_status_filter_pages_through_the_matching_cases_only(small_pages, team_cases, mandy, north_team):
    label = caseload_rows(mandy, team=north_team)[0].compliance_label
    first, rows = _all_pages(mandy, team=north_team, status=label)
    assert rows
    assert all(r.compliance_label == label for r in rows)
    assert first.total == len(rows)


def test_team_caseload_page_links_and_bad_page_numbers(small_pages, team_cases, mandy_client):
    url = reverse("caseload:team")
    response = mandy_client.get(url + "?sort=crn")
    assert response.status_code == 200
    assert "7 cases, 1 to 3 shown" in response.text
    assert 'aria-label="Caseload pages"' in response.text
    assert "sort=crn&amp;page=2" in response.text  # the sort is kept in the page links
    last = mandy_client.get(url + "?sort=crn&page=3")
    assert [r.restricted for r in last.context["rows"]] == [True]
    # Nonsense or out-of-range page numbers show a real page, never an error.
    for page in ("0", "999", "abc", "-1"):
        response = mandy_client.get(url + f"?page={page}")
        assert response.status_code == 200
        assert len(response.context["rows"]) in (1, 3)


def test_the_team_caseload_reads_one_page_whatever_the_team_size(
    small_pages, team_cases, mandy_client, django_assert_max_num_queries
):
    # As a one-page team (test_caseload.py), plus the COUNT that the paginator needs for several pages.
    with django_assert_max_num_queries(9):
        response = mandy_client.get(reverse("caseload:team"))
    assert len(response.context["rows"]) == 3


def test_the_outcomes_banner_counts_every_page(small_pages, alice, alice_client):
    for n in range(5):
        sentence = SentenceFactory(event__person__practitioner=alice, event__person__surname=f"Mine{n}")
        AppointmentFactory(sentence=sentence)  # yesterday, no outcome yet
    another_person(practitioner=alice)
    response = alice_client.get(reverse("caseload:mine"))
    assert len(response.context["rows"]) == 3
    assert "5 appointments need an outcome" in response.text
