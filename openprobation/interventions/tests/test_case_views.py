"""The practitioner's services pages: through the case, with GOV.UK errors, fixed queries, and no way in for others."""

import datetime

import pytest
from django.urls import reverse

from openprobation.interventions.models import DesiredOutcome, Referral, ReferralStatus, Transition
from openprobation.interventions.tests.conftest import TODAY, deliver_session, make_referral
from openprobation.interventions.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"interventions:{name}", args=args)


def test_the_services_tab_shows_who_since_when_and_how_often(alice_client, live_referral, pat,
                                                             django_assert_max_num_queries):
    deliver_session(live_referral, pat, TODAY - datetime.timedelta(days=3))
    deliver_session(live_referral, pat, TODAY - datetime.timedelta(days=1), attended="late")
    with django_assert_max_num_queries(22):
        page = alice_client.get(url("case-services", "X200001"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mentoring for people on licence" in html
    assert "Pat Provider, Hope Mentoring" in html
    assert "10 sessions planned" in html
    assert "0.5 a week (2 in the last 4 weeks)" in html
    assert ">Services<" in html  # the case tab


def test_choosing_a_service_explains_why_one_is_not_available(alice_client, licence_case, contract, pat_provider):
    ContractFactory(reference="NWR-WOS-001", name="Women's centre", provider=pat_provider, allows_male=False)
    page = alice_client.get(url("choose-service", "X200001"))
    html = page.content.decode()
    assert url("refer", "X200001", contract.pk) in html
    assert "The service is for women only" in html


def test_a_referral_is_drafted_with_its_protection_then_sent(alice_client, licence_case, contract):
    refused = alice_client.post(url("refer", "X200001", contract.pk), {"protective": "yes"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "govuk-error-summary" in html
    assert "Select the complexity level" in html
    assert "Select the risk factor the service manages" in html
    deadline = TODAY + datetime.timedelta(days=120)
    outcome = DesiredOutcome.objects.get(code="MTR01")
    response = alice_client.post(url("refer", "X200001", contract.pk), {
        "complexity": "high", "desired_outcomes": [outcome.pk], "reason": "Isolated since release.",
        "counts_towards": str(licence_case.sentences.get().pk), "completion_deadline_day": deadline.day,
        "completion_deadline_month": deadline.month, "completion_deadline_year": deadline.year,
        "protective": "yes", "risk_factor": "isolation", "sessions_per_week": "2",
    })
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == url("referral", "X200001", referral.pk)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.protective
    assert referral.sessions_per_week == 2
    alice_client.post(url("send", "X200001", referral.pk), {"version": referral.version})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_referral_page_shows_its_lifecycle(alice_client, live_referral):
    page = alice_client.get(url("referral", "X200001", live_referral.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Initial assessment" in html
    assert "Done on" in html
    assert "Action plan approved" in html  # the history
    assert "Mark as protective" in html


def test_changing_a_sent_referral_needs_a_reason(alice_client, live_referral):
    form = alice_client.get(url("amend", "X200001", live_referral.pk))
    assert form.status_code == 200
    outcomes = [o.outcome_id for o in live_referral.outcomes.all()]
    data = {"version": live_referral.version, "complexity": "medium", "desired_outcomes": outcomes,
            "completion_deadline_day": live_referral.completion_deadline.day,
            "completion_deadline_month": live_referral.completion_deadline.month,
            "completion_deadline_year": live_referral.completion_deadline.year, "reason": live_referral.reason}
    refused = alice_client.post(url("amend", "X200001", live_referral.pk), data)
    assert "Enter why you are making this change" in refused.content.decode()
    done = alice_client.post(url("amend", "X200001", live_referral.pk), {**data, "reason_for_change": "Settled"})
    assert done.status_code == 302
    live_referral.refresh_from_db()
    assert live_referral.complexity == "medium"


def test_a_stale_change_is_refused_on_the_page(alice_client, live_referral):
    data = {"version": live_referral.version - 1, "protective": "yes", "risk_factor": "isolation",
            "sessions_per_week": "2", "reason": "Isolated"}
    page = alice_client.post(url("protective", "X200001", live_referral.pk), data)
    assert "Someone else changed this referral" in page.content.decode()
    assert not Referral.objects.get(pk=live_referral.pk).protective


def test_ending_a_referral_needs_a_coded_reason(alice_client, live_referral):
    refused = alice_client.post(url("withdraw", "X200001", live_referral.pk), {"version": live_referral.version})
    html = refused.content.decode()
    assert "Select why the referral is ending" in html
    assert "Explain what happened" in html
    from openprobation.interventions.models import EndReason

    alice_client.post(url("withdraw", "X200001", live_referral.pk), {
        "version": live_referral.version, "end_reason": EndReason.objects.get(code="NOT").pk,
        "comments": "Stopped engaging."})
    live_referral.refresh_from_db()
    assert live_referral.status == ReferralStatus.ENDED_EARLY


def test_recording_a_transition(alice_client, licence_case):
    refused = alice_client.post(url("add-transition", "X200001"), {"kind": "ap_departure"})
    assert "govuk-error-summary" in refused.content.decode()
    on = TODAY + datetime.timedelta(days=10)
    alice_client.post(url("add-transition", "X200001"), {"kind": "ap_departure", "on_day": on.day,
                                                         "on_month": on.month, "on_year": on.year})
    transition = Transition.objects.get()
    assert "Leaving approved premises" in alice_client.get(url("case-services", "X200001")).content.decode()
    alice_client.post(url("withdraw-transition", "X200001", transition.pk), {"reason": "Plans changed"})
    transition.refresh_from_db()
    assert transition.withdrawn_reason == "Plans changed"


def test_a_referral_of_another_case_looks_missing(alice_client, live_referral, case):
    assert alice_client.get(url("referral", case.crn, live_referral.pk)).status_code == 404


@pytest.mark.parametrize("name", ["pat", "ian"])
def test_providers_and_inspectors_do_not_reach_the_case(client, request, live_referral, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(url("case-services", "X200001")).status_code == 404
    assert client.get(url("referral", "X200001", live_referral.pk)).status_code == 404


def test_only_practitioners_and_managers_mark_a_service_protective(client, ada, live_referral):
    client.force_login(ada)
    assert client.get(url("protective", "X200001", live_referral.pk)).status_code == 403


def test_draft_referrals_are_listed_apart(alice_client, licence_case, contract, alice):
    make_referral(licence_case, contract, alice)
    assert "(not sent)" in alice_client.get(url("case-services", "X200001")).content.decode()
