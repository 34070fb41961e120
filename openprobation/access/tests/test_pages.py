"""The access pages as their users meet them: limited access, sharing, inspection samples, shared cases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import (
    CaseShare,
    Exclusion,
    InspectionSample,
    LimitedAccessMessages,
    Restriction,
)
from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    InspectionSampleFactory,
    another_person,
)
from openprobation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary on the page"
    start = html.index('class="govuk-error-summary"')
    return html[start:html.index("</div>\n</div>", start)]


TODAY = timezone.localdate


# --- limited access -------------------------------------------------------------------------------------------


def test_a_manager_excludes_a_user_and_ends_it(mandy_client, case, bob):
    page = reverse("case-access:limited-access", args=[case.crn])
    assert "Nobody is excluded from this case" in mandy_client.get(page).text
    response = mandy_client.post(reverse("case-access:add-exclusion", args=[case.crn]), {
        "user": "BOB", **date_fields("start_date", TODAY()), "reason": "Lives next door to the person",
    }, follow=True)
    assert "Bob Colleague excluded from this case" in response.text
    assert "Lives next door to the person" in response.text
    assert "In force" in response.text
    entry = Exclusion.objects.get()
    end = reverse("case-access:end-exclusion", args=[case.crn, entry.pk])
    assert end in response.text
    assert "End it today" in mandy_client.get(end).text
    response = mandy_client.post(end, {"version": entry.version}, follow=True)
    assert "Exclusion for Bob Colleague ended" in response.text
    assert "Ended" in response.text
    assert AuditEvent.objects.filter(verb__in=["exclude_user", "end_exclusion"]).count() == 2


def test_adding_an_entry_shows_problems_in_the_error_summary(mandy_client, case, mandy, bob):
    url = reverse("case-access:add-exclusion", args=[case.crn])
    summary = error_summary(mandy_client.post(url, {"user": "nobody-by-that-name", "reason": ""}))
    assert "No active member of staff has the username or staff code" in summary
    assert "Enter start date" in summary
    assert "Enter the reason" in summary
    summary = error_summary(mandy_client.post(url, {
        "user": mandy.username, **date_fields("start_date", TODAY()), "reason": "x",
    }))
    assert "You cannot exclude yourself from a case" in summary
    summary = error_summary(mandy_client.post(url, {
        "user": "bob", **date_fields("start_date", TODAY()), **date_fields("end_date", TODAY()), "reason": "x",
    }))
    assert "The end date must be after the start date" in summary
    assert not Exclusion.objects.exists()


def test_restricting_a_case_starts_with_yourself(mandy_client, case, alice):
    url = reverse("case-access:add-restriction", args=[case.crn])
    form = {**date_fields("start_date", TODAY()), "reason": "Case of a member of staff's relative"}
    summary = error_summary(mandy_client.post(url, {"user": "alice", **form}))
    assert "Add yourself to the restriction list first" in summary
    mandy_client.post(url, {"user": "mandy", **form})
    response = mandy_client.post(url, {"user": alice.staff_code, **form}, follow=True)
    assert "Alice Allocated added to the restriction list of this case" in response.text
    assert "A restriction is in force" in response.text
    assert Restriction.objects.count() == 2


def test_stale_end_shows_an_error_and_the_current_version(mandy_client, case, bob, mandy):
    entry = ExclusionFactory(person=case, user=bob, added_by=mandy)
    response = mandy_client.post(reverse("case-access:end-exclusion", args=[case.crn, entry.pk]), {"version": 9})
    assert "Someone else changed this entry" in error_summary(response)
    assert 'value="1"' in response.text
    assert mandy_client.get(reverse("case-access:end-exclusion", args=[case.crn, 999999])).status_code == 404


def test_messages_for_blocked_users(mandy_client, case, client, bob):
    url = reverse("case-access:messages", args=[case.crn])
    response = mandy_client.post(url, {"version": 0, "exclusion_message": "Ask Mandy Manager.",
                                       "restriction_message": ""}, follow=True)
    assert "Messages saved" in response.text
    assert "Ask Mandy Manager." in response.text
    assert LimitedAccessMessages.objects.get(person=case).version == 1
    response = mandy_client.post(url, {"version": 0, "exclusion_message": "Other", "restriction_message": ""})
    assert "Someone else changed these messages" in error_summary(response)
    response = mandy_client.post(url, {"version": 1, "exclusion_message": "x" * 501, "restriction_message": ""})
    assert "500 characters or fewer" in error_summary(response)


def test_the_limited_access_tab_is_shown_only_to_those_who_keep_the_lists(client, case, alice, mandy):
    tab = reverse("case-access:limited-access", args=[case.crn])
    client.force_login(alice)
    assert f'href="{tab}"' not in client.get(reverse("case:overview", args=[case.crn])).text
    assert client.get(tab).status_code == 403
    client.force_login(mandy)
    assert f'href="{tab}"' in client.get(reverse("case:overview", args=[case.crn])).text


# --- sharing --------------------------------------------------------------------------------------------------


def test_a_practitioner_shares_the_case_and_the_partner_reads_it(client, alice_client, case, priya):
    response = alice_client.post(reverse("case-access:share", args=[case.crn]), {
        "partner": priya.pk, **date_fields("start_date", TODAY()), "reason": "MAPPA level 2 meeting",
    }, follow=True)
    assert "Case shared with Priya Partner" in response.text
    assert "MAPPA level 2 meeting" in response.text
    client.force_login(priya)
    assert client.get(reverse("case:overview", args=[case.crn])).status_code == 200
    shared = client.get(reverse("access:shared-with-me"))
    assert "Jordan Testcase" in shared.text
    # A partner never changes the record.
    assert client.post(reverse("case:edit-contact-details", args=[case.crn]), {}).status_code == 403


def test_sharing_shows_problems_in_the_error_summary(alice_client, case, bob):
    url = reverse("case-access:share", args=[case.crn])
    summary = error_summary(alice_client.post(url, {"partner": bob.pk, "reason": ""}))
    assert "Choose a partner from the list" in summary
    assert "Enter why the case is being shared" in summary
    assert not CaseShare.objects.exists()


def test_stop_sharing(alice_client, client, case, priya, alice):
    share = CaseShareFactory(person=case, partner=priya, added_by=alice)
    response = alice_client.post(reverse("case-access:end-share", args=[case.crn, share.pk]),
                                 {"version": share.version}, follow=True)
    assert "Sharing with Priya Partner ended" in response.text
    client.force_login(priya)
    assert client.get(reverse("case:overview", args=[case.crn])).status_code == 404
    assert "No cases are shared with you" in client.get(reverse("access:shared-with-me")).text


def test_only_partners_have_a_shared_cases_page(alice_client):
    assert alice_client.get(reverse("access:shared-with-me")).status_code == 403


# --- inspection samples ---------------------------------------------------------------------------------------


def test_an_administrator_sets_up_a_sample_and_its_inspector_reads_it(client, case, sam, ian):
    other = another_person(surname="Sampled")
    client.force_login(sam)
    response = client.post(reverse("access:add-inspection"), {
        "name": "Northwold core inspection", **date_fields("start_date", TODAY()),
        **date_fields("end_date", TODAY() + datetime.timedelta(days=20)), "inspectors": [ian.pk],
        "crns": f"{case.crn}, {other.crn.lower()}",
    }, follow=True)
    assert "set up" in response.text
    assert case.crn in response.text
    assert "Jordan" not in response.text  # administrators see CRNs, not case details
    sample = InspectionSample.objects.get()
    client.force_login(ian)
    assert "Northwold core inspection" in client.get(reverse("access:inspections")).text
    page = client.get(reverse("access:inspection", args=[sample.pk])).text
    assert "Jordan Testcase" in page
    assert "Sampled" in page
    assert client.get(reverse("case:overview", args=[case.crn])).status_code == 200
    assert client.post(reverse("case:edit-contact-details", args=[case.crn]), {}).status_code == 403
    assert client.get(reverse("access:add-inspection")).status_code == 403


def test_setting_up_a_sample_shows_problems_in_the_error_summary(client, sam):
    client.force_login(sam)
    summary = error_summary(client.post(reverse("access:add-inspection"), {
        "name": "x", **date_fields("start_date", TODAY()), **date_fields("end_date", TODAY()),
        "crns": "Z999999",
    }))
    assert "Choose at least one inspector" in summary
    assert "Z999999" not in summary or "No case with CRN" in summary
    assert not InspectionSample.objects.exists()


def test_an_administrator_ends_a_samples_access(client, case, sam, ian):
    sample = InspectionSampleFactory(inspectors=[ian], people=[case], created_by=sam)
    client.force_login(sam)
    response = client.post(reverse("access:end-inspection", args=[sample.pk]), {"version": 1}, follow=True)
    assert "Access for" in response.text
    client.force_login(ian)
    assert client.get(reverse("case:overview", args=[case.crn])).status_code == 404
    assert "cannot be opened" in client.get(reverse("access:inspection", args=[sample.pk])).text


def test_inspectors_see_only_their_own_samples(client, case, sam, ian):
    from openprobation.staff.tests.factories import UserFactory

    theirs = InspectionSampleFactory(inspectors=[UserFactory(username="ivy", role="inspector", team=None)],
                                     people=[case], created_by=sam)
    client.force_login(ian)
    assert client.get(reverse("access:inspection", args=[theirs.pk])).status_code == 404
    assert theirs.name not in client.get(reverse("access:inspections")).text


@pytest.mark.parametrize("username", ["alice", "mandy", "pat", "priya", "dora"])
def test_inspection_pages_are_for_administrators_and_inspectors(request, client, username):
    client.force_login(request.getfixturevalue(username))
    assert client.get(reverse("access:inspections")).status_code == 403
    assert client.get(reverse("access:add-inspection")).status_code == 403


# --- search for the data protection officer ---------------------------------------------------------------------


def test_search_links_the_data_protection_officer_to_who_has_looked(client, case, dora, alice):
    client.force_login(dora)
    response = client.get(reverse("search:index"), {"q": case.crn})
    assert reverse("case-access:access-log", args=[case.crn]) in response.text
    client.force_login(alice)
    response = client.get(reverse("search:index"), {"q": case.crn})
    assert f'href="{reverse("case:overview", args=[case.crn])}"' in response.text
