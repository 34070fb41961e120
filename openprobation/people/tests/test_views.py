import datetime

import pytest
from django.urls import reverse

from openprobation.access.models import AccessEvent
from openprobation.people.models import EqualityData, Person

pytestmark = pytest.mark.django_db


def test_overview_shows_the_case_and_audits_the_read(alice_client, alice, case):
    response = alice_client.get(reverse("case:overview", args=[case.crn]))
    assert response.status_code == 200
    assert "Jordan Testcase" in response.text
    assert "Community order" in response.text
    assert "No appointment is arranged" in response.text
    event = AccessEvent.objects.get(crn=case.crn, part="overview")
    assert event.user == alice
    assert event.granted


def test_unknown_crn_is_not_found_and_the_attempt_is_recorded(alice_client):
    response = alice_client.get(reverse("case:overview", args=["Z999999"]))
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert AccessEvent.objects.get(crn="Z999999").granted is False


def test_anonymous_users_are_sent_to_sign_in(client, case):
    response = client.get(reverse("case:overview", args=[case.crn]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


def test_equality_data_only_for_roles_allowed_special_category(client, alice, ada, case):
    EqualityData.objects.create(person=case, ethnicity="Synthetic ethnicity label", religion="None")
    client.force_login(alice)
    assert "Synthetic ethnicity label" in client.get(reverse("case:personal-details", args=[case.crn])).text
    assert AccessEvent.objects.filter(crn=case.crn, part="equality-data", user=alice).count() == 1
    client.force_login(ada)
    response = client.get(reverse("case:personal-details", args=[case.crn]))
    assert "Synthetic ethnicity label" not in response.text
    assert "Your role does not give access" in response.text
    assert not AccessEvent.objects.filter(part="equality-data", user=ada).exists()


def test_change_contact_details(alice_client, case):
    url = reverse("case:edit-contact-details", args=[case.crn])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"version": case.version, "phone": "01632 960001", "mobile": "",
                                       "email": "jordan@example.org"}, follow=True)
    assert "Contact details updated" in response.text
    case.refresh_from_db()
    assert case.email == "jordan@example.org"


def test_stale_contact_details_show_an_error_summary(alice_client, case):
    url = reverse("case:edit-contact-details", args=[case.crn])
    response = alice_client.post(url, {"version": case.version - 1 if case.version > 1 else 99, "phone": "1",
                                       "mobile": "", "email": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Someone else changed these contact details" in response.text


def test_invalid_email_is_reported_on_its_field(alice_client, case):
    response = alice_client.post(reverse("case:edit-contact-details", args=[case.crn]),
                                 {"version": case.version, "email": "not-an-email"})
    assert response.status_code == 200
    assert 'href="#id_email"' in response.text


def test_change_main_address_with_an_impossible_date(alice_client, case):
    url = reverse("case:change-main-address", args=[case.crn])
    response = alice_client.post(url, {"version": case.version, "start_date_day": "31", "start_date_month": "2",
                                       "start_date_year": "2026", "line_1": "1 New Road"})
    assert response.status_code == 200
    assert "must be a real date" in response.text
    response = alice_client.post(url, {"version": case.version, "start_date_day": "1", "start_date_month": "2",
                                       "start_date_year": "2026", "line_1": "1 New Road", "town": "Northwold",
                                       "postcode": "NW1 9ZZ"})
    assert response.status_code == 302
    assert case.addresses.get(status="main").line_1 == "1 New Road"


def test_add_person_warns_of_possible_duplicates(alice_client, case):
    data = {"first_name": "jordan", "surname": "TESTCASE", "gender": "M", "line_1": "2 Any Road",
            "date_of_birth_day": str(case.date_of_birth.day), "date_of_birth_month": str(case.date_of_birth.month),
            "date_of_birth_year": str(case.date_of_birth.year)}
    response = alice_client.post(reverse("add-person"), data)
    assert response.status_code == 200
    assert "This may be someone already known to probation" in response.text
    assert Person.objects.count() == 1
    response = alice_client.post(reverse("add-person"), {**data, "confirm_not_duplicate": "yes"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_add_person_rejects_bad_input_without_a_500(alice_client):
    response = alice_client.post(reverse("add-person"), {"first_name": "", "date_of_birth_day": "40",
                                                         "date_of_birth_month": "13", "date_of_birth_year": "19",
                                                         "pnc_number": "nonsense"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter a PNC number in the format" in response.text
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = alice_client.post(reverse("add-person"), {
        "first_name": "A", "surname": "B", "gender": "F", "no_fixed_abode": "on",
        "date_of_birth_day": future.day, "date_of_birth_month": future.month, "date_of_birth_year": future.year})
    assert "Date of birth must be in the past" in response.text


def test_overview_asks_for_an_enforcement_decision_on_an_unanswered_failure(alice_client, alice, case):
    from django.utils import timezone

    from openprobation.supervision.models import Outcome
    from openprobation.supervision.tests.factories import AppointmentFactory

    failed = AppointmentFactory(sentence=case.sentences.get(), outcome=Outcome.objects.get(code="UAAB"),
                                outcome_recorded_at=timezone.now(), outcome_recorded_by=alice)
    response = alice_client.get(reverse("case:overview", args=[case.crn]))
    assert "Decide the enforcement action for the unacceptable absence" in response.text
    assert reverse("supervision:enforcement", args=[case.crn, failed.pk]) in response.text


def test_add_person_is_refused_to_roles_that_do_not_add_people(client, ian):
    client.force_login(ian)
    assert client.get(reverse("add-person")).status_code == 403


def test_possible_duplicates_never_name_a_case_the_user_may_not_see(alice_client, alice, case):
    from openprobation.access.tests.factories import ExclusionFactory

    ExclusionFactory(person=case, user=alice)
    data = {"first_name": "Jordan", "surname": "Testcase", "gender": "M", "line_1": "2 Any Road",
            "date_of_birth_day": str(case.date_of_birth.day), "date_of_birth_month": str(case.date_of_birth.month),
            "date_of_birth_year": str(case.date_of_birth.year)}
    response = alice_client.post(reverse("add-person"), data)
    assert f"Restricted ({case.crn})" in response.text
    assert "Jordan Testcase" not in response.text.split("This may be someone already known")[1]


def test_the_case_navigation_links_every_tab_the_role_may_open_and_marks_the_current_one(alice_client, alice, case):
    from openprobation.frontend.tests.htmltree import parse
    from openprobation.people.case_tabs import CASE_TABS

    page = parse(alice_client.get(reverse("supervision:activity-log", args=[case.crn])).text)
    links = page.find_all("a", class_="moj-sub-navigation__link")
    expected = [(label, reverse(name, args=[case.crn])) for label, name, _ in CASE_TABS
                if alice_client.get(reverse(name, args=[case.crn])).status_code != 403]
    assert [(a.text, a.attrs["href"]) for a in links] == expected
    assert [a.text for a in links if a.attrs.get("aria-current") == "page"] == ["Activity log"]
