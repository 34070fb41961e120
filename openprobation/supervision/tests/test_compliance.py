"""The compliance read models: per-order counts, warnings, breaches, engagement and caseload statuses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.core.calendar import end_of_months_beginning_with
from openprobation.frontend.templatetags.govuk import govuk_date
from openprobation.frontend.tests.htmltree import parse
from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.models import SentenceType
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision.compliance import (
    caseload_compliance,
    order_compliance,
    twelve_months_ending,
)
from openprobation.supervision.models import (
    Breach,
    ContactType,
    EnforcementAction,
    EnforcementRecord,
    Outcome,
)
from openprobation.supervision.tests.factories import AppointmentFactory

TODAY = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


NOW = at(TODAY, 12)


def d(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def appointment(sentence, day, outcome=None, *, hour=10, type_code="COAP", **kwargs):
    """An appointment on `sentence`, with its outcome recorded by the practitioner if one is given."""
    if outcome is not None:
        kwargs.update(
            outcome=Outcome.objects.get(code=outcome),
            outcome_recorded_at=at(day, hour + 1),
            outcome_recorded_by=sentence.person.practitioner,
        )
    return AppointmentFactory(
        sentence=sentence,
        starts_at=at(day, hour),
        contact_type=ContactType.objects.get(code=type_code),
        **kwargs,
    )


def enforce(contact, code, decided_on, **kwargs):
    return EnforcementRecord.objects.create(
        contact=contact,
        sentence=contact.sentence,
        action=EnforcementAction.objects.get(code=code),
        decided_on=decided_on,
        decided_by=contact.staff,
        **kwargs,
    )


def breach(sentence, started_on, *, ended_on=None, status=Breach.Status.INITIATED, pack_due=None):
    return Breach.objects.create(
        sentence=sentence,
        started_on=started_on,
        ended_on=ended_on,
        status=status,
        pack_due=pack_due or started_on + datetime.timedelta(days=14),
        initiated_by=sentence.person.practitioner,
    )


@pytest.fixture
def order(case):
    """The case's 12-month community order, made on 2 June 2025."""
    return case.sentences.get()


def only(case):
    [result] = order_compliance(case, TODAY, now=NOW)
    return result


# --- counts ------------------------------------------------------------------------------------------


def test_counts_put_every_started_national_standards_appointment_in_one_bucket(case, order, alice):
    for day in (d(1, 5), d(1, 12), d(1, 19)):
        appointment(order, day, "ATTC")
    appointment(order, d(1, 26), "AAME")
    appointment(order, d(2, 2), "UAAB")
    appointment(order, d(2, 9), "AFTC", hour=9)
    appointment(order, d(2, 9), "ATSH", hour=14)  # same day as the AFTC: one failure date
    appointment(order, d(2, 10), "ATSS")
    appointment(order, d(2, 16), "AFTA", evidence_due=d(2, 23))
    appointment(order, d(2, 23))  # no outcome recorded
    appointment(order, d(2, 24), "RSOF", reschedule_requested_by="person")
    appointment(order, d(2, 25), "RSSR", reschedule_requested_by="service")
    appointment(order, d(2, 26), "RSSR")  # an older record: the code says who asked
    # Not counted: not National Standards, not an appointment, not started, another order.
    appointment(order, d(2, 3), "UAAB", type_code="COOO")
    appointment(order, d(2, 4), type_code="CTOA")
    appointment(order, TODAY, hour=15)
    other = SentenceFactory(event__person=case, event__number=2)
    appointment(other, d(2, 5), "UAAB")

    mine, theirs = order_compliance(case, TODAY, now=NOW)
    if mine.sentence != order:
        mine, theirs = theirs, mine
    assert theirs.counts.unacceptable_absences == 1
    counts = mine.counts
    assert counts.appointments == 10
    assert counts.complied == 3
    assert counts.acceptable_absences == 1
    assert counts.unacceptable_absences == 1
    assert counts.failed_to_comply == 1
    assert counts.sent_home == 2
    assert counts.awaiting_evidence == 1
    assert counts.no_outcome == 1
    assert counts.rescheduled_by_person == 1
    assert counts.rescheduled_by_service == 2
    assert mine.failures_since_breach == 2  # UAAB on 2 Feb; AFTC and ATSH share 9 Feb
    assert mine.ftc_limit == 2
    assert mine.ftc_limit_reached
    assert mine.counting_from == order.sentence_date
    assert not mine.counting_from_breach


def test_outcome_recorded_today_counts_only_once_the_appointment_has_started(case, order):
    appointment(order, TODAY, hour=11)
    appointment(order, TODAY, hour=15)
    assert only(case).counts.no_outcome == 1


