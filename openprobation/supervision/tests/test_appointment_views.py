import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.core.calendar import default_calendar, format_date
from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.tests.factories import RequirementFactory, SentenceFactory
from openprobation.supervision import actions
from openprobation.supervision.models import Contact, ContactType, EnforcementRecord, Outcome
from openprobation.supervision.tests.factories import AppointmentFactory


def local(day: datetime.date, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def working_day(offset: int) -> datetime.date:
    """A working day ``offset`` working days from today (negative for the past)."""
    calendar = default_calendar()
    day = timezone.localdate()
    step = 1 if offset > 0 else -1
    for _ in range(abs(offset)):
        day += datetime.timedelta(days=step)
        while not calendar.is_working_day(day):
            day += datetime.timedelta(days=step)
    return day


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def url(name, person, *args):
    return reverse(f"supervision:{name}", args=[person.crn, *args])


@pytest.fixture
def order(case):
    return case.sentences.get()


@pytest.fixture
def past_visit(order):
    return AppointmentFactory(sentence=order, starts_at=local(working_day(-3)))


@pytest.fixture
def future_visit(order):
    return AppointmentFactory(sentence=order, starts_at=local(working_day(5)))


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary on the page"
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


# --- the list -------------------------------------------------------------------------------------


def test_list_groups_appointments(client, alice, case, order, past_visit, future_visit, django_assert_max_num_queries):
    done = AppointmentFactory(sentence=order, starts_at=local(working_day(-10)))
    actions.record_outcome(done, "ATTC", by=alice, expected_version=1)
    moved = AppointmentFactory(sentence=order, starts_at=local(working_day(-8)))
    actions.reschedule_appointment(
        moved, by=alice, starts_at=local(working_day(-7), 15), requested_by="person", reason="Ill", expected_version=1
    )
    for days in range(12, 30):
        AppointmentFactory(sentence=order, starts_at=local(working_day(-days)))
    client.force_login(alice)

    # Session and user (2), case and read-audit (2), three lists (3), session save with its savepoint (3).
    with django_assert_max_num_queries(10):
        response = client.get(url("appointments", case))

    assert response.status_code == 200
    html = response.content.decode()
    needs = html[html.index('id="needs-outcome"') : html.index("</table>", html.index('id="needs-outcome"'))]
    assert reverse("supervision:outcome", args=[case.crn, past_visit.pk]) in needs
    assert f"/{done.pk}/" not in needs
    upcoming = html[html.index('id="upcoming"') : html.index("</table>", html.index('id="upcoming"'))]
    assert f"/appointments/{future_visit.pk}/" in upcoming
    past = html[html.index('id="past"') :]
    assert "Attended – complied" in past
    assert "Rescheduled" in past
    assert AccessEvent.objects.filter(crn=case.crn, part="appointments", user=alice).exists()


def test_list_of_an_unknown_case_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(reverse("supervision:appointments", args=["Z999999"])).status_code == 404
    assert client.get(reverse("supervision:appointments", args=["not-a-crn"])).status_code == 404


# --- arranging ------------------------------------------------------------------------------------


def arrange_data(case, alice, day, **overrides):
    data = {
        "contact_type": str(ContactType.objects.get(code="COAP").pk),
        "counts_towards": f"s{case.sentences.get().pk}",
        "location": str(alice.team.office.pk),
        "staff": str(alice.pk),
        **date_fields("date", day),
        "start_time": "10:00",
        "end_time": "11:00",
        "repeat_frequency": "",
        "repeat_count": "",
        "notes": "Bring proof of address",
        "step": "details",
    }
    data.update(overrides)
    return data


def test_arrange_shows_every_date_then_creates_them(client, alice, case):
    client.force_login(alice)
    # Three weekly dates that are all working days (a bank holiday among them is a clash: tested elsewhere).
    calendar, offset = default_calendar(), 10
    while not all(calendar.is_working_day(working_day(offset) + datetime.timedelta(weeks=n)) for n in range(3)):
        offset += 1
    first = working_day(offset)
    assert client.get(url("arrange", case)).status_code == 200
    data = arrange_data(case, alice, first, repeat_frequency="weekly", repeat_count="3")

    confirm = client.post(url("arrange", case), data)

    assert confirm.status_code == 200
    html = confirm.content.decode()
    for n in range(3):
        assert (first + datetime.timedelta(weeks=n)).strftime("%A %-d %B %Y") in html
    assert not Contact.objects.exists()

    response = client.post(url("arrange", case), {**data, "step": "confirm"})

    contacts = list(Contact.objects.order_by("starts_at"))
    assert [c.starts_at for c in contacts] == [local(first + datetime.timedelta(weeks=n)) for n in range(3)]
    assert response.status_code == 302
    assert response["Location"] == url("appointment", case, contacts[0].pk)
    assert contacts[0].notes.get().text == "Bring proof of address"
    page = client.get(response["Location"])
    assert f"3 appointments arranged, from {format_date(first)}" in page.content.decode()


def test_arrange_a_requirement_appointment(client, alice, case):
    rar = RequirementFactory(sentence=case.sentences.get())
    client.force_login(alice)
    data = arrange_data(case, alice, working_day(4), counts_towards=f"r{rar.pk}", step="confirm",
                        contact_type=str(ContactType.objects.get(code="CRAR").pk))

    client.post(url("arrange", case), data)

    assert Contact.objects.get().requirement == rar


def test_arrange_with_a_clash_needs_arrange_anyway(client, alice, case):
    day = working_day(6)
    AppointmentFactory(sentence=case.sentences.get(), starts_at=local(day, 10, 30))
    client.force_login(alice)
    data = arrange_data(case, alice, day)

    confirm = client.post(url("arrange", case), data)
    assert "Arrange anyway" in confirm.content.decode()
    assert "already has Planned office visit (NS) from 10:30 to 11:30" in confirm.content.decode()

    # Posting the plain confirmation is refused: the clash is shown again and nothing is created.
    again = client.post(url("arrange", case), {**data, "step": "confirm"})
    assert again.status_code == 200
    assert Contact.objects.count() == 1

    client.post(url("arrange", case), {**data, "step": "anyway"})
    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_day": "31", "date_month": "2"}, "Date must be a real date"),
        ({"date_day": "", "date_month": "", "date_year": ""}, "Enter date"),
        ({"date_year": "26"}, "Year must include 4 numbers"),
        ({"start_time": "25:99"}, "Start time must be a real time"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"repeat_frequency": "weekly"}, "Enter how many appointments there are in total"),
        ({"repeat_frequency": "monthly"}, "Select how often the appointment repeats"),
        ({"repeat_frequency": "weekly", "repeat_count": "lots"}, "Enter the number of appointments as a number"),
        ({"contact_type": "999999"}, "Select the type of appointment"),
        ({"contact_type": ""}, "Select the type of appointment"),
        ({"counts_towards": "r99999"}, "Select a valid choice"),
        ({"staff": "abc"}, "Select who the appointment is with"),
        ({"location": ""}, "Select a location"),
        ({"notes": "x" * 12001}, "Notes must be 12,000 characters or fewer"),
    ],
)
def test_arrange_bad_input_is_shown_in_the_error_summary(client, alice, case, overrides, message):
    client.force_login(alice)

    response = client.post(url("arrange", case), arrange_data(case, alice, working_day(3), **overrides))

    assert response.status_code == 200
    assert message in error_summary(response)
    assert not Contact.objects.exists()


