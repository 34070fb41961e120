"""The protective-service sweep: alerts every dependent case at once, idempotent, crash-safe, fixed queries."""

import datetime
import itertools
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprobation.alerts.actions import close_alert
from openprobation.alerts.models import Alert
from openprobation.audit.models import AuditEvent
from openprobation.interventions import actions, sweeps
from openprobation.interventions.models import ContractStatus, EndReason, TransitionKind
from openprobation.interventions.tests.conftest import (
    STARTED,
    TODAY,
    deliver_session,
    deliver_to_sessions,
    make_referral,
)
from openprobation.interventions.tests.factories import ProviderMembershipFactory
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db


def protect(referral, by, per_week=2, today=STARTED):
    actions.set_protective(referral, by=by, protective=True, risk_factor="isolation", sessions_per_week=per_week,
                           reason="He is isolated; the mentor supervises his internet use.",
                           expected_version=referral.version, today=today)
    return referral


def dispute(contract, by, on=TODAY):
    actions.change_contract_status(contract, by=by, status=ContractStatus.IN_DISPUTE, effective_on=on,
                                   reason="Payment dispute with the commissioner", expected_version=contract.version)


def open_alerts():
    return list(Alert.objects.filter(reason="protective_service_at_risk", closed_at__isnull=True).order_by("pk"))


CRNS = itertools.count(300000)


def more_cases(contract, practitioner, pat, count, *, protective=True):
    from openprobation.people.tests.factories import AddressFactory, PersonFactory

    referrals = []
    for _ in range(count):
        person = PersonFactory(crn=f"X{next(CRNS)}", practitioner=practitioner, date_of_birth=datetime.date(1985, 1, 1))
        AddressFactory(person=person, start_date=datetime.date(2025, 1, 1))
        referral = deliver_to_sessions(make_referral(person, contract, practitioner), practitioner=practitioner,
                                       provider_user=pat)
        if protective:
            protect(referral, practitioner)
        deliver_session(referral, pat, TODAY - datetime.timedelta(days=2))
        referrals.append(referral)
    return referrals


@pytest.fixture
def protected(live_referral, alice, pat):
    protect(live_referral, alice)
    deliver_session(live_referral, pat, TODAY - datetime.timedelta(days=2))
    return live_referral


def test_a_contract_in_dispute_alerts_every_dependent_case_at_once(protected, contract, alice, bob, pat, sam):
    others = more_cases(contract, bob, pat, 2)
    unprotected = more_cases(contract, bob, pat, 1, protective=False)
    assert sweeps.sweep_protective_services(TODAY).get("raised", 0) == 0
    dispute(contract, sam)
    counts = sweeps.sweep_protective_services(TODAY)
    assert counts["raised"] == 3
    alerted = {alert.person_id: alert for alert in open_alerts()}
    assert set(alerted) == {protected.person_id, *(r.person_id for r in others)}
    assert unprotected[0].person_id not in alerted
    alert = alerted[protected.person_id]
    assert alert.owner == alice
    assert alert.title == "Protective mentoring at risk: Mentoring for people on licence (Hope Mentoring)"
    assert "The contract NWR-MTR-001" in alert.summary
    assert "has been in dispute since" in alert.summary
    last = TODAY - datetime.timedelta(days=2)
    assert f"Last session: {last.day} {last:%B %Y}." in alert.summary
    assert alert.evidence["contract_status"] == "In dispute"
    assert alert.evidence["last_session"] == last.isoformat()


def test_running_twice_changes_nothing(protected, contract, sam):
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    before = [(a.pk, a.updated_at, a.summary) for a in open_alerts()]
    audit = AuditEvent.objects.count()
    counts = sweeps.sweep_protective_services(TODAY)
    assert counts.get("raised", 0) == counts.get("refreshed", 0) == 0
    assert counts["unchanged"] == 1
    assert [(a.pk, a.updated_at, a.summary) for a in open_alerts()] == before
    assert AuditEvent.objects.count() == audit


