"""A provider's session rescheduled from the case's Appointments page stays the provider's session.

The reschedule closes the old appointment (RSOF or RSSR) and creates a new one; the session moves to the new
one, so the provider records feedback for the new time, while the chain of appointments keeps the history:
the original time, the new one, who asked and why.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openprobation.core.calendar import default_calendar
from openprobation.interventions import actions, rules
from openprobation.interventions.continuity import attach_related, load_services, watched_referrals
from openprobation.interventions.models import Session
from openprobation.interventions.queries import attach_reschedules
from openprobation.interventions.tests.conftest import deliver_to_sessions, make_referral
from openprobation.supervision import actions as supervision
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db


def working_day(offset: int) -> datetime.date:
    calendar = default_calendar()
    day = timezone.localdate()
    for _ in range(offset):
        day += datetime.timedelta(days=1)
        while not calendar.is_working_day(day):
            day += datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


@pytest.fixture
def enforceable(licence_case, contract, alice, pat):
    referral = make_referral(licence_case, contract, alice, sentence=licence_case.sentences.get(), enforceable=True,
                             enforceable_days=12)
    return deliver_to_sessions(referral, practitioner=alice, provider_user=pat)


@pytest.fixture
def protective(live_referral, alice):
    return actions.set_protective(live_referral, by=alice, protective=True, risk_factor="isolation",
                                  sessions_per_week=2, reason="Isolation drives his risk.",
                                  expected_version=live_referral.version)


def later(monkeypatch, when: datetime.datetime):
    """Move the clock on to ``when`` (the session's time has passed)."""
    monkeypatch.setattr(timezone, "now", lambda: when)


def reschedule_through_the_page(client, referral, session, day, *, requested_by="person",
                                reason="He has a job interview that morning."):
    crn = referral.person.crn
    response = client.post(reverse("supervision:reschedule", args=[crn, session.contact_id]), {
        "version": str(session.contact.version), **date_fields("date", day), "start_time": "14:30",
        "requested_by": requested_by, "reason": reason, "allow_clashes": "on",
    })
    assert response.status_code == 302, response.content.decode()
    return response


@pytest.mark.parametrize("kind", ["enforceable", "not_enforceable"])
def test_the_provider_records_feedback_on_a_session_the_practitioner_rescheduled(
        kind, request, client, alice, pat, monkeypatch, django_assert_max_num_queries):
    referral = request.getfixturevalue("enforceable" if kind == "enforceable" else "live_referral")
    crn = referral.person.crn
    first, moved_to = working_day(1), working_day(3)
    session = actions.schedule_session(referral, by=pat, starts_at=at(first, 10), duration=datetime.timedelta(hours=1))
    original = session.contact

    client.force_login(alice)
    response = reschedule_through_the_page(client, referral, session, moved_to)

    session.refresh_from_db()
    new = session.contact
    assert new != original
    assert response["Location"] == reverse("supervision:appointment", args=[crn, new.pk])
    assert new.starts_at == at(moved_to, 14, 30)
    assert new.description == original.description  # still says which service and which session
    assert new.contact_type == original.contact_type
    original.refresh_from_db()
    assert original.rescheduled_to == new  # the history: the original time, who asked and why
    assert original.outcome.code == "RSOF"
    assert original.reschedule_reason == "He has a job interview that morning."

    # The provider sees the new time, the original one and who asked, and records feedback once it has passed.
    later(monkeypatch, at(moved_to, 16))
    client.force_login(pat)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("interventions:provider-referral", args=[referral.pk]))
    html = page.content.decode()
    feedback_url = reverse("interventions:provider-feedback", args=[referral.pk, session.pk])
    assert feedback_url in html
    assert "Rescheduled from" in html
    assert "at the person’s request" in html
    assert "job interview" not in html  # the practitioner's reason stays in the case record
    assert client.get(feedback_url).status_code == 200
    response = client.post(feedback_url, {"happened": "yes", "attended": "yes", "summary": "Went to the library."})
    assert response.status_code == 302, response.content.decode()

    session.refresh_from_db()
    assert session.happened is True
    assert session.delivered_on == moved_to
    new.refresh_from_db()
    if kind == "enforceable":
        assert new.outcome.code == "ATTC"
    else:
        assert new.description.endswith(": attended")
    original.refresh_from_db()
    assert original.outcome.code == "RSOF"  # the rescheduled one keeps its own outcome

    # The practitioner sees it on the timeline and on the services tab.
    client.force_login(alice)
    log = client.get(reverse("supervision:activity-log", args=[crn])).content.decode()
    assert "Rescheduled by the person" in log
    assert "Went to the library." in log
    services = client.get(reverse("interventions:case-services", args=[crn])).content.decode()
    assert "1 session in all" in services
    detail = client.get(reverse("interventions:referral", args=[crn, referral.pk])).content.decode()
    assert "Rescheduled from" in detail
    assert "job interview" in detail


