"""No lost updates: two editors open the same form and both save. The first change is kept; the second
editor sees what changed (their values beside the current ones, who changed it and when), nothing of
theirs is saved, and they can start again from the current version."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openprobation.supervision.models import Contact, ContactNote, Outcome
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(alice, bob):
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    return first, second


def shown_version(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.text).group(1)


def stale_rows(response) -> dict[str, list[str]]:
    """The stale-edit table as {label: [cells...]}, tags and markup stripped."""
    table = re.search(r'<table class="govuk-table" id="stale-edit-values">.*?</table>', response.text, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tbody.*?</tbody>", table, re.S)[0].split("</tr>")[:-1]:
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.text, re.S)
    return match.group(0) if match else ""


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


# ---------------------------------------------------------------------------------------------------
# Contact details


def test_two_editors_change_contact_details(editors, case):
    alice, bob = editors
    url = reverse("case:edit-contact-details", args=[case.crn])
    seen_by_alice = shown_version(alice.get(url))
    seen_by_bob = shown_version(bob.get(url))
    assert seen_by_alice == seen_by_bob

    first = alice.post(url, {"version": seen_by_alice, "phone": "01632 960001", "mobile": "", "email": ""})
    assert first.status_code == 302
    second = bob.post(url, {"version": seen_by_bob, "phone": "", "mobile": "07700 900123",
                            "email": "jordan@example.org"})

    assert second.status_code == 200
    assert "Someone else changed these contact details" in error_summary(second)
    assert "<title>Error:" in second.text
    assert "Alice Allocated changed the contact details on" in second.text
    assert "Nothing you entered has been saved" in second.text
    rows = stale_rows(second)
    # Columns: when bob opened the page, now, bob's change.
    assert rows["Phone"] == ["None", "01632 960001 Changed", "None"]
    assert rows["Mobile"] == ["None", "None", "07700 900123"]
    assert rows["Email"] == ["None", "None", "jordan@example.org"]
    assert 'name="phone"' not in second.text  # no form that could overwrite alice's change by accident

    case.refresh_from_db()
    assert (case.phone, case.mobile, case.email) == ("01632 960001", "", "")

    # Start again from the current version: the form shows alice's phone, and bob's change now saves.
    restart = re.search(r'<a href="([^"]+)"[^>]*class="govuk-button[^"]*"[^>]*>\s*Start again', second.text)
    assert restart
    assert restart.group(1) == url
    fresh = bob.get(url)
    assert 'value="01632 960001"' in fresh.text
    again = bob.post(url, {"version": shown_version(fresh), "phone": "01632 960001", "mobile": "07700 900123",
                           "email": "jordan@example.org"})
    assert again.status_code == 302
    case.refresh_from_db()
    assert (case.phone, case.mobile, case.email) == ("01632 960001", "07700 900123", "jordan@example.org")


def test_editing_in_two_tabs_names_you(editors, case):
    alice, _ = editors
    url = reverse("case:edit-contact-details", args=[case.crn])
    version = shown_version(alice.get(url))
    alice.post(url, {"version": version, "phone": "1", "mobile": "", "email": ""})
    second = alice.post(url, {"version": version, "phone": "2", "mobile": "", "email": ""})
    assert "You (in another tab or window) changed the contact details" in second.text


def test_two_editors_change_the_main_address(editors, case):
    alice, bob = editors
    url = reverse("case:change-main-address", args=[case.crn])
    version = shown_version(alice.get(url))
    assert shown_version(bob.get(url)) == version
    moved = timezone.localdate() - datetime.timedelta(days=3)
    address = {"line_1": "1 First Street", "town": "Northwold", "postcode": "NW1 1AB", **date_fields("start_date", moved)}

    assert alice.post(url, {"version": version, **address}).status_code == 302
    second = bob.post(url, {"version": version, **address, "line_1": "2 Second Street"})

    assert second.status_code == 200
    assert "Someone else changed these addresses" in error_summary(second)
    rows = stale_rows(second)
    assert rows["Address line 1"] == ["1 First Street Different", "2 Second Street"]  # now, bob's: no history column
    assert "Alice Allocated changed the addresses" in second.text
    assert list(case.addresses.filter(status="main").values_list("line_1", flat=True)) == ["1 First Street"]


# ---------------------------------------------------------------------------------------------------
# Ending an order


def test_two_editors_end_the_same_order(editors, case):
    alice, bob = editors
    order = case.sentences.get()
    url = reverse("sentence:terminate", args=[case.crn, order.pk])
    version = shown_version(alice.get(url))
    assert shown_version(bob.get(url)) == version

    assert alice.post(url, {"version": version, "reason": "Completed",
                            **date_fields("terminated_on", datetime.date(2026, 6, 1))}).status_code == 302
    second = bob.post(url, {"version": version, "reason": "Revoked",
                            **date_fields("terminated_on", datetime.date(2026, 6, 5))})

    assert second.status_code == 200
    assert "Someone else changed this sentence" in error_summary(second)
    rows = stale_rows(second)
    assert rows["Date it ended"] == ["None", "1 June 2026 Changed", "5 June 2026"]
    assert rows["Reason"] == ["None", "Completed Changed", "Revoked"]
    assert "Alice Allocated changed the" in second.text
    order.refresh_from_db()
    assert (order.terminated_on, order.termination_reason) == (datetime.date(2026, 6, 1), "Completed")


# ---------------------------------------------------------------------------------------------------
# Appointments


@pytest.fixture
def past_visit(case):
    return AppointmentFactory(sentence=case.sentences.get(), starts_at=timezone.now() - datetime.timedelta(days=2))


@pytest.fixture
def future_visit(case):
    return AppointmentFactory(sentence=case.sentences.get(), starts_at=timezone.now() + datetime.timedelta(days=7))


def test_two_editors_record_an_outcome(editors, case, past_visit):
    alice, bob = editors
    url = reverse("supervision:outcome", args=[case.crn, past_visit.pk])
    version = shown_version(alice.get(url))
    assert shown_version(bob.get(url)) == version
    attended = Outcome.objects.get(code="ATTC")
    absent = Outcome.objects.get(code="AFTA")

    assert alice.post(url, {"version": version, "outcome": attended.pk, "notes": ""}).status_code == 302
    second = bob.post(url, {"version": version, "outcome": absent.pk, "notes": "Did not come"})

    assert second.status_code == 200
    assert "Someone else changed this appointment" in error_summary(second)
    rows = stale_rows(second)
    assert rows["Outcome"] == ["None", f"{attended} Changed", str(absent)]
    assert "Did not come" in re.search(r'id="stale-edit-also".*?</dl>', second.text, re.S).group(0)
    assert "Alice Allocated changed this appointment" in second.text
    past_visit.refresh_from_db()
    assert past_visit.outcome == attended
    assert not ContactNote.objects.filter(contact=past_visit).exists()
    # Bob may still record his outcome deliberately: the form below carries the current version.
    assert shown_version(second) == str(past_visit.version)


def test_two_editors_reschedule_an_appointment(editors, case, future_visit):
    alice, bob = editors
    url = reverse("supervision:reschedule", args=[case.crn, future_visit.pk])
    version = shown_version(alice.get(url))
    assert shown_version(bob.get(url)) == version
    day = timezone.localdate(future_visit.starts_at) + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    data = {"version": version, **date_fields("date", day), "requested_by": "person", "reason": "Job interview"}

    assert alice.post(url, {**data, "start_time": "14:00", "allow_clashes": "on"}).status_code == 302
    second = bob.post(url, {**data, "start_time": "16:00", "requested_by": "service", "reason": "Office closed",
                            "allow_clashes": "on"})

    assert second.status_code == 200
    assert "Someone else changed this appointment" in error_summary(second)
    rows = stale_rows(second)
    assert rows["Date and time"][1].endswith("at 2pm Changed")
    assert rows["Date and time"][2].endswith("at 4pm")
    assert rows["Requested by"][1:] == ["The person on probation Changed", "The probation service"]
    assert rows["Outcome"][2] == "Not part of your change"
    future_visit.refresh_from_db()
    assert future_visit.reschedule_reason == "Job interview"
    assert Contact.objects.filter(person=case).count() == 2