def test_arrange_in_the_past_is_refused(client, alice, case):
    client.force_login(alice)

    response = client.post(url("arrange", case), arrange_data(case, alice, working_day(-2), step="confirm"))

    assert "The date and time must be in the future" in error_summary(response)
    assert not Contact.objects.exists()


def test_arrange_change_details_goes_back_to_the_form(client, alice, case):
    client.force_login(alice)

    response = client.post(url("arrange", case), arrange_data(case, alice, working_day(3), step="edit"))

    assert 'name="step" value="details"' in response.content.decode()
    assert not Contact.objects.exists()


# --- the appointment page -------------------------------------------------------------------------


def test_detail_shows_notes_oldest_first_with_sensitive_ones_hidden(client, alice, case, past_visit):
    actions.add_note(past_visit, by=alice, text="First note")
    actions.add_note(past_visit, by=alice, text="Disclosed a new partner", sensitive=True)
    actions.add_note(past_visit, by=alice, text="Third note")
    client.force_login(alice)

    response = client.get(url("appointment", case, past_visit.pk))

    html = response.content.decode()
    assert html.index("First note") < html.index("Disclosed a new partner") < html.index("Third note")
    details = html.index('<details class="govuk-details">', html.index('id="notes"'))
    assert details < html.index("Disclosed a new partner") < html.index("</details>", details)
    assert url("outcome", case, past_visit.pk) in html
    assert url("reschedule", case, past_visit.pk) in html
    assert url("add-note", case, past_visit.pk) in html