def test_failures_to_comply_count_restarts_when_a_breach_ends(case, order):
    appointment(order, d(9, 1, 2025), "UAAB")
    appointment(order, d(9, 8, 2025), "UAAB")
    breach(order, d(9, 10, 2025), ended_on=d(11, 3, 2025), status=Breach.Status.PROVEN_CONTINUE)
    appointment(order, d(11, 2, 2025), "UAAB")  # before the breach ended: not counted
    appointment(order, d(11, 3, 2025), "AFTC")  # the day it ended: counted
    appointment(order, d(1, 5), "UAAB")

    result = only(case)
    assert result.counting_from == d(11, 3, 2025)
    assert result.counting_from_breach
    assert result.failures_since_breach == 2
    assert result.failures_last_12_months == 5
    assert result.breach_in_progress is None
    assert [b.ended_on for b in result.prior_breaches] == [d(11, 3, 2025)]


def test_failures_in_the_last_12_months_ignore_older_ones(case, order):
    appointment(order, d(3, 1, 2025), "UAAB")  # 12 months ending 2 March 2026 begin 3 March 2025
    appointment(order, d(3, 3, 2025), "UAAB")
    order.sentence_date = d(1, 1, 2025)  # a longer order, so both failures are on it
    order.start_date = d(1, 1, 2025)
    order.save(update_fields=["sentence_date", "start_date"])
    assert only(case).failures_last_12_months == 1


@pytest.mark.parametrize(
    ("today", "start"),
    [(d(3, 9), d(3, 10, 2025)), (d(2, 28, 2025), d(3, 1, 2024)), (d(2, 29, 2024), d(3, 1, 2023))],
)
def test_twelve_months_ending(today, start):
    assert twelve_months_ending(today) == start


# --- warnings, breaches, overdue items -----------------------------------------------------------------


def test_a_warning_is_live_for_12_months_then_expires(case, order):
    failure = appointment(order, d(6, 8, 2025), "UAAB")
    warning = enforce(failure, "EA02", d(6, 9, 2025), response_due=d(6, 16, 2025))

    [live] = order_compliance(case, d(6, 8), now=at(d(6, 8)))[0].live_warnings
    assert live.record == warning
    assert live.live_until == d(6, 8)
    assert order_compliance(case, d(6, 9), now=at(d(6, 9)))[0].live_warnings == []


def test_withdrawn_warnings_and_other_actions_are_not_live(case, order):
    failure = appointment(order, d(2, 2), "UAAB")
    enforce(failure, "EA02", d(2, 3), withdrawn_on=d(2, 6))
    enforce(failure, "NFA", d(2, 6))
    assert only(case).live_warnings == []


def test_breach_in_progress_with_an_overdue_pack(case, order):
    failure = appointment(order, d(2, 2), "UAAB")
    open_breach = breach(order, d(2, 3), pack_due=d(2, 17))
    result = only(case)
    assert result.breach_in_progress == open_breach
    assert result.prior_breaches == []
    assert [(i.kind, i.due) for i in result.overdue] == [("breach pack", d(2, 17))]
    assert failure.pk  # the failure that led to it stays on the record


def test_overdue_evidence_and_responses(case, order):
    appointment(order, d(2, 2), "AFTA", evidence_due=d(2, 9))
    appointment(order, d(2, 25), "AFTA", evidence_due=d(3, 4))  # not due yet
    pending = appointment(order, d(2, 10), "UAAB")
    enforce(pending, "EA12", d(2, 11), response_due=d(2, 18))
    answered = appointment(order, d(1, 12), "UAAB")
    enforce(answered, "EA12", d(1, 13), response_due=d(1, 20))
    enforce(answered, "EA02", d(1, 21), response_due=d(1, 28))  # the later action answers it

    overdue = only(case).overdue
    assert [(i.kind, i.due) for i in overdue] == [("evidence", d(2, 9)), ("response", d(2, 18))]
    assert overdue[1].contact_id == pending.pk


def test_breach_required_when_a_failure_follows_a_live_warning_with_no_action(case, order):
    first = appointment(order, d(1, 5), "UAAB")
    enforce(first, "EA02", d(1, 6))
    second = appointment(order, d(2, 2), "AFTC")
    required = only(case).breach_required
    assert required.contact_id == second.pk
    assert required.failed_on == d(2, 2)
    assert any("referral for breach is mandatory" in reason for reason in required.reasons)

    enforce(second, "IBR", d(2, 3))
    assert only(case).breach_required is None


# --- positive engagement -------------------------------------------------------------------------------


