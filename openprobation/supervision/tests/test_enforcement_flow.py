"""Enforcement journeys through the pages: outcome, then the enforcement page, then the appointment page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.core.calendar import default_calendar, format_date
from openprobation.sentences.models import SentenceType
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision import actions
from openprobation.supervision.models import Breach, Contact, EnforcementRecord, Outcome
from openprobation.supervision.tests.factories import AppointmentFactory


def working_day(offset: int) -> datetime.date:
    calendar = default_calendar()
    day = timezone.localdate()
    for _ in range(-offset):
        day -= datetime.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= datetime.timedelta(days=1)
    return day


def visit(order, offset):
    when = timezone.make_aware(datetime.datetime.combine(working_day(offset), datetime.time(10)))
    return AppointmentFactory(sentence=order, starts_at=when)


def url(name, contact):
    return reverse(f"supervision:{name}", args=[contact.person.crn, contact.pk])


def record(client, contact, code):
    contact.refresh_from_db()
    return client.post(url("outcome", contact), {
        "version": str(contact.version), "outcome": str(Outcome.objects.get(code=code).pk),
    })


def offered_actions(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([A-Z0-9]+)"', html))


@pytest.fixture
def order(case):
    return case.sentences.get()


def test_first_failure_warning_then_second_failure_breach(client, alice, order):
    client.force_login(alice)
    first = visit(order, -12)
    response = record(client, first, "UAAB")
    assert response["Location"] == url("enforcement", first)
    page = client.get(response["Location"]).content.decode()
    assert "Give a warning or start breach proceedings" in page
    assert offered_actions(page) == {"EA02", "IBR", "IMB", "EA08", "ROM"}
    # The warning is given a few days after the first failure, before the second one.
    warned_on = working_day(-10)
    actions.take_enforcement_action(first, "EA02", by=alice, today=warned_on)

    second = visit(order, -2)
    response = record(client, second, "UAAB")
    page = client.get(response["Location"]).content.decode()

    assert "Breach referral is mandatory" in page
    assert f"The warning given on {format_date(warned_on)}" in page
    assert offered_actions(page) == {"IBR", "EA08", "ROM"}
    pack_due = default_calendar().add_working_days(timezone.localdate(), 10)
    assert f"{format_date(pack_due)}, if the recommended action is taken today" in page

    response = client.post(url("enforcement", second), {"action": "IBR", "rationale": ""})

    assert response["Location"] == url("appointment", second)
    breach = Breach.objects.get(sentence=order)
    assert breach.pack_due == pack_due
    detail = client.get(response["Location"]).content.decode()
    assert f"Breach or recall initiated. Breach pack due at court by {format_date(pack_due)}." in detail
    assert "Breach initiated on" in detail
    logged = set(Contact.objects.filter(person=order.person).values_list("contact_type__code", flat=True))
    assert {"ENFA", "BRIN", "ARWS"} <= logged


def test_failed_to_attend_shows_the_evidence_deadline_then_becomes_unacceptable(client, alice, order):
    client.force_login(alice)
    missed = visit(order, -1)

    response = record(client, missed, "AFTA")

    evidence_due = default_calendar().add_working_days(working_day(-1), 5)
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for evidence of an acceptable absence" in page
    assert format_date(evidence_due) in page
    assert offered_actions(page) == {"EA12", "ROM"}
    detail = client.get(url("appointment", missed)).content.decode()
    assert f"Evidence for this absence is due by {format_date(evidence_due)}" in detail

    page = client.get(url("outcome", missed)).content.decode()
    assert "Change the outcome" in page
    response = record(client, missed, "UAAB")

    missed.refresh_from_db()
    assert missed.evidence_due is None
    assert "Give a warning or start breach proceedings" in client.get(response["Location"]).content.decode()


def test_evidence_received_withdraws_the_warning(client, alice, order):
    client.force_login(alice)
    missed = visit(order, -4)
    record(client, missed, "UAAB")
    client.post(url("enforcement", missed), {"action": "EA02"})
    warning = EnforcementRecord.objects.get(action__code="EA02")

    response = record(client, missed, "AAME")

    page = client.get(response["Location"]).content.decode()
    assert offered_actions(page) == {"EA06"}
    client.post(url("enforcement", missed), {"action": "EA06", "rationale": "GP letter received"})
    warning.refresh_from_db()
    assert warning.withdrawn_on == timezone.localdate()
    detail = client.get(url("appointment", missed)).content.decode()
    assert "Withdrawn" in detail
    assert "GP letter received" in detail


def test_reaching_the_failure_limit_adds_one_enforcement_review(client, alice, order):
    client.force_login(alice)
    first, second, third = visit(order, -9), visit(order, -6), visit(order, -3)

    record(client, first, "UAAB")
    assert not Contact.objects.filter(contact_type__code="ARWS").exists()
    response = record(client, second, "AFTC")
    page = client.get(response["Location"]).content.decode()
    assert "an enforcement review has been added to the activity log" in page
    record(client, third, "UAAB")

    assert Contact.objects.filter(sentence=order, contact_type__code="ARWS").count() == 1


def test_licence_warnings_then_recall_review(client, alice, case):
    licence = SentenceFactory(event__person=case, sentence_type=SentenceType.objects.get(code="LIC"))
    client.force_login(alice)
    for offset, letter in ((-12, "EA02"), (-9, "EA03"), (-6, "LCL")):
        failure = visit(licence, offset)
        page = client.get(record(client, failure, "UAAB")["Location"]).content.decode()
        assert letter in offered_actions(page)
        actions.take_enforcement_action(failure, letter, by=alice, today=working_day(offset + 1))

    last = visit(licence, -1)
    page = client.get(record(client, last, "UAAB")["Location"]).content.decode()

    assert "A recall review is required" in page
    assert offered_actions(page) == {"IBR", "EA11", "ROM"}
    client.post(url("enforcement", last), {"action": "EA11"})
    assert Breach.objects.get(sentence=licence).status == Breach.Status.RECALL_REQUESTED


def test_post_sentence_supervision_is_never_offered_recall(client, alice, case):
    pss = SentenceFactory(event__person=case, sentence_type=SentenceType.objects.get(code="PSS"))
    client.force_login(alice)
    failure = visit(pss, -2)

    page = client.get(record(client, failure, "UAAB")["Location"]).content.decode()

    assert "EA02" in offered_actions(page)
    assert "EA11" not in offered_actions(page)
    assert client.post(url("enforcement", failure), {"action": "EA11", "rationale": "x"}).status_code == 200
    assert not Breach.objects.exists()