def test_a_session_rescheduled_twice_keeps_every_earlier_time(live_referral, alice, pat):
    session = actions.schedule_session(live_referral, by=pat, starts_at=at(working_day(1), 10),
                                       duration=datetime.timedelta(hours=1))
    first = session.contact
    second = supervision.reschedule_appointment(first, by=alice, starts_at=at(working_day(2), 10),
                                                requested_by="person", reason="Hospital appointment",
                                                expected_version=first.version, allow_clashes=True)
    third = supervision.reschedule_appointment(second, by=alice, starts_at=at(working_day(4), 11),
                                               requested_by="service", reason="Mentor ill",
                                               expected_version=second.version, allow_clashes=True)
    session.refresh_from_db()
    assert session.contact == third
    attach_reschedules([session], live_referral.person)
    assert [(r.starts_at, r.requested_by, r.reason) for r in session.reschedules] == [
        (first.starts_at, "person", "Hospital appointment"), (second.starts_at, "service", "Mentor ill")]
    history = list(live_referral.changes.filter(topic="session").values_list("description", "reason"))
    assert len(history) == 2
    assert history[1][1] == "Rescheduled at the service’s request"
    assert Contact.objects.filter(provider_session__isnull=False).count() == 1
    assert Session.objects.count() == 1


def test_a_session_with_feedback_cannot_be_rescheduled(live_referral, client, alice, pat, monkeypatch):
    """A session that is not enforceable has no outcome once the provider has reported, so the appointment
    itself would allow a reschedule: the session refuses it."""
    day = working_day(1)
    session = actions.schedule_session(live_referral, by=pat, starts_at=at(day, 10),
                                       duration=datetime.timedelta(hours=1))
    later(monkeypatch, at(day, 12))
    actions.record_session_feedback(session, by=pat, happened=True, attended="yes")
    contact = Contact.objects.get(pk=session.contact_id)
    assert contact.outcome_id is None
    with pytest.raises(ValidationError, match="feedback"):
        supervision.reschedule_appointment(contact, by=alice, starts_at=at(working_day(3), 10),
                                           requested_by="person", reason="Too late", expected_version=contact.version,
                                           allow_clashes=True)
    client.force_login(alice)
    page = client.post(reverse("supervision:reschedule", args=[live_referral.person.crn, contact.pk]), {
        "version": str(contact.version), **date_fields("date", working_day(3)), "start_time": "10:00",
        "requested_by": "person", "reason": "Too late", "allow_clashes": "on"})
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert "The provider has recorded feedback for session 1" in page.content.decode()
    contact.refresh_from_db()
    assert contact.rescheduled_to is None
    # The appointment's page offers no Reschedule button for it.
    detail = client.get(reverse("supervision:appointment", args=[live_referral.person.crn, contact.pk]))
    assert detail.status_code == 200
    assert reverse("supervision:reschedule", args=[live_referral.person.crn, contact.pk]) not in detail.text