def test_detail_of_another_cases_appointment_is_not_found(client, alice, case):
    elsewhere = AppointmentFactory(sentence=SentenceFactory(event__person=PersonFactory(crn="X200002")), staff=alice)
    client.force_login(alice)

    for name in ("appointment", "reschedule", "outcome", "enforcement", "add-note"):
        assert client.get(url(name, case, elsewhere.pk)).status_code == 404, name
        assert client.get(url(name, case, 987654)).status_code == 404, name
    assert client.post(url("outcome", case, elsewhere.pk), {"version": "1"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.outcome is None


def test_a_phone_call_is_not_an_appointment_page(client, alice, case):
    call = actions.record_contact(case, by=alice, contact_type=ContactType.objects.get(code="CTOA"),
                                  starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(alice)

    assert client.get(url("appointment", case, call.pk)).status_code == 404
    assert client.get(url("add-note", case, call.pk)).status_code == 200


# --- rescheduling ---------------------------------------------------------------------------------


def test_reschedule(client, alice, case, future_visit):
    client.force_login(alice)
    new_day = working_day(7)

    response = client.post(url("reschedule", case, future_visit.pk), {
        "version": "1", **date_fields("date", new_day), "start_time": "14:30",
        "requested_by": "person", "reason": "Starting a new job",
    })

    future_visit.refresh_from_db()
    new = future_visit.rescheduled_to
    assert new.starts_at == local(new_day, 14, 30)
    assert future_visit.outcome.code == "RSOF"
    assert response["Location"] == url("appointment", case, new.pk)
    page = client.get(url("appointment", case, future_visit.pk)).content.decode()
    assert "Rescheduled at the request of the person on probation" in page
    assert "Starting a new job" in page


def test_reschedule_a_stale_version_is_refused(client, alice, bob, case, future_visit):
    actions.add_note(future_visit, by=bob, text="unrelated")  # notes do not change the version
    actions.reschedule_appointment(future_visit, by=bob, starts_at=local(working_day(8)), requested_by="service",
                                   reason="Office closed", expected_version=1)
    client.force_login(alice)

    response = client.post(url("reschedule", case, future_visit.pk), {
        "version": "1", **date_fields("date", working_day(9)), "start_time": "09:00",
        "requested_by": "person", "reason": "Mine",
    })

    assert response.status_code == 200
    assert "Someone else changed this appointment" in error_summary(response)
    future_visit.refresh_from_db()
    assert future_visit.reschedule_reason == "Office closed"
    assert Contact.objects.count() == 2


def test_reschedule_bad_input(client, alice, case, future_visit):
    client.force_login(alice)

    response = client.post(url("reschedule", case, future_visit.pk), {
        "version": "x", "date_day": "99", "date_month": "1", "date_year": "2027", "start_time": "noon",
    })

    summary = error_summary(response)
    assert "New date must be a real date" in summary
    assert "Select who asked for the appointment to be rescheduled" in summary
    assert "Enter why the appointment is being rescheduled" in summary
    assert Contact.objects.count() == 1


def test_reschedule_onto_a_clash_offers_reschedule_anyway(client, alice, case, future_visit):
    clash_day = working_day(9)
    AppointmentFactory(sentence=case.sentences.get(), starts_at=local(clash_day, 9))
    client.force_login(alice)
    data = {"version": "1", **date_fields("date", clash_day), "start_time": "09:30",
            "requested_by": "service", "reason": "Room booked"}

    refused = client.post(url("reschedule", case, future_visit.pk), data)

    assert "already has Planned office visit (NS) from 09:00 to 10:00" in error_summary(refused)
    assert 'name="allow_clashes"' in refused.content.decode()
    client.post(url("reschedule", case, future_visit.pk), {**data, "allow_clashes": "on"})
    future_visit.refresh_from_db()
    assert future_visit.rescheduled_to is not None


# --- outcomes -------------------------------------------------------------------------------------


def outcome_pk(code):
    return str(Outcome.objects.get(code=code).pk)


def test_record_an_attended_outcome(client, alice, case, past_visit):
    client.force_login(alice)
    page = client.get(url("outcome", case, past_visit.pk)).content.decode()
    for group in ("Attended", "Acceptable absence", "Unacceptable absence", "Failed to attend, waiting for evidence"):
        assert group in page
    assert "Rescheduled – " not in page

    response = client.post(url("outcome", case, past_visit.pk),
                           {"version": "1", "outcome": outcome_pk("ATTC"), "notes": "Engaged well"})

    assert response["Location"] == url("appointment", case, past_visit.pk)
    past_visit.refresh_from_db()
    assert past_visit.outcome.code == "ATTC"
    assert past_visit.notes.get().text == "Engaged well"
    assert "Outcome recorded: Attended – complied" in client.get(response["Location"]).content.decode()


def test_an_unacceptable_absence_goes_on_to_enforcement(client, alice, case, past_visit):
    client.force_login(alice)

    response = client.post(url("outcome", case, past_visit.pk), {"version": "1", "outcome": outcome_pk("UAAB")})

    assert response["Location"] == url("enforcement", case, past_visit.pk)


def test_outcome_on_a_future_appointment_is_refused(client, alice, case, future_visit):
    client.force_login(alice)

    page = client.get(url("outcome", case, future_visit.pk)).content.decode()
    assert "You can record its outcome once it has happened" in page
    assert 'name="outcome"' not in page

    response = client.post(url("outcome", case, future_visit.pk), {"version": "1", "outcome": outcome_pk("ATTC")})

    assert response.status_code == 200
    assert "You cannot record an outcome before it has happened" in error_summary(response)
    future_visit.refresh_from_db()
    assert future_visit.outcome is None


def test_outcome_on_a_stale_version_is_refused_and_not_overwritten(client, alice, bob, case, past_visit):
    actions.record_outcome(past_visit, "AFTA", by=bob, expected_version=1)
    client.force_login(alice)

    response = client.post(url("outcome", case, past_visit.pk),
                           {"version": "1", "outcome": outcome_pk("ATTC"), "notes": "stale"})

    assert response.status_code == 200
    assert "Someone else changed this appointment" in error_summary(response)
    # The form now carries the current version, so a deliberate second try can succeed.
    assert 'name="version" value="2"' in response.content.decode()
    past_visit.refresh_from_db()
    assert past_visit.outcome.code == "AFTA"
    assert not past_visit.notes.exists()


@pytest.mark.parametrize("value", ["", "abc", "999999", "RSOF"])
def test_outcome_bad_choices(client, alice, case, past_visit, value):
    client.force_login(alice)
    if value == "RSOF":
        value = outcome_pk("RSOF")

    response = client.post(url("outcome", case, past_visit.pk), {"version": "1", "outcome": value})

    assert "Select an outcome" in error_summary(response)
    past_visit.refresh_from_db()
    assert past_visit.outcome is None


def test_outcome_missing_version_is_refused(client, alice, case, past_visit):
    client.force_login(alice)

    response = client.post(url("outcome", case, past_visit.pk), {"outcome": outcome_pk("ATTC")})

    assert response.status_code == 200
    past_visit.refresh_from_db()
    assert past_visit.outcome is None


# --- enforcement ----------------------------------------------------------------------------------


def test_enforcement_offers_only_the_allowed_actions(client, alice, case, past_visit):
    actions.record_outcome(past_visit, "UAAB", by=alice, expected_version=1)
    client.force_login(alice)

    html = client.get(url("enforcement", case, past_visit.pk)).content.decode()

    assert "Give a warning or start breach proceedings" in html
    assert 'value="EA02"' in html
    assert 'value="IBR"' in html
    assert 'value="NFA"' not in html
    assert 'value="EA06"' not in html


def test_enforcement_warning_letter_banner(client, alice, case, past_visit):
    actions.record_outcome(past_visit, "UAAB", by=alice, expected_version=1)
    client.force_login(alice)

    response = client.post(url("enforcement", case, past_visit.pk), {"action": "EA02", "rationale": ""})

    assert response["Location"] == url("appointment", case, past_visit.pk)
    due = timezone.localdate() + datetime.timedelta(days=7)
    page = client.get(response["Location"]).content.decode()
    assert f"First warning letter sent. Response due by {format_date(due)}." in page
    assert EnforcementRecord.objects.get().response_due == due


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "NFA"}, "Select one of the actions offered"),
        ({"action": ""}, "Select an enforcement action"),
        ({"action": "IBR", "rationale": ""}, "Explain why you chose"),
        ({"action": "EA02", "rationale": "x" * 12001}, "12,000 characters or fewer"),
    ],
)
def test_enforcement_bad_input(client, alice, case, past_visit, data, message):
    actions.record_outcome(past_visit, "UAAB", by=alice, expected_version=1)
    client.force_login(alice)

    response = client.post(url("enforcement", case, past_visit.pk), data)

    assert response.status_code == 200
    assert message in error_summary(response)
    assert not EnforcementRecord.objects.exists()