def test_a_crash_halfway_is_completed_by_the_next_run(protected, contract, bob, pat, sam, monkeypatch):
    more_cases(contract, bob, pat, 3)
    dispute(contract, sam)
    real = sweeps.sync_alerts
    calls = []

    def crash_on_third_batch(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(sweeps, "sync_alerts", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        sweeps.sweep_protective_services(TODAY, batch_size=1)
    assert len(open_alerts()) == 2
    monkeypatch.setattr(sweeps, "sync_alerts", real)
    counts = sweeps.sweep_protective_services(TODAY, batch_size=1)
    assert (counts["raised"], counts["unchanged"]) == (2, 2)
    assert len(open_alerts()) == 4
    assert len({(a.person_id, a.subject_key) for a in open_alerts()}) == 4


def test_queries_per_batch_do_not_grow_with_the_cases(protected, contract, bob, pat):
    lapsed = TODAY + datetime.timedelta(days=10)  # every service has gone 12 days without a session
    assert sweeps.sweep_protective_services(lapsed)["raised"] == 1
    with CaptureQueriesContext(connection) as one:
        sweeps.sweep_protective_services(lapsed)
    more_cases(contract, bob, pat, 6)
    assert sweeps.sweep_protective_services(lapsed)["raised"] == 6
    with CaptureQueriesContext(connection) as seven:
        counts = sweeps.sweep_protective_services(lapsed)
    assert counts["examined"] == 7
    assert counts["unchanged"] == 7
    assert len(seven.captured_queries) == len(one.captured_queries) <= 16


def test_sessions_stopping_refreshes_the_same_alert(protected, contract, sam):
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    later = TODAY + datetime.timedelta(days=10)
    counts = sweeps.sweep_protective_services(later)
    assert counts["refreshed"] == 1
    [again] = open_alerts()
    assert again.pk == alert.pk
    assert [r["code"] for r in again.evidence["reasons"]] == ["contract_in_dispute", "no_recent_session"]


def test_a_decision_answers_the_problem_until_something_new_goes_wrong(protected, contract, alice, sam):
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    close_alert(alert, by=alice, decision="accepted", rationale="Mentor continues unpaid during the dispute.")
    assert sweeps.sweep_protective_services(TODAY)["suppressed"] == 1
    assert open_alerts() == []
    counts = sweeps.sweep_protective_services(TODAY + datetime.timedelta(days=10))  # and now sessions stopped
    assert counts["raised"] == 1
    [fresh] = open_alerts()
    assert fresh.pk != alert.pk


def test_closing_puts_the_decision_on_the_timeline(protected, contract, alice, sam):
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    close_alert(open_alerts()[0], by=alice, decision="risk_reassessed", rationale="Risk plan reviewed with MAPPA.")
    entry = Contact.objects.get(person=protected.person, contact_type__code="ALRTCL")
    assert entry.description.startswith("Alert closed: Protective mentoring at risk")
    assert entry.description.endswith("Decision: Risk reassessed")
    assert "Risk plan reviewed with MAPPA." in entry.notes.get().text


def test_an_alert_whose_cause_went_away_is_marked_not_closed(protected, contract, sam):
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    actions.change_contract_status(contract, by=sam, status=ContractStatus.ACTIVE, effective_on=TODAY,
                                   reason="Dispute settled", expected_version=contract.version)
    assert sweeps.sweep_protective_services(TODAY)["cleared"] == 1
    [alert] = open_alerts()
    assert alert.evidence["cleared_on"] == TODAY.isoformat()
    assert "no longer finds this problem" in alert.next_step
    assert sweeps.sweep_protective_services(TODAY).get("cleared", 0) == 0


def test_leaving_approved_premises_escalates_to_the_manager(protected, contract, alice, mandy, sam):
    actions.record_transition(protected.person, by=alice, kind=TransitionKind.APPROVED_PREMISES,
                              on=TODAY + datetime.timedelta(days=10), description="Moving to his sister's flat")
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    assert alert.escalated_to == mandy
    assert alert.severity == "critical"
    assert alert.escalation_reason.startswith("Leaving approved premises (Moving to his sister's flat) on")


def test_withdrawn_without_replacement_until_one_is_recorded(protected, contract, licence_case, alice, pat):
    actions.withdraw_referral(protected, by=alice, end_reason=EndReason.objects.get(code="PRV"),
                              comments="Provider withdrew the mentor.", expected_version=protected.version)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    assert "was ended on" in alert.summary
    assert "nothing has replaced it" in alert.summary
    replacement = make_referral(licence_case, contract, alice, sent_on=TODAY)
    actions.send_referral(replacement, by=alice, expected_version=replacement.version, today=TODAY)
    actions.record_replacement(protected, by=alice, replacement=replacement, rationale="New mentor from Monday.")
    alert.refresh_from_db()
    assert alert.decision == "replacement_arranged"
    replacement.refresh_from_db()
    assert replacement.protective
    assert replacement.sessions_per_week == protected.sessions_per_week
    counts = sweeps.sweep_protective_services(TODAY)
    assert open_alerts() == []
    assert counts.get("raised", 0) == 0


def test_a_caseworker_leaving_alerts_until_someone_takes_over(protected, pat, pat_provider, sam):
    from openprobation.staff.tests.factories import UserFactory

    actions.record_caseworker_left(pat.provider_membership, by=sam, left_on=TODAY)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    assert "left Hope Mentoring" in alert.summary
    newcomer = UserFactory(username="nia", role="provider", team=None)
    ProviderMembershipFactory(user=newcomer, provider=pat_provider)
    actions.assign_referral(protected, by=newcomer, caseworker=newcomer, reason="Pat left")
    assert sweeps.sweep_protective_services(TODAY)["cleared"] == 1


def test_a_scoped_sweep_looks_only_at_its_scope(protected, contract, bob, pat, sam):
    [other] = more_cases(contract, bob, pat, 1)
    dispute(contract, sam)
    counts = sweeps.sweep_protective_services(TODAY, referral_ids=[other.pk])
    assert counts["examined"] == 1
    assert [a.person_id for a in open_alerts()] == [other.person_id]


def test_the_change_itself_runs_the_sweep_once_committed(protected, contract, sam,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dispute(contract, sam)
    assert len(callbacks) == 1
    assert len(open_alerts()) == 1


def test_overdue_alerts_escalate_to_the_manager(protected, contract, sam, mandy):
    from openprobation.alerts.actions import escalate_overdue_alerts

    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    assert alert.escalated_to is None
    counts = escalate_overdue_alerts(alert.due + datetime.timedelta(days=1))
    assert counts["escalated"] == 1
    alert.refresh_from_db()
    assert alert.escalated_to == mandy
    assert alert.escalation_reason.startswith("Not answered by its due date")
    assert escalate_overdue_alerts(alert.due + datetime.timedelta(days=2))["escalated"] == 0


def test_an_unallocated_case_alerts_its_team_manager(protected, contract, sam, mandy, caplog):
    from openprobation.people.models import Person

    Person.objects.filter(pk=protected.person_id).update(practitioner=None, allocated_on=None)
    dispute(contract, sam)
    sweeps.sweep_protective_services(TODAY)
    [alert] = open_alerts()
    assert alert.owner == mandy
    assert alert.escalated_to is None
    Person.objects.filter(pk=protected.person_id).update(team=None)
    alert.delete()
    with caplog.at_level(logging.WARNING):
        assert sweeps.sweep_protective_services(TODAY)["no_owner"] == 1
    assert "has nobody to alert" in caplog.text