def test_a_rescheduled_session_is_not_a_missed_one_for_the_continuity_rules(protective, alice, pat, monkeypatch):
    """The rules count delivered sessions: the rescheduled appointment (RSOF) is neither delivered nor missed,
    and once the session happens at its new time it counts from that day."""
    first, moved_to = working_day(1), working_day(2)
    session = actions.schedule_session(protective, by=pat, starts_at=at(first, 10),
                                       duration=datetime.timedelta(hours=1))
    supervision.reschedule_appointment(session.contact, by=alice, starts_at=at(moved_to, 10), requested_by="service",
                                       reason="Mentor ill", expected_version=session.contact.version,
                                       allow_clashes=True)
    later(monkeypatch, at(moved_to, 12))
    session.refresh_from_db()
    actions.record_session_feedback(session, by=pat, happened=True, attended="yes")

    referrals = list(watched_referrals(moved_to, referral_ids=[protective.pk]))
    attach_related(referrals, {})
    [(_, service)] = load_services(referrals, moved_to)
    assert service.last_session == moved_to
    assert not rules.assess(service, moved_to).at_risk


# --- the provider reschedules its own session ---------------------------------------------------------------


def provider_form(session, day, **overrides):
    return {"contact": str(session.contact_id), "version": str(session.contact.version), **date_fields("date", day),
            "start_time": "15:00", "requested_by": "service", "reason": "Our mentor is on a course that day.",
            **overrides}