def test_enforcement_before_an_outcome_goes_to_the_outcome_page(client, alice, case, past_visit):
    client.force_login(alice)

    response = client.get(url("enforcement", case, past_visit.pk))
    assert response["Location"] == url("outcome", case, past_visit.pk)
    assert client.post(url("enforcement", case, past_visit.pk), {"action": "EA02"}).status_code == 302
    assert not EnforcementRecord.objects.exists()


def test_enforcement_for_an_attended_appointment_has_nothing_to_do(client, alice, case, past_visit):
    actions.record_outcome(past_visit, "ATTC", by=alice, expected_version=1)
    client.force_login(alice)

    html = client.get(url("enforcement", case, past_visit.pk)).content.decode()
    assert "No enforcement action is needed" in html
    assert 'id="no-actions"' in html
    response = client.post(url("enforcement", case, past_visit.pk), {"action": "EA02"})
    assert response.status_code == 200
    assert not EnforcementRecord.objects.exists()


# --- notes and contacts ---------------------------------------------------------------------------


def test_add_note_appends(client, alice, case, past_visit):
    actions.add_note(past_visit, by=alice, text="Earlier note")
    client.force_login(alice)

    response = client.post(url("add-note", case, past_visit.pk), {"text": "Later note", "sensitive": "on"})

    assert response["Location"] == url("appointment", case, past_visit.pk)
    assert [(n.text, n.sensitive) for n in past_visit.notes.all()] == [("Earlier note", False), ("Later note", True)]


