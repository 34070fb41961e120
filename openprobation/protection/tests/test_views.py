"""The risk flags pages: list, detail, add, review, remove; error summaries; access; fixed queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.protection.models import Registration

from .factories import RegistrationFactory, RegistrationReviewFactory, register_type

pytestmark = pytest.mark.django_db


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def test_flags_page_lists_active_and_removed_flags_with_overdue_reviews(alice_client, alice, case):
    today = timezone.localdate()
    RegistrationFactory(person=case, register_type=register_type("MAPP"), level="M2", category="M1",
                        registered_on=today - datetime.timedelta(days=200),
                        next_review_date=today - datetime.timedelta(days=3))
    RegistrationFactory(person=case, register_type=register_type("ALSH"), registered_on=today,
                        next_review_date=today + datetime.timedelta(days=30))
    RegistrationFactory(person=case, register_type=register_type("SPO"), registered_on=datetime.date(2024, 1, 1),
                        next_review_date=None, deregistered_on=datetime.date(2025, 1, 1), deregistered_by=alice,
                        deregistration_reason="Order expired")
    response = alice_client.get(reverse("protection:flags", args=[case.crn]))
    assert response.status_code == 200
    page = response.text
    assert "Risk flags" in page
    assert "Level 2: active multi-agency management" in page
    assert "Category 1: registered sexual offender" in page
    assert "1 flag review is overdue" in page
    assert page.count(">Overdue<") == 2  # in the MAPPA card and on its row
    assert "Suicide or self-harm" in page
    assert "counts towards the tier" in page
    assert "Removed flags (1)" in page
    assert "Order expired" in page
    assert 'aria-current="page"' in page.split("Risk flags</a>")[0].rsplit("<a", 1)[1]
    assert AccessEvent.objects.filter(crn=case.crn, part="risk-flags", user=alice).exists()


def test_flags_page_has_a_fixed_number_of_queries(alice_client, alice, case, django_assert_max_num_queries):
    def load():
        with django_assert_max_num_queries(30) as captured:
            assert alice_client.get(reverse("protection:flags", args=[case.crn])).status_code == 200
        return len(captured)

    RegistrationFactory(person=case)
    few = load()
    for code in ("RCPR", "STRG", "ADVP", "IIOM", "WEAP", "RCHD", "AV2S"):
        registration = RegistrationFactory(person=case, register_type=register_type(code))
        RegistrationReviewFactory(registration=registration)
    RegistrationFactory(person=case, register_type=register_type("SPO"), deregistered_on=datetime.date(2025, 3, 1),
                        deregistered_by=alice, deregistration_reason="Ended")
    assert load() == few


def test_no_flags(alice_client, case):
    page = alice_client.get(reverse("protection:flags", args=[case.crn])).text
    assert "No active flags." in page
    assert "No flags have been removed." in page


def test_add_a_mappa_flag(alice_client, alice, case):
    url = reverse("protection:add-flag", args=[case.crn])
    page = alice_client.get(url).text
    assert '<optgroup label="Public protection">' in page
    today = timezone.localdate()
    response = alice_client.post(url, {"register_type": "MAPP", "level": "M2", "category": "M4",
                                       **date_fields("registered_on", today), "notes": "Synthetic"}, follow=True)
    assert "MAPPA flag added" in response.text
    registration = Registration.objects.get(person=case)
    assert (registration.level, registration.category, registration.registered_by) == ("M2", "M4", alice)
    assert registration.next_review_date is not None


def test_add_with_problems_shows_the_error_summary(alice_client, case):
    url = reverse("protection:add-flag", args=[case.crn])
    response = alice_client.post(url, {"register_type": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Select the type of flag" in response.text
    assert "<title>Error: " in response.text
    response = alice_client.post(url, {"register_type": "MAPP", **date_fields("registered_on", timezone.localdate())})
    assert "govuk-error-summary" in response.text
    assert "Select the MAPPA level" in response.text
    assert 'href="#id_level"' in response.text
    response = alice_client.post(url, {"register_type": "ALSH", "registered_on_day": "31",
                                       "registered_on_month": "2", "registered_on_year": "2026"})
    assert "must be a real date" in response.text
    response = alice_client.post(url, {"register_type": "NOPE", **date_fields("registered_on", timezone.localdate())})
    assert "govuk-error-summary" in response.text
    assert not Registration.objects.exists()


def test_add_an_existing_flag_again_is_reported(alice_client, case):
    RegistrationFactory(person=case)
    response = alice_client.post(reverse("protection:add-flag", args=[case.crn]), {
        "register_type": "ALSH", **date_fields("registered_on", timezone.localdate())})
    assert "already has an active Suicide or self-harm flag" in response.text
    assert 'href="#id_register_type"' in response.text


def test_review_a_flag_and_see_its_history(alice_client, mandy, client, case):
    today = timezone.localdate()
    registration = RegistrationFactory(person=case, register_type=register_type("MAPP"), level="M2",
                                       category="M1", registered_on=today - datetime.timedelta(days=100),
                                       next_review_date=today - datetime.timedelta(days=10))
    url = reverse("protection:review-flag", args=[case.crn, registration.pk])
    assert "Review the MAPPA flag" in alice_client.get(url).text
    response = alice_client.post(url, {"version": registration.version, **date_fields("reviewed_on", today),
                                       "level": "M1", "category": "M1", "notes": "Stepped down to level 1"},
                                 follow=True)
    assert "Review of the MAPPA flag recorded" in response.text
    registration.refresh_from_db()
    assert registration.level == "M1"
    assert registration.next_review_date > today
    detail = alice_client.get(reverse("protection:flag", args=[case.crn, registration.pk])).text
    assert "Stepped down to level 1" in detail
    assert "(late)" in detail


def test_review_with_problems_and_a_stale_version(alice_client, case):
    registration = RegistrationFactory(person=case)
    url = reverse("protection:review-flag", args=[case.crn, registration.pk])
    response = alice_client.post(url, {"version": registration.version,
                                       **date_fields("reviewed_on", timezone.localdate())})
    assert "govuk-error-summary" in response.text
    assert "Enter what the review found" in response.text
    response = alice_client.post(url, {"version": registration.version + 5, "notes": "Fine",
                                       **date_fields("reviewed_on", timezone.localdate())})
    assert "govuk-error-summary" in response.text
    assert "Someone else changed this flag" in response.text


def test_remove_a_flag(alice_client, case):
    registration = RegistrationFactory(person=case)
    url = reverse("protection:remove-flag", args=[case.crn, registration.pk])
    response = alice_client.post(url, {"version": registration.version,
                                       **date_fields("removed_on", timezone.localdate())})
    assert "Enter why the flag is being removed" in response.text
    response = alice_client.post(url, {"version": registration.version, "reason": "No longer a concern",
                                       **date_fields("removed_on", timezone.localdate())}, follow=True)
    assert "Suicide or self-harm flag removed" in response.text
    assert "No longer a concern" in response.text
    registration.refresh_from_db()
    assert not registration.active
    assert alice_client.get(url).status_code == 404  # already removed
    assert alice_client.get(reverse("protection:review-flag", args=[case.crn, registration.pk])).status_code == 404


def test_a_flag_of_another_case_is_not_found(alice_client, case):
    other = RegistrationFactory()
    for name in ("flag", "review-flag", "remove-flag"):
        assert alice_client.get(reverse(f"protection:{name}", args=[case.crn, other.pk])).status_code == 404


def test_unknown_case_is_not_found(alice_client):
    assert alice_client.get(reverse("protection:flags", args=["Z999999"])).status_code == 404


def test_anonymous_users_sign_in_first(client, case):
    response = client.get(reverse("protection:flags", args=[case.crn]))
    assert response.status_code == 302


def test_read_only_roles_see_flags_but_cannot_change_them(client, cody, case):
    registration = RegistrationFactory(person=case)
    client.force_login(cody)
    page = client.get(reverse("protection:flags", args=[case.crn])).text
    assert "Suicide or self-harm" in page
    assert "Add a risk flag" not in page
    assert ">Review<" not in page
    assert client.get(reverse("protection:add-flag", args=[case.crn])).status_code == 403
    assert client.get(reverse("protection:review-flag", args=[case.crn, registration.pk])).status_code == 403
    response = client.post(reverse("protection:remove-flag", args=[case.crn, registration.pk]),
                           {"version": 1, "reason": "x", **date_fields("removed_on", timezone.localdate())})
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.active


def test_providers_do_not_reach_the_case(client, pat, case):
    client.force_login(pat)
    assert client.get(reverse("protection:flags", args=[case.crn])).status_code in (403, 404)