def test_the_provider_reschedules_its_own_session(enforceable, client, alice, pat, monkeypatch):
    first, moved_to = working_day(1), working_day(2)
    session = actions.schedule_session(enforceable, by=pat, starts_at=at(first, 10),
                                       duration=datetime.timedelta(hours=1))
    original = session.contact
    client.force_login(pat)
    page = client.get(reverse("interventions:provider-referral", args=[enforceable.pk])).content.decode()
    reschedule_url = reverse("interventions:provider-reschedule", args=[enforceable.pk, session.pk])
    assert reschedule_url in page  # the session is still to come, so no feedback link yet
    assert client.get(reschedule_url).status_code == 200

    refused = client.post(reschedule_url, {"contact": str(session.contact_id), "version": "1"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "govuk-error-summary" in html
    assert "Select who asked for the session to be rescheduled" in html
    assert "Enter why the session is being rescheduled" in html
    past = client.post(reschedule_url, provider_form(session, timezone.localdate() - datetime.timedelta(days=1)))
    assert "The new date and time must be in the future" in past.content.decode()

    response = client.post(reschedule_url, provider_form(session, moved_to))
    assert response.status_code == 302, response.content.decode()
    session.refresh_from_db()
    assert session.contact.starts_at == at(moved_to, 15)
    original.refresh_from_db()
    assert original.rescheduled_to == session.contact
    assert original.outcome.code == "RSSR"  # a service request: not the person's doing
    assert original.reschedule_reason == "Our mentor is on a course that day."

    # The practitioner sees the move, the reason and the new appointment, which is still the session's.
    client.force_login(alice)
    crn = enforceable.person.crn
    detail = client.get(reverse("interventions:referral", args=[crn, enforceable.pk])).content.decode()
    assert "Rescheduled from" in detail
    assert "Our mentor is on a course that day." in detail

    later(monkeypatch, at(moved_to, 17))
    client.force_login(alice)
    log = client.get(reverse("supervision:activity-log", args=[crn])).content.decode()
    assert "Rescheduled by the service" in log  # the activity log shows what is past
    client.force_login(pat)
    response = client.post(reverse("interventions:provider-feedback", args=[enforceable.pk, session.pk]),
                           {"happened": "yes", "attended": "yes"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.contact.outcome.code == "ATTC"


def test_a_provider_sees_a_clash_without_the_type_of_the_other_appointment(enforceable, client, pat):
    from openprobation.supervision.tests.factories import AppointmentFactory

    day = working_day(2)
    session = actions.schedule_session(enforceable, by=pat, starts_at=at(working_day(1), 10),
                                       duration=datetime.timedelta(hours=1))
    other = AppointmentFactory(person=enforceable.person, sentence=enforceable.sentence, starts_at=at(day, 15))
    client.force_login(pat)
    url = reverse("interventions:provider-reschedule", args=[enforceable.pk, session.pk])
    refused = client.post(url, provider_form(session, day))
    html = refused.content.decode()
    assert "Ryan Licence already has another appointment from 15:00" in html
    assert str(other.contact_type) not in html
    assert "Reschedule anyway" in html
    assert client.post(url, provider_form(session, day, allow_clashes="on")).status_code == 302


def test_the_provider_cannot_move_a_session_someone_else_moved_or_whose_time_has_passed(
        live_referral, client, alice, pat, monkeypatch):
    day = working_day(1)
    session = actions.schedule_session(live_referral, by=pat, starts_at=at(day, 10),
                                       duration=datetime.timedelta(hours=1))
    seen = provider_form(session, working_day(3))
    supervision.reschedule_appointment(session.contact, by=alice, starts_at=at(working_day(2), 10),
                                       requested_by="person", reason="Hospital appointment", expected_version=1,
                                       allow_clashes=True)
    client.force_login(pat)
    url = reverse("interventions:provider-reschedule", args=[live_referral.pk, session.pk])
    stale = client.post(url, seen)
    assert "Someone else changed this appointment" in stale.content.decode()
    session.refresh_from_db()
    assert session.contact.starts_at == at(working_day(2), 10)

    later(monkeypatch, at(working_day(2), 12))
    with pytest.raises(ValidationError, match="time has passed"):
        actions.reschedule_session(session, by=pat, starts_at=at(working_day(4), 10), requested_by="person",
                                   reason="Did not come", expected_contact=session.contact_id,
                                   expected_version=session.contact.version)


def test_only_the_provider_delivering_the_session_may_move_it(enforceable, client, pat):
    from openprobation.interventions.tests.factories import ProviderFactory, ProviderMembershipFactory
    from openprobation.staff.tests.factories import UserFactory

    session = actions.schedule_session(enforceable, by=pat, starts_at=at(working_day(1), 10),
                                       duration=datetime.timedelta(hours=1))
    url = reverse("interventions:provider-reschedule", args=[enforceable.pk, session.pk])
    stranger = UserFactory(username="stan", role="provider", team=None)
    ProviderMembershipFactory(user=stranger, provider=ProviderFactory(code="FAR"))
    client.force_login(stranger)
    assert client.post(url, provider_form(session, working_day(2))).status_code == 404
    colleague = UserFactory(username="colin", role="provider", team=None)
    ProviderMembershipFactory(user=colleague, provider=enforceable.contract.provider, is_manager=False)
    client.force_login(colleague)
    assert client.post(url, provider_form(session, working_day(2))).status_code == 403
    session.refresh_from_db()
    assert session.contact.starts_at == at(working_day(1), 10)


def test_sessions_left_on_a_rescheduled_appointment_are_moved_by_the_migration(live_referral, alice, pat):
    """Sessions rescheduled before the fix were left on the closed appointment: the data migration moves them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "openprobation.interventions.migrations.0002_sessions_follow_rescheduled_appointments")
    session = actions.schedule_session(live_referral, by=pat, starts_at=at(working_day(1), 10),
                                       duration=datetime.timedelta(hours=1))
    first = session.contact
    second = supervision.reschedule_appointment(first, by=alice, starts_at=at(working_day(2), 10),
                                                requested_by="person", reason="Hospital", expected_version=1,
                                                allow_clashes=True)
    third = supervision.reschedule_appointment(second, by=alice, starts_at=at(working_day(3), 10),
                                               requested_by="service", reason="Mentor ill", expected_version=1,
                                               allow_clashes=True)
    Session.objects.filter(pk=session.pk).update(contact=first)  # as the old reschedule left it

    migration.follow_rescheduled_appointments(apps, None)

    session.refresh_from_db()
    assert session.contact == third
    migration.follow_rescheduled_appointments(apps, None)  # nothing left to move
    session.refresh_from_db()
    assert session.contact == third