def test_engagement_runs_and_recent_attendance(case, order):
    sequence = ["ATTC", "ATTC", "UAAB", "ATTC", "AAME", "ATTC", "ATSS", "RSOF", "AFTA", "ATTC"]
    for offset, code in enumerate(sequence):
        appointment(order, d(1, 5) + datetime.timedelta(days=offset), code)
    engagement = only(case).engagement
    # After the UAAB: ATTC, (AAME skipped), ATTC, ATSS, (RSOF and AFTA skipped), ATTC.
    assert engagement.longest_run == 4
    assert engagement.current_run == 4
    assert (engagement.recent_attended, engagement.recent_total) == (6, 9)
    assert engagement.last_failure_on == d(1, 7)

    appointment(order, d(2, 20), "ATSH")
    engagement = only(case).engagement
    assert engagement.longest_run == 4
    assert engagement.current_run == 0


def test_recent_attendance_looks_at_the_last_20_appointments(case, order):
    for offset in range(5):
        appointment(order, d(1, 1) + datetime.timedelta(days=offset), "UAAB")
    for offset in range(20):
        appointment(order, d(1, 10) + datetime.timedelta(days=offset), "ATTC")
    engagement = only(case).engagement
    assert (engagement.recent_attended, engagement.recent_total) == (20, 20)
    assert engagement.longest_run == 20


# --- the order list -----------------------------------------------------------------------------------


def test_active_orders_come_first_with_progress(case, order):
    order.terminated_on = d(1, 10)
    order.termination_reason = "Revoked and re-sentenced"
    order.save(update_fields=["terminated_on", "termination_reason"])
    licence = SentenceFactory(
        event__person=case,
        event__number=2,
        sentence_type=SentenceType.objects.get(code="LIC"),
        sentence_date=d(1, 1),
        start_date=d(1, 1),
        expected_end_date=d(1, 1, 2027),
    )
    results = order_compliance(case, TODAY, now=NOW)
    assert [r.sentence for r in results] == [licence, order]
    assert results[0].is_active
    assert not results[1].is_active
    assert results[0].progress.elapsed_days == (TODAY - d(1, 1)).days
    assert results[0].progress.percent == round(100 * 60 / 365)
    assert results[1].progress.elapsed_days == (d(1, 10) - order.start_date).days  # stops at termination


def test_no_orders_gives_an_empty_list(db):
    assert order_compliance(PersonFactory(), TODAY, now=NOW) == []


def test_order_compliance_queries_do_not_grow_with_the_history(case, order, django_assert_max_num_queries):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            order_compliance(case, TODAY, now=NOW)
        return len(captured)

    appointment(order, d(1, 5), "UAAB")
    few = queries()
    for offset in range(40):
        contact = appointment(
            order, d(6, 10, 2025) + datetime.timedelta(days=offset), ["ATTC", "UAAB", "AFTA"][offset % 3]
        )
        if offset % 3 == 1:
            enforce(contact, "EA12", contact.starts_at.date(), response_due=contact.starts_at.date())
    SentenceFactory(event__person=case, event__number=2)
    breach(order, d(8, 1, 2025), ended_on=d(8, 20, 2025), status=Breach.Status.WITHDRAWN)
    assert queries() == few
    with django_assert_max_num_queries(9):
        order_compliance(case, TODAY, now=NOW)


# --- caseload statuses --------------------------------------------------------------------------------


@pytest.fixture
def caseload(alice):
    """One person per status, each on a community order made on 2 June 2025."""
    people = {}

    def person(name):
        people[name] = PersonFactory(practitioner=alice)
        return SentenceFactory(event__person=people[name])

    sentence = person("in_breach")
    breach(sentence, d(2, 20), pack_due=d(3, 6))
    appointment(sentence, d(2, 23))  # an outcome due as well: breach still wins

    sentence = person("breach_required")
    enforce(appointment(sentence, d(1, 5), "UAAB"), "EA02", d(1, 6))
    appointment(sentence, d(2, 2), "UAAB")

    sentence = person("undecided")
    appointment(sentence, d(1, 5), "ATTC")
    appointment(sentence, d(2, 2), "AFTC")  # a first failure, and nobody has decided what to do about it
    sentence = person("warned")
    enforce(appointment(sentence, d(1, 5), "UAAB"), "EA02", d(1, 6))
    appointment(sentence, d(1, 12), "AFTA")  # awaiting evidence too: the warning wins

    sentence = person("awaiting")
    appointment(sentence, d(2, 2), "AFTA", evidence_due=d(2, 9))
    appointment(sentence, d(2, 9))

    sentence = person("outcomes")
    appointment(sentence, d(2, 2))
    appointment(sentence, d(2, 9))
    appointment(sentence, TODAY, hour=15)  # not started yet

    sentence = person("compliant")
    appointment(sentence, d(2, 2), "ATTC")
    old = SentenceFactory(event__person=people["compliant"], event__number=9)
    breach(old, d(9, 1, 2025), ended_on=d(9, 30, 2025), status=Breach.Status.PROVEN_CONTINUE)

    sentence = person("no_order")
    sentence.terminated_on = d(1, 2)
    sentence.termination_reason = "Completed"
    sentence.save(update_fields=["terminated_on", "termination_reason"])
    people["nothing"] = PersonFactory()
    return people


