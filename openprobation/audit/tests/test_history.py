"""Version history: every action leaves a version of what it changed, and the History tab shows them."""

import datetime

import pytest
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.alerts.actions import close_alert, raise_alert
from openprobation.alerts.models import Alert
from openprobation.audit.case_history import history_page
from openprobation.people import actions as people_actions
from openprobation.people.models import Address, Person, PersonalCircumstance
from openprobation.sentences import actions as sentence_actions
from openprobation.sentences.models import Requirement, RequirementType, Sentence
from openprobation.sentences.tests.factories import RequirementFactory
from openprobation.supervision import actions
from openprobation.supervision.models import Breach, Contact, ContactNote, ContactType, EnforcementRecord
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def versions(obj):
    return list(type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id"))


@pytest.fixture
def order(case):
    return case.sentences.get()


# --- every action leaves a version -------------------------------------------------------------------


def test_create_person_writes_the_first_version(alice):
    person = people_actions.create_person(by=alice, first_name="Robin", surname="Newcase",
                                          date_of_birth=datetime.date(1990, 1, 1), gender="M",
                                          address={"line_1": "1 High Street", "postcode": "nw1 1aa"})
    [created] = versions(person)
    assert created.history_type == "+"
    assert created.first_name == "Robin"
    assert versions(person.addresses.get())[0].postcode == "NW1 1AA"


def test_contact_details_changed_with_update_still_get_a_version(case, alice):
    # update_contact_details changes the row with QuerySet.update(): audit.record writes the version.
    people_actions.update_contact_details(case, by=alice, expected_version=case.version, phone="01632 960001",
                                          mobile="", email="jordan@example.org")
    latest = versions(case)[-1]
    assert (latest.phone, latest.email, latest.version) == ("01632 960001", "jordan@example.org", 2)
    assert latest.history_user == alice
    assert latest.history_change_reason == "contact_details_updated"


def test_a_version_is_not_repeated_when_nothing_changed_since(case, alice):
    people_actions.update_contact_details(case, by=alice, expected_version=case.version, phone="1", mobile="",
                                          email="")
    count = len(versions(case))
    from openprobation.audit.record import record

    record("looked_again", case, by=alice, crn=case.crn)
    assert len(versions(case)) == count


def test_change_main_address_versions_the_old_and_the_new(case, alice):
    old = case.addresses.get(status="main")
    new = people_actions.change_main_address(case, by=alice, expected_version=case.version,
                                             start_date=TODAY, line_1="2 New Road", postcode="NW2 2BB")
    assert [v.status for v in versions(old)][-1] == "previous"
    assert versions(new)[0].history_type == "+"


def test_circumstances_are_versioned(case, alice):
    circumstance = people_actions.add_detail(case, "circumstance", by=alice, type="Employment",
                                             start_date=datetime.date(2025, 1, 1), today=TODAY)
    people_actions.end_circumstance(circumstance, by=alice, end_date=TODAY, today=TODAY)
    assert [v.end_date for v in versions(circumstance)] == [None, TODAY]


def test_terminating_an_order_versions_the_order(order, alice):
    sentence_actions.terminate_sentence(order, by=alice, terminated_on=TODAY, reason="Revoked", expected_version=1,
                                        today=TODAY)
    latest = versions(order)[-1]
    assert (latest.terminated_on, latest.termination_reason) == (TODAY, "Revoked")


def test_requirements_are_versioned_when_added(order, alice):
    unpaid = RequirementType.objects.get(code="UPW")
    requirement = sentence_actions.add_requirement(order, by=alice, requirement_type=unpaid, length=100,
                                                   start_date=order.start_date)
    assert versions(requirement)[0].history_type == "+"


def test_appointments_outcomes_notes_and_enforcement_are_versioned(order, alice):
    missed = AppointmentFactory(sentence=order, starts_at=at(2026, 3, 2))
    actions.record_outcome(missed, "UAAB", by=alice, expected_version=missed.version, today=TODAY)
    actions.add_note(missed, by=alice, text="Phoned, no answer.", sensitive=True)
    warning = actions.take_enforcement_action(missed, "EA02", by=alice, today=TODAY)
    assert [(v.history_type, v.outcome_id is not None) for v in versions(missed)] == [("+", False), ("~", True)]
    assert versions(ContactNote.objects.filter(contact=missed, sensitive=True).get())[0].history_type == "+"
    assert versions(warning)[0].history_type == "+"
    second = AppointmentFactory(sentence=order, starts_at=at(2026, 3, 9))
    actions.record_outcome(second, "UAAB", by=alice, expected_version=second.version, today=datetime.date(2026, 3, 10))
    actions.take_enforcement_action(second, "IBR", by=alice, today=datetime.date(2026, 3, 10))
    assert versions(Breach.objects.get(sentence=order))[0].history_type == "+"


def test_reschedule_versions_the_old_appointment_and_the_new(case, order, alice):
    [first] = actions.arrange_appointments(
        case, by=alice, contact_type=ContactType.objects.get(code="COAP"), sentence=order, requirement=None,
        location=alice.team.office, staff=alice, starts_at=at(2030, 3, 5), duration=datetime.timedelta(hours=1),
    )
    new = actions.reschedule_appointment(first, by=alice, starts_at=at(2030, 3, 6), requested_by="person",
                                         reason="Hospital", expected_version=first.version)
    assert [v.history_type for v in versions(first)] == ["+", "~"]
    assert versions(first)[-1].rescheduled_to_id == new.pk
    assert versions(new)[0].history_type == "+"


def test_alerts_are_versioned_from_raise_to_close(case, alice, mandy):
    alert, _ = raise_alert(case, reason="test_reason", owner=alice, due=TODAY, title="Check in",
                           summary="Because", next_step="Phone them")
    close_alert(alert, by=mandy, decision="resolved", rationale="Phoned")
    assert [v.history_type for v in versions(alert)] == ["+", "~"]
    assert versions(alert)[-1].closed_by == mandy


# --- the History tab ----------------------------------------------------------------------------------


def test_the_history_tab_shows_actions_and_field_differences(client, case, alice):
    client.force_login(alice)
    case.refresh_from_db()
    response = client.post(f"/cases/{case.crn}/personal-details/contact-details/",
                           {"version": case.version, "phone": "01632 960999", "mobile": "", "email": ""})
    assert response.status_code == 302
    response = client.get(f"/cases/{case.crn}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Personal details changed" in page
    assert "01632 960999" in page
    assert "Contact details updated" in page  # the action, with its before/after summary
    assert 'aria-current="page"' in page
    assert ">History</a>" in page
    assert AccessEvent.objects.filter(crn=case.crn, part="history", user=alice, granted=True).exists()
    entries = history_page(case).entries
    assert entries[0].at >= entries[-1].at  # newest first
    person_change = next(e for e in entries if e.title == "Personal details changed")
    assert person_change.who == alice
    assert [(c.field, c.before, c.after) for c in person_change.changes] == [("Phone", "(blank)", "01632 960999")]


def test_linked_records_are_named_not_numbered(order, alice):
    missed = AppointmentFactory(sentence=order, starts_at=at(2026, 3, 2))
    actions.record_outcome(missed, "UAAB", by=alice, expected_version=missed.version, today=TODAY)
    entry = next(e for e in history_page(order.person, show="contact").entries if e.kind == "version")
    outcome = next(c for c in entry.changes if c.field == "Outcome")
    assert (outcome.before, outcome.after) == ("(blank)", "Unacceptable absence")
    assert entry.about.startswith(str(missed.contact_type))


def test_sensitive_records_are_behind_a_disclosure(client, order, alice):
    missed = AppointmentFactory(sentence=order, starts_at=at(2026, 3, 2))
    actions.add_note(missed, by=alice, text="Disclosed a risk to a partner.", sensitive=True)
    client.force_login(alice)
    page = client.get(f"/cases/{order.person.crn}/history/?show=contact-note").content.decode()
    assert "Sensitive record: show what changed" in page
    [entry] = history_page(order.person, show="contact-note").entries
    assert entry.sensitive


def test_the_filter_and_its_errors(client, case, alice):
    client.force_login(alice)
    people_actions.update_contact_details(case, by=alice, expected_version=case.version, phone="1", mobile="",
                                          email="")
    only_actions = client.get(f"/cases/{case.crn}/history/?show=actions").content.decode()
    assert "Contact details updated" in only_actions
    assert "Personal details changed" not in only_actions
    bad = client.get(f"/cases/{case.crn}/history/?show=bogus&page=x")
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "There is a problem" in text
    assert "Select what to show from the list" in text
    assert "Page must be a whole number" in text
    assert "Personal details changed" in text  # the bad filter is left out, not applied


def test_pages_and_their_end(client, case, alice, settings):
    settings.OPENPROBATION = {**settings.OPENPROBATION, "HISTORY_PAGE_SIZE": 3}
    for n in range(4):
        people_actions.update_contact_details(case, by=alice, expected_version=case.version, phone=str(n),
                                              mobile="", email="")
    total = len(history_page(case, size=1000).entries)
    assert total >= 8  # four actions and four versions of the person, after the case's own first versions
    first = history_page(case, page=1)
    assert first.has_next
    assert not first.has_previous
    assert len(first.entries) == 3
    last = history_page(case, page=(total + 2) // 3)
    assert not last.has_next
    assert last.has_previous
    assert last.last_position == total
    assert history_page(case, page=(total + 2) // 3 - 1).has_next
    client.force_login(alice)
    beyond = client.get(f"/cases/{case.crn}/history/?page=50").content.decode()
    assert "There are no more entries" in beyond


def test_the_page_costs_the_same_queries_however_long_the_history(client, order, alice,
                                                                   django_assert_max_num_queries):
    client.force_login(alice)

    def busy_case(rounds):
        for n in range(rounds):
            missed = AppointmentFactory(sentence=order, starts_at=at(2026, 2, 2) + datetime.timedelta(days=n))
            actions.record_outcome(missed, "ATTC", by=alice, expected_version=missed.version, today=TODAY)
            actions.add_note(missed, by=alice, text=f"Note {n}")
            people_actions.update_contact_details(order.person, by=alice, expected_version=order.person.version,
                                                  phone=str(n), mobile="", email="")
            order.person.refresh_from_db()
        raise_alert(order.person, reason="r", owner=alice, due=TODAY, title="t", summary="s", next_step="n")
        RequirementFactory(sentence=order)

    busy_case(2)
    with django_assert_max_num_queries(40) as small:
        assert client.get(f"/cases/{order.person.crn}/history/").status_code == 200
    busy_case(12)
    with django_assert_max_num_queries(40) as large:
        assert client.get(f"/cases/{order.person.crn}/history/").status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries) + 2


def test_a_role_that_does_not_reach_the_case_gets_not_found(client, case, pat):
    client.force_login(pat)
    assert client.get(f"/cases/{case.crn}/history/").status_code == 404
    assert AccessEvent.objects.filter(crn=case.crn, part="history", user=pat, granted=False).exists()


def test_deleted_records_keep_their_versions(case, alice):
    circumstance = PersonalCircumstance.objects.create(person=case, type="Housing", start_date=TODAY)
    circumstance.delete()
    entry = history_page(case, show="circumstance").entries[0]
    assert entry.title == "Personal circumstance deleted"
    assert entry.deleted


def test_every_tracked_model_is_versioned():
    for model in (Person, Address, PersonalCircumstance, Sentence, Requirement, Contact, ContactNote,
                  EnforcementRecord, Breach, Alert):
        assert model.history.model._meta.app_label == "audit"
        assert model.history.model._meta.db_table == f"audit_historical{model._meta.model_name}"
