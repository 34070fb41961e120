"""The issue's scenario, end to end, through the pages (and the actions behind them).

A high-risk person on licence has a protective mentoring service twice a week. The mentoring contract is put
"in dispute": within one sweep the practitioner and manager each see an alert naming the service, the
contract, the last session and the reason; the person is due to leave approved premises in 10 days, so it is
escalated. Sessions stop: a second alert does not duplicate the first. The practitioner records a
replacement: the alert closes with the decision on the timeline.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from openprobation.alerts.models import Alert
from openprobation.core.calendar import format_date
from openprobation.interventions.models import Referral, ReferralStatus, Session
from openprobation.interventions.tests.conftest import TODAY
from openprobation.interventions.tests.factories import ContractFactory, ProviderFactory
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"interventions:{name}", args=args)


def date_fields(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_a_mentor_must_never_silently_stop(client, live_referral, contract, alice, mandy, pat, sam,
                                           django_capture_on_commit_callbacks):
    crn, referral = live_referral.person.crn, live_referral
    referral.risk_information = "Very high risk of serious harm to the public; terrorism offences."
    referral.save(update_fields=["risk_information"])

    # The practitioner marks the mentoring as protective: twice a week, it manages his isolation.
    client.force_login(alice)
    client.post(url("protective", crn, referral.pk), {
        "version": referral.version, "protective": "yes", "risk_factor": "isolation", "sessions_per_week": "2",
        "reason": "The mentor is his only regular contact and supervises his internet use."})
    referral.refresh_from_db()
    assert referral.protective

    # The mentor has met him twice a week; the last session was two days ago.
    client.force_login(pat)
    session_days = [TODAY - datetime.timedelta(days=n) for n in (9, 6, 5, 2)]
    for day in session_days:
        client.post(url("provider-add-session", referral.pk), {
            **date_fields("date", day), "start_time": "10:00", "end_time": "11:00", "delivery": "in_person",
            "place": "Northwold library"})
        session = Session.objects.filter(referral=referral).order_by("-number").first()
        client.post(url("provider-feedback", referral.pk, session.pk), {
            "happened": "yes", "attended": "yes", "summary": "Job search and supervised internet use."})
    last_session = format_date(session_days[-1])
    assert Session.objects.filter(referral=referral, happened=True).count() == 4

    # He is due to leave approved premises in 10 days.
    client.force_login(alice)
    client.post(url("add-transition", crn), {"kind": "ap_departure", **date_fields("on", TODAY +
                                                                                       datetime.timedelta(days=10)),
                                             "description": "Moving to a flat in Harbridge"})
    assert Alert.objects.count() == 0

    # The mentoring contract is put "in dispute"; the change runs the sweep as soon as it is saved.
    client.force_login(sam)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("contract-status", contract.pk), {
            "version": contract.version, "status": "in_dispute", **date_fields("effective_on", TODAY),
            "reason": "Contract dispute between the provider and the commissioning department"})
    [alert] = Alert.objects.filter(person=referral.person, reason="protective_service_at_risk", closed_at__isnull=True)

    # The practitioner and the manager each see it, naming the service, the contract, the last session, the reason.
    for user in (alice, mandy):
        client.force_login(user)
        listed = client.get(reverse("alerts:mine")).content.decode()
        assert reverse("alerts:detail", args=[alert.pk]) in listed
        page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
        assert "Mentoring for people on licence" in page
        assert "NWR-MTR-001" in page
        assert f"Last session: {last_session}" in page
        assert "has been in dispute since" in page
    # ... and it is escalated, because he leaves approved premises in 10 days.
    assert alert.owner == alice
    assert alert.escalated_to == mandy
    assert alert.severity == "critical"
    assert "Leaving approved premises (Moving to a flat in Harbridge)" in alert.escalation_reason
    assert "in 10 days" in alert.escalation_reason
    assert "Escalated to you" in client.get(reverse("alerts:mine")).content.decode()

    # Sessions stop. A week on, the daily sweep finds the lapse too, but does not duplicate the alert.
    call_command("run_sweeps", "--today", (TODAY + datetime.timedelta(days=7)).isoformat(), stdout=StringIO())
    open_alerts = Alert.objects.filter(person=referral.person, reason="protective_service_at_risk",
                                       closed_at__isnull=True)
    assert open_alerts.count() == 1
    [same] = open_alerts
    assert same.pk == alert.pk
    assert [r["code"] for r in same.evidence["reasons"]] == ["contract_in_dispute", "no_recent_session"]
    assert f"No session with Hope Mentoring since {last_session}" in same.summary

    # The practitioner arranges another mentor and records the replacement.
    other = ContractFactory(reference="NWR-MTR-002", name="Community mentoring",
                            provider=ProviderFactory(code="BRIDGE", name="Bridge Mentors"))
    client.force_login(alice)
    assert url("refer", crn, other.pk) in client.get(url("choose-service", crn) + f"?replaces={referral.pk}"
                                                      ).content.decode()
    outcome = other.desired_outcomes.order_by("code").first()
    client.post(url("refer", crn, other.pk) + f"?replaces={referral.pk}", {
        "complexity": "high", "desired_outcomes": [outcome.pk], "reason": "Replacement mentor while NWR-MTR-001 "
        "is in dispute.", "counts_towards": str(referral.sentence_id),
        **date_fields("completion_deadline", TODAY + datetime.timedelta(days=180)), "protective": "no"})
    replacement = Referral.objects.get(contract=other)
    client.post(url("send", crn, replacement.pk), {"version": replacement.version})
    replacement.refresh_from_db()
    assert replacement.status == ReferralStatus.SENT
    response = client.post(url("replacement", crn, referral.pk), {
        "replacement": replacement.pk, "rationale": "Bridge Mentors start on Monday; the police neighbourhood "
                                                    "team visits twice this week."})
    assert response.status_code == 302

    # The alert closes with the decision, and the decision is on the timeline.
    alert.refresh_from_db()
    assert not alert.is_open
    assert alert.decision == "replacement_arranged"
    assert alert.closed_by == alice
    closed = Contact.objects.get(person=referral.person, contact_type__code="ALRTCL")
    assert closed.description.startswith("Alert closed: Protective mentoring at risk")
    assert closed.description.endswith("Decision: Replacement arranged")
    log = client.get(reverse("supervision:activity-log", args=[crn])).content.decode()
    assert "Alert closed: Protective mentoring at risk" in log
    assert "Bridge Mentors start on Monday" in log
    replacement.refresh_from_db()
    assert replacement.protective  # the protection passed to the new mentor, who is now watched
    assert replacement.sessions_per_week == 2

    # The next sweeps raise nothing more about the old service.
    call_command("run_sweeps", "--today", (TODAY + datetime.timedelta(days=8)).isoformat(), stdout=StringIO())
    assert not Alert.objects.filter(person=referral.person, subject_key=f"referral:{referral.pk}",
                                    closed_at__isnull=True).exists()