@pytest.mark.parametrize(("text", "message"), [("", "Enter the note"), ("   ", "Enter the note"),
                                               ("x" * 12001, "12,000 characters or fewer")])
def test_add_note_bad_input(client, alice, case, past_visit, text, message):
    client.force_login(alice)

    response = client.post(url("add-note", case, past_visit.pk), {"text": text})

    assert message in error_summary(response)
    assert not past_visit.notes.exists()


def test_add_a_phone_call(client, alice, case):
    client.force_login(alice)
    assert client.get(url("add-contact", case)).status_code == 200
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(url("add-contact", case), {
        "contact_type": str(ContactType.objects.get(code="CTOA").pk), **date_fields("date", yesterday),
        "start_time": "16:05", "description": "Asked to move Monday", "notes": "Wants a later time",
        "sentence": str(case.sentences.get().pk),
    })

    assert response["Location"] == reverse("supervision:activity-log", args=[case.crn])
    contact = Contact.objects.get()
    assert (contact.contact_type.code, contact.direction, contact.starts_at) == (
        "CTOA", Contact.Direction.FROM_PERSON, local(yesterday, 16, 5))
    assert contact.notes.get().text == "Wants a later time"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_type": str(0)}, "Select the type of contact"),
        ({"date_day": "x"}, "Date must be a real date"),
        ({"start_time": ""}, "Enter time"),
        ({"future": True}, "The date and time must be in the past"),
        ({"sentence": "12345"}, "Select an order or licence from the list"),
    ],
)
def test_add_contact_bad_input(client, alice, case, overrides, message):
    client.force_login(alice)
    day = timezone.localdate() + datetime.timedelta(days=2) if overrides.pop("future", False) else working_day(-1)
    data = {"contact_type": str(ContactType.objects.get(code="CLOB").pk), **date_fields("date", day),
            "start_time": "12:00", **overrides}

    response = client.post(url("add-contact", case), data)

    assert message in error_summary(response)
    assert not Contact.objects.exists()


def test_add_contact_cannot_use_an_appointment_type(client, alice, case):
    client.force_login(alice)
    data = {"contact_type": str(ContactType.objects.get(code="COAP").pk), **date_fields("date", working_day(-1)),
            "start_time": "12:00"}

    response = client.post(url("add-contact", case), data)

    assert "Select the type of contact" in error_summary(response)
    assert not Contact.objects.exists()