@pytest.mark.parametrize(
    ("name", "label", "colour", "priority", "detail", "outcomes_due"),
    [
        ("in_breach", "Breach in progress", "red", 1, "Breach initiated; papers due 6 March 2026", 1),
        (
            "breach_required",
            "Breach required",
            "red",
            2,
            "Failure to comply on 2 February 2026 during a live warning",
            0,
        ),
        (
            "undecided",
            "Enforcement decision due",
            "red",
            3,
            "No enforcement action for the failure on 2 February 2026",
            0,
        ),
        ("warned", "Warning live", "orange", 4, "Live until 5 January 2027", 0),
        ("awaiting", "Awaiting evidence", "yellow", 5, "Evidence due 9 February 2026", 1),
        ("outcomes", "Outcome to record", "blue", 6, "2 outcomes to record", 2),
        ("compliant", "Compliant", "green", 7, "", 0),
        ("no_order", "No active order", "grey", 8, "", 0),
        ("nothing", "No active order", "grey", 8, "", 0),
    ],
)
def test_caseload_status(caseload, name, label, colour, priority, detail, outcomes_due):
    statuses = caseload_compliance([p.pk for p in caseload.values()], TODAY, now=NOW)
    status = statuses[caseload[name].pk]
    assert (status.label, status.colour, status.priority) == (label, colour, priority)
    assert status.detail == detail
    assert status.outcomes_due == outcomes_due
    assert status.tag_class == ("govuk-tag" if colour == "blue" else f"govuk-tag govuk-tag--{colour}")


def test_caseload_warning_expires(caseload):
    warned = caseload["warned"].pk
    assert caseload_compliance([warned], d(1, 5, 2027), now=at(d(1, 5, 2027)))[warned].label == "Warning live"
    # A day later the warning has expired, leaving the absence still awaiting evidence.
    assert (
        caseload_compliance([warned], d(1, 6, 2027), now=at(d(1, 6, 2027)))[warned].label
        == "Awaiting evidence"
    )


def test_caseload_breach_required_clears_once_acted_on(caseload):
    person = caseload["breach_required"]
    failure = person.contacts.get(starts_at=at(d(2, 2)))
    enforce(failure, "ROM", d(2, 3))
    assert caseload_compliance([person.pk], TODAY, now=NOW)[person.pk].label == "Warning live"


def test_caseload_licence_failure_after_one_warning_is_not_yet_a_recall(alice):
    person = PersonFactory(practitioner=alice)
    licence = SentenceFactory(event__person=person, sentence_type=SentenceType.objects.get(code="LIC"))
    enforce(appointment(licence, d(1, 5), "UAAB"), "EA02", d(1, 6))
    appointment(licence, d(2, 2), "UAAB")
    # The second failure still needs a decision, but a licence's warning ladder is not used up: no recall yet.
    assert caseload_compliance([person.pk], TODAY, now=NOW)[person.pk].label == "Enforcement decision due"


def test_caseload_queries_do_not_grow_with_the_caseload(caseload, alice, django_assert_max_num_queries):
    ids = [p.pk for p in caseload.values()]
    with CaptureQueriesContext(connection) as small:
        caseload_compliance(ids[:2], TODAY, now=NOW)
    with CaptureQueriesContext(connection) as large:
        statuses = caseload_compliance(ids, TODAY, now=NOW)
    assert len(large) == len(small)
    assert len(statuses) == len(ids)
    with django_assert_max_num_queries(3):
        caseload_compliance(ids, TODAY, now=NOW)
    assert caseload_compliance([], TODAY) == {}


# --- the compliance page -------------------------------------------------------------------------------


def _page(client, person):
    response = client.get(reverse("supervision:compliance", args=[person.crn]))
    assert response.status_code == 200
    return parse(response.content.decode())


