"""Sessions are appointments on the case's timeline; enforceable ones pass through the enforcement rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.interventions import actions
from openprobation.interventions.models import Attendance, NoSessionReason, Session
from openprobation.interventions.tests.conftest import (
    STARTED,
    at,
    deliver_session,
    deliver_to_sessions,
    make_referral,
)
from openprobation.supervision import actions as supervision
from openprobation.supervision.enforcement import decide_for_contact
from openprobation.supervision.rules import EnforcementStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforceable(licence_case, contract, alice, pat):
    referral = make_referral(licence_case, contract, alice, sentence=licence_case.sentences.get(), enforceable=True,
                             enforceable_days=12)
    return deliver_to_sessions(referral, practitioner=alice, provider_user=pat)


@pytest.mark.parametrize(("happened", "attended", "why", "code"), [
    (True, "yes", "", "ATTC"),
    (True, "late", "", "ATTC"),
    (False, "no", "person_acceptable", "AFTA"),
    (False, "no", "person_unacceptable", "AFTA"),
    (False, "no", "logistics", "CO05"),
    (False, "yes", "person_unacceptable", "ATSH"),
    (False, "late", "logistics", "ATSS"),
])
def test_provider_feedback_becomes_an_appointment_outcome(happened, attended, why, code):
    assert actions.enforceable_outcome_code(happened=happened, attended=attended, no_session_reason=why) == code


def test_an_enforceable_session_is_an_appointment_with_an_outcome(enforceable, pat):
    session = deliver_session(enforceable, pat, STARTED + datetime.timedelta(days=8), attended="late")
    contact = session.contact
    assert contact.contact_type.code == "CRSAPT"
    assert contact.contact_type.national_standards
    assert contact.sentence == enforceable.sentence
    assert contact.outcome.code == "ATTC"
    assert contact.outcome_recorded_by == pat
    assert "Did they attend? Yes, they were late" in contact.notes.get().text
    assert session.delivered_on == timezone.localdate(contact.starts_at)


def test_a_missed_enforceable_session_goes_to_the_practitioner_under_the_same_rules(enforceable, pat, alice):
    session = deliver_session(enforceable, pat, STARTED + datetime.timedelta(days=8), happened=False, attended="no",
                              no_session_reason=NoSessionReason.PERSON_UNACCEPTABLE)
    contact = session.contact
    assert contact.outcome.code == "AFTA"  # awaiting evidence: the practitioner decides, not the provider
    assert contact.evidence_due is not None
    assert session.delivered_on is None
    decision = supervision.record_outcome(contact, "UAAB", by=alice, expected_version=contact.version)
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH
    assert decide_for_contact(contact, today=timezone.localdate()).status == decision.status


def test_a_session_that_is_not_enforceable_carries_no_outcome(live_referral, pat):
    session = deliver_session(live_referral, pat, STARTED + datetime.timedelta(days=8), happened=False,
                              attended="no", no_session_reason=NoSessionReason.PERSON_ACCEPTABLE)
    contact = session.contact
    assert contact.contact_type.code == "CRSSES"
    assert contact.outcome is None
    assert contact.description.endswith("session 1 with Hope Mentoring: did not happen")
    assert "The person could not take part, for an acceptable reason" in contact.notes.get().text


def test_notify_the_practitioner_raises_an_alert_with_the_concern(live_referral, pat, alice):
    session = deliver_session(live_referral, pat, STARTED + datetime.timedelta(days=8),
                              behaviour="Angry about his licence conditions, then quickly calm.",
                              concerns="Said he wants nothing to do with probation.", notify_practitioner=True)
    alert = Alert.objects.get(reason="provider_concern")
    assert alert.owner == alice
    assert alert.subject_key == f"session:{session.pk}"
    assert "Angry about his licence conditions" in alert.summary
    assert alert.title.startswith("Hope Mentoring asks you to look at session 1")


def test_notify_needs_something_to_tell(live_referral, pat):
    session = actions.schedule_session(live_referral, by=pat, starts_at=at(STARTED + datetime.timedelta(days=8)),
                                       duration=datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        actions.record_session_feedback(session, by=pat, happened=True, attended=Attendance.NO,
                                        notify_practitioner=True)
    assert set(refused.value.message_dict) == {"attended", "concerns"}


def test_feedback_waits_for_the_session_and_is_recorded_once(live_referral, pat):
    future = actions.schedule_session(live_referral, by=pat, starts_at=timezone.now() + datetime.timedelta(days=2),
                                      duration=datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="once the session's time has passed"):
        actions.record_session_feedback(future, by=pat, happened=True, attended="yes")
    done = deliver_session(live_referral, pat, STARTED + datetime.timedelta(days=8))
    with pytest.raises(ValidationError, match="already been recorded"):
        actions.record_session_feedback(done, by=pat, happened=True, attended="yes")


def test_sessions_wait_for_an_approved_plan(licence_case, contract, alice, pat):
    referral = make_referral(licence_case, contract, alice)
    actions.send_referral(referral, by=alice, expected_version=referral.version, today=STARTED)
    with pytest.raises(ValidationError, match="approved the action plan"):
        actions.schedule_session(referral, by=pat, starts_at=at(STARTED), duration=datetime.timedelta(hours=1))


def test_the_end_of_service_report_falls_due_after_the_planned_sessions(licence_case, contract, alice, pat):
    from openprobation.interventions import rules

    referral = deliver_to_sessions(make_referral(licence_case, contract, alice), practitioner=alice,
                                   provider_user=pat, sessions=2)
    deliver_session(referral, pat, STARTED + datetime.timedelta(days=8))
    referral.refresh_from_db()
    assert referral.end_of_service_report_due is None
    last = STARTED + datetime.timedelta(days=10)
    deliver_session(referral, pat, last)
    referral.refresh_from_db()
    assert referral.end_of_service_report_due == rules.end_of_service_report_due(last)


def test_the_database_refuses_feedback_without_its_author(live_referral, pat):
    session = deliver_session(live_referral, pat, STARTED + datetime.timedelta(days=8))
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(feedback_by=None)
