"""Limited-access cases: one rule, enforced the same way on the case pages and in every list and export."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprobation.access.case import access_case, people_listed_for, people_visible_to
from openprobation.access.models import AccessEvent
from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    InspectionSampleFactory,
    LimitedAccessMessagesFactory,
    RestrictionFactory,
    another_person,
)
from openprobation.alerts.actions import raise_alert
from openprobation.alerts.queries import open_alerts_for_owner, open_alerts_for_team
from openprobation.people.models import Alias
from openprobation.people.search import search_keys, search_people
from openprobation.people.tests.factories import AddressFactory
from openprobation.staff.queries import caseload_rows, team_workload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
EXCLUDED_MESSAGE = "You are excluded from this case. Contact the Northwold North team manager."
RESTRICTED_MESSAGE = "This case is restricted. Contact the Northwold North team manager."
# What must never appear for a blocked user: the case fixture's name, date of birth, town, alias.
SECRETS = ("Jordan", "Testcase", "Northwold Road", "Jay Secretalias")


@pytest.fixture
def lao(case, mandy):
    """The case, with messages for blocked users, a known date of birth, address and alias."""
    case.date_of_birth = datetime.date(1991, 7, 14)
    case.save(update_fields=["date_of_birth"])
    case.addresses.update(town="Northwold Road")
    Alias.objects.create(person=case, first_name="Jay", surname="Secretalias", **search_keys("Jay", "Secretalias"))
    LimitedAccessMessagesFactory(person=case, updated_by=mandy)
    return case


def overview(client, user, crn):
    client.force_login(user)
    return client.get(reverse("case:overview", args=[crn]))


def without_nonces(text):
    """The page without what differs on every response: CSP nonces and CSRF tokens."""
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)


def assert_nothing_leaks(text):
    for secret in SECRETS:
        assert secret not in text
    assert "14 July 1991" not in text
    assert "14 Jul 1991" not in text


# --- the case pages -----------------------------------------------------------------------------------------


def test_an_excluded_user_gets_not_found_with_the_exclusion_message(client, lao, bob, mandy):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    response = overview(client, bob, lao.crn)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert EXCLUDED_MESSAGE in response.text
    assert_nothing_leaks(response.text)
    event = AccessEvent.objects.filter(user=bob).get()
    assert (event.granted, event.denied_because, event.part, event.role) == (False, "excluded", "overview", "pso")


def test_others_still_see_an_excluded_users_case(client, lao, bob, alice, mandy):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    assert overview(client, alice, lao.crn).status_code == 200
    assert overview(client, mandy, lao.crn).status_code == 200


def test_a_restriction_lets_in_only_the_named_users(client, lao, alice, bob, mandy, carol):
    RestrictionFactory(person=lao, user=alice, added_by=mandy)
    RestrictionFactory(person=lao, user=mandy, added_by=mandy)
    assert overview(client, alice, lao.crn).status_code == 200
    assert overview(client, mandy, lao.crn).status_code == 200
    for outsider in (bob, carol):
        response = overview(client, outsider, lao.crn)
        assert response.status_code == 404
        assert RESTRICTED_MESSAGE in response.text
        assert EXCLUDED_MESSAGE not in response.text
        assert_nothing_leaks(response.text)
    assert AccessEvent.objects.filter(user=bob, denied_because="restricted").count() == 1


def test_excluded_and_restricted_shows_the_exclusion_message(client, lao, alice, bob, mandy):
    RestrictionFactory(person=lao, user=alice, added_by=mandy)
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    assert EXCLUDED_MESSAGE in overview(client, bob, lao.crn).text


def test_without_a_message_a_blocked_case_looks_exactly_like_a_missing_one(client, case, bob, mandy):
    ExclusionFactory(person=case, user=bob, added_by=mandy)
    blocked = overview(client, bob, case.crn)
    missing = overview(client, bob, "X999999")
    assert blocked.status_code == missing.status_code == 404
    assert without_nonces(blocked.text) == without_nonces(missing.text)


def test_a_blocked_change_is_not_found_not_forbidden(client, lao, bob, mandy):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    client.force_login(bob)
    url = reverse("case:edit-contact-details", args=[lao.crn])
    response = client.post(url, {"version": lao.version, "phone": "01632 960000", "mobile": "", "email": ""})
    assert response.status_code == 404
    lao.refresh_from_db()
    assert lao.phone != "01632 960000"


@pytest.mark.parametrize(
    ("start", "end", "blocked"),
    [
        (-10, None, True),
        (0, None, True),  # in force from its start date
        (1, None, False),  # not yet
        (-10, 1, True),  # ends tomorrow: still in force today
        (-10, 0, False),  # ends today: over (nDelius: in force while the end date is later than today)
    ],
)
def test_entries_are_in_force_between_their_dates(lao, bob, mandy, start, end, blocked):
    today = TODAY()
    ExclusionFactory(person=lao, user=bob, added_by=mandy, start_date=today + datetime.timedelta(days=start),
                     end_date=None if end is None else today + datetime.timedelta(days=end))
    RestrictionFactory(person=another_person(), user=bob, added_by=mandy,
                       start_date=today + datetime.timedelta(days=start),
                       end_date=None if end is None else today + datetime.timedelta(days=end))
    assert people_visible_to(bob).filter(pk=lao.pk).exists() is not blocked
    restricted_elsewhere = people_visible_to(mandy).filter(restrictions__isnull=False).exists()
    assert restricted_elsewhere is not blocked


def test_the_lists_bind_partners_inspectors_and_the_data_protection_officer(client, lao, mandy, priya, ian, dora,
                                                                           sam):
    CaseShareFactory(person=lao, partner=priya, added_by=mandy)
    InspectionSampleFactory(inspectors=[ian], people=[lao], created_by=sam)
    for user in (priya, ian):
        assert overview(client, user, lao.crn).status_code == 200
    client.force_login(dora)
    assert client.get(reverse("case-access:access-log", args=[lao.crn])).status_code == 200
    for user in (priya, ian, dora):
        ExclusionFactory(person=lao, user=user, added_by=mandy)
    for user in (priya, ian):
        assert overview(client, user, lao.crn).status_code == 404
    client.force_login(dora)
    response = client.get(reverse("case-access:access-log", args=[lao.crn]))
    assert response.status_code == 404
    assert EXCLUDED_MESSAGE in response.text


def test_one_query_finds_the_case_and_its_limited_access(django_assert_num_queries, lao, bob, mandy):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    with django_assert_num_queries(2):  # the case with its lists and messages, then the AccessEvent
        access_case(mandy, lao.crn, part="overview")


# --- lists --------------------------------------------------------------------------------------------------


def test_people_visible_to_leaves_blocked_cases_out_and_listed_for_marks_them(lao, alice, bob, mandy):
    other = another_person()
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    assert set(people_visible_to(bob)) == {other}
    assert {(p.pk, p.access_blocked) for p in people_listed_for(bob)} == {(lao.pk, True), (other.pk, False)}
    assert set(people_visible_to(alice)) == {lao, other}


@pytest.mark.parametrize("query", ["Jordan Testcase", "X100001", "14/07/1991", "Jay Secretalias", "Testcase"])
def test_search_shows_a_blocked_case_as_a_restricted_row(lao, bob, mandy, query):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    [result] = search_people(bob, query)
    assert result.restricted
    assert result.crn == lao.crn
    assert (result.name, result.town, result.practitioner, result.matched_on) == ("Restricted",) * 4
    assert result.date_of_birth is None
    [seen] = search_people(mandy, query)
    assert seen.name == "Jordan Testcase"
    assert not seen.restricted


def test_the_search_page_shows_the_crn_and_restricted_only(client, lao, bob, mandy):
    ExclusionFactory(person=lao, user=bob, added_by=mandy)
    client.force_login(bob)
    response = client.get(reverse("search:index"), {"q": "Testcase"})
    assert response.status_code == 200
    results = response.text[response.text.index('id="search-results-heading"'):]
    assert lao.crn in results
    assert results.count("Restricted") == 5  # every column but the CRN
    assert_nothing_leaks(results.replace("Testcase”", ""))  # past the search box, which echoes the query


def queries(function, *args, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function(*args, **kwargs)
    return len(captured), result


def test_search_costs_the_same_queries_with_restricted_rows(alice, bob, mandy):
    people = [another_person(surname="Smith", first_name=f"John{n}") for n in range(6)]
    plain, results = queries(search_people, bob, "Smith")
    assert len(results) == 6
    for person in people[:3]:
        ExclusionFactory(person=person, user=bob, added_by=mandy)
        RestrictionFactory(person=people[3 + people.index(person)], user=alice, added_by=mandy)
    blocked, results = queries(search_people, bob, "Smith")
    assert blocked == plain
    assert sum(r.restricted for r in results) == 6


def test_my_caseload_shows_a_blocked_case_as_a_restricted_row(client, lao, alice, mandy):
    other = another_person(practitioner=alice, surname="Aardvark")
    AddressFactory(person=other)
    ExclusionFactory(person=lao, user=alice, added_by=mandy)
    rows = caseload_rows(alice)
    assert [r.crn for r in rows] == [other.crn, lao.crn]  # restricted rows last
    restricted = rows[1]
    assert restricted.restricted
    assert restricted.name == "Restricted"
    assert restricted.date_of_birth is None
    assert restricted.order == "Restricted"
    assert restricted.next_appointment is None
    client.force_login(alice)
    response = client.get(reverse("caseload:mine"))
    assert lao.crn in response.text
    assert_nothing_leaks(response.text)
    assert "Community order" in response.text  # the other case's order is shown
    assert response.text.count("<td class=\"govuk-table__cell\">Restricted</td>") == 5


def test_caseload_filters_match_a_restricted_row_by_crn_only(lao, alice, mandy):
    ExclusionFactory(person=lao, user=alice, added_by=mandy)
    assert caseload_rows(alice, text="Testcase") == []
    assert [r.crn for r in caseload_rows(alice, text=lao.crn)] == [lao.crn]
    assert caseload_rows(alice, order_code="CO") == []
    assert caseload_rows(alice, status="Compliant") == []


def test_team_caseload_redacts_and_still_counts_the_blocked_case(client, lao, alice, mandy, north_team):
    RestrictionFactory(person=lao, user=alice, added_by=mandy)
    rows = caseload_rows(mandy, team=north_team)
    assert [(r.crn, r.name, r.practitioner) for r in rows] == [(lao.crn, "Restricted", "Restricted")]
    load = {m.name: m.cases for m in team_workload(mandy, north_team)}
    assert load["Alice Allocated"] == 1
    client.force_login(mandy)
    response = client.get(reverse("caseload:team"))
    assert response.status_code == 200
    assert lao.crn in response.text
    assert_nothing_leaks(response.text)


def test_caseload_queries_do_not_grow_with_restricted_rows(alice, mandy):
    people = [another_person(practitioner=alice) for _ in range(6)]
    plain, rows = queries(caseload_rows, alice)
    for person in people[:3]:
        ExclusionFactory(person=person, user=alice, added_by=mandy)
    blocked, rows = queries(caseload_rows, alice)
    assert blocked <= plain
    assert sum(r.restricted for r in rows) == 3


def test_alert_lists_leave_blocked_cases_out(lao, alice, mandy, north_team):
    alert, _ = raise_alert(lao, reason="outcome-overdue", owner=alice, due=TODAY(), title="Record the outcome",
                           summary="An appointment has no outcome", next_step="Record it")
    assert list(open_alerts_for_owner(alice)) == [alert]
    assert list(open_alerts_for_team(mandy, north_team)) == [alert]
    ExclusionFactory(person=lao, user=alice, added_by=mandy)
    RestrictionFactory(person=lao, user=bob_like(north_team), added_by=mandy)
    assert list(open_alerts_for_owner(alice)) == []
    assert list(open_alerts_for_team(mandy, north_team)) == []


def bob_like(team):
    from openprobation.staff.tests.factories import UserFactory

    return UserFactory(username="restricted-to", team=team)


def test_a_partners_and_an_inspectors_lists_redact_a_blocked_case(client, lao, mandy, priya, ian, sam):
    CaseShareFactory(person=lao, partner=priya, added_by=mandy)
    sample = InspectionSampleFactory(inspectors=[ian], people=[lao], created_by=sam)
    client.force_login(priya)
    assert "Jordan Testcase" in client.get(reverse("access:shared-with-me")).text
    client.force_login(ian)
    assert "Jordan Testcase" in client.get(reverse("access:inspection", args=[sample.pk])).text
    ExclusionFactory(person=lao, user=priya, added_by=mandy)
    ExclusionFactory(person=lao, user=ian, added_by=mandy)
    client.force_login(priya)
    response = client.get(reverse("access:shared-with-me"))
    assert lao.crn in response.text
    assert "Restricted" in response.text
    assert_nothing_leaks(response.text)
    client.force_login(ian)
    response = client.get(reverse("access:inspection", args=[sample.pk]))
    assert lao.crn in response.text
    assert "Restricted" in response.text
    assert_nothing_leaks(response.text)


def test_the_access_log_export_respects_the_lists(client, lao, mandy, dora, alice):
    access_case(alice, lao.crn, part="overview")
    client.force_login(mandy)
    url = reverse("case-access:access-log-csv", args=[lao.crn])
    response = client.get(url)
    assert response.status_code == 200
    assert "alice" in b"".join(response.streaming_content).decode()
    RestrictionFactory(person=lao, user=alice, added_by=mandy)
    response = client.get(url)
    assert response.status_code == 404
    assert RESTRICTED_MESSAGE in response.text
    assert not hasattr(response, "streaming_content")