def test_compliance_page_shows_counts_warnings_breaches_and_engagement(alice_client, case, order, alice):
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    for days in (60, 53, 46):
        appointment(order, ago(days), "ATTC")
    appointment(order, ago(39), "AAME")
    first = appointment(order, ago(32), "UAAB")
    warning = enforce(first, "EA02", ago(31), response_due=ago(24))
    appointment(order, ago(25), "ATTC")
    breach(order, ago(200), ended_on=ago(150), status=Breach.Status.PROVEN_CONTINUE)
    appointment(order, ago(3), "AFTA", evidence_due=ago(1))

    page = _page(alice_client, case)
    counts = {td.attrs["data-count"]: int(td.text) for td in page.find_all("td") if "data-count" in td.attrs}
    assert counts["appointments"] == 7
    assert counts["complied"] == 4
    assert counts["acceptable_absences"] == 1
    assert counts["unacceptable_absences"] == 1
    assert counts["awaiting_evidence"] == 1
    assert page.find("dd", data_ftc="1")
    live = page.find("dd", data_live_warnings="").text
    assert f"First warning letter sent on {govuk_date(warning.decided_on)}" in live
    assert f"live until {govuk_date(end_of_months_beginning_with(warning.decided_on, 12))}" in live
    assert page.find("dd", data_prior_breaches="1")
    overdue = page.find("ul", data_overdue="").text
    assert f"evidence was due by {govuk_date(ago(1))}" in overdue
    engagement = page.find("div", data_engagement="").text
    assert "Attended 4 of the last 7 National Standards appointments." in engagement
    assert "Longest run: 3 complied appointments in a row." in engagement
    assert "1 complied appointment in a row up to now." in engagement
    assert not page.find_all(data_alert="breach-in-progress")


def test_compliance_page_alerts_breach_in_progress_and_breach_required(alice_client, case, order):
    today = timezone.localdate()
    first = appointment(order, today - datetime.timedelta(days=20), "UAAB")
    enforce(first, "EA02", today - datetime.timedelta(days=19))
    second = appointment(order, today - datetime.timedelta(days=5), "UAAB")
    page = _page(alice_client, case)
    alert = page.find(data_alert="breach-required")
    assert "Breach required" in alert.text
    assert alert.find("a").attrs["href"] == reverse("supervision:enforcement", args=[case.crn, second.pk])

    breach(order, today - datetime.timedelta(days=4), pack_due=today - datetime.timedelta(days=1))
    page = _page(alice_client, case)
    assert not page.find_all(data_alert="breach-required")
    assert "papers due at court by" in page.find(data_alert="breach-in-progress").text.lower()
    assert "(overdue)" in page.find(data_alert="breach-in-progress").text


def test_compliance_page_lists_active_orders_first(alice_client, case, order):
    order.terminated_on = d(1, 10)
    order.termination_reason = "Completed"
    order.save(update_fields=["terminated_on", "termination_reason"])
    current = SentenceFactory(
        event__person=case, event__number=2, sentence_date=d(1, 12), start_date=d(1, 12)
    )
    page = _page(alice_client, case)
    assert [int(s.attrs["data-order"]) for s in page.find_all("section")] == [current.pk, order.pk]
    headings = [h.text for h in page.find_all("h2", class_="govuk-heading-m")]
    assert headings == ["Current orders and licences", "Previous orders and licences"]


def test_compliance_page_queries_are_fixed(alice_client, case, order, django_assert_max_num_queries):
    url = reverse("supervision:compliance", args=[case.crn])
    alice_client.get(url)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url)
    for offset in range(30):
        visit = appointment(
            order, d(7, 1, 2025) + datetime.timedelta(days=offset), ["ATTC", "UAAB", "AFTA"][offset % 3]
        )
        if offset % 3 == 1:
            enforce(visit, "EA02", visit.starts_at.date())
    breach(order, d(9, 1, 2025), ended_on=d(9, 2, 2025), status=Breach.Status.WITHDRAWN)
    SentenceFactory(event__person=case, event__number=2)
    with CaptureQueriesContext(connection) as many:
        alice_client.get(url)
    assert len(many) == len(few)
    # Session, user, case and read audit, the eight of order_compliance (nine with a breach-required
    # candidate), and the session save.
    with django_assert_max_num_queries(16):
        alice_client.get(url)


def test_compliance_page_is_audited_and_a_missing_case_is_not_found(alice_client, case, alice):
    _page(alice_client, case)
    assert AccessEvent.objects.filter(user=alice, crn=case.crn, part="compliance").exists()
    assert alice_client.get(reverse("supervision:compliance", args=["Z999999"])).status_code == 404


def test_compliance_page_for_a_case_with_no_orders(alice_client, alice):
    person = PersonFactory(practitioner=alice)
    assert "There are no orders or licences on this case." in _page(alice_client, person).text
