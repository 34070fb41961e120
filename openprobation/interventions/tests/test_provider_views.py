"""The provider's pages: only their own organisation's referrals, every read audited, every step a form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.interventions import actions
from openprobation.interventions.models import ReferralStatus, Session
from openprobation.interventions.tests.conftest import STARTED, TODAY, make_referral
from openprobation.interventions.tests.factories import (
    ContractFactory,
    ProviderFactory,
    ProviderMembershipFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"interventions:{name}", args=args)


@pytest.fixture
def pat_client(client, pat, pat_provider):
    client.force_login(pat)
    return client


@pytest.fixture
def sent(licence_case, contract, alice):
    referral = make_referral(licence_case, contract, alice)
    actions.send_referral(referral, by=alice, expected_version=referral.version, today=STARTED)
    return referral


def test_the_provider_sees_only_its_own_referrals(pat_client, sent, licence_case, alice,
                                                  django_assert_max_num_queries):
    elsewhere = ContractFactory(reference="NWR-MTR-900", provider=ProviderFactory(code="OTHER", name="Other Org"))
    theirs = make_referral(licence_case, elsewhere, alice)
    actions.send_referral(theirs, by=alice, expected_version=theirs.version, today=STARTED)
    with django_assert_max_num_queries(12):
        page = pat_client.get(url("provider-home"))
    html = page.content.decode()
    assert sent.reference in html
    assert theirs.reference not in html
    assert "Initial assessment due" in html
    assert pat_client.get(url("provider-referral", theirs.pk)).status_code == 404


def test_a_draft_never_reaches_the_provider(pat_client, licence_case, contract, alice):
    draft = make_referral(licence_case, contract, alice)
    assert pat_client.get(url("provider-referral", draft.pk)).status_code == 404


def test_reading_a_referral_is_audited(pat_client, pat, sent):
    page = pat_client.get(url("provider-referral", sent.pk))
    assert page.status_code == 200
    assert "Ryan Licence" in page.content.decode()
    assert AccessEvent.objects.filter(user=pat, crn="X200001", part="provider-referral").count() == 1


def test_the_provider_takes_the_referral_from_assignment_to_sessions(pat_client, pat, alice, sent):
    assert pat_client.post(url("provider-assign", sent.pk), {}).status_code == 200  # no caseworker chosen
    pat_client.post(url("provider-assign", sent.pk), {"caseworker": pat.pk})
    refused = pat_client.post(url("provider-assessment", sent.pk), {"notes": "x"})
    assert "Enter date of the initial assessment" in refused.content.decode()
    day = STARTED + datetime.timedelta(days=1)
    pat_client.post(url("provider-assessment", sent.pk), {"on_day": day.day, "on_month": day.month,
                                                          "on_year": day.year, "notes": "Keen."})
    pat_client.post(url("provider-action-plan", sent.pk), {"activities": "Mentoring", "number_of_sessions": "6"})
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.PLAN_SUBMITTED
    actions.approve_action_plan(sent.action_plans.get(), by=alice)
    when = TODAY - datetime.timedelta(days=1)
    pat_client.post(url("provider-add-session", sent.pk), {
        "date_day": when.day, "date_month": when.month, "date_year": when.year, "start_time": "10:00",
        "end_time": "11:00", "delivery": "in_person", "place": "Northwold library"})
    session = Session.objects.get()
    assert timezone.localtime(session.contact.starts_at).hour == 10
    refused = pat_client.post(url("provider-feedback", sent.pk, session.pk), {"happened": "no", "attended": "no"})
    assert "Select why the session did not happen" in refused.content.decode()
    pat_client.post(url("provider-feedback", sent.pk, session.pk), {
        "happened": "yes", "attended": "late", "summary": "Job search at the library.",
        "concerns": "Talked about old associates.", "notify_practitioner": "on"})
    session.refresh_from_db()
    assert session.delivered_on == when
    assert session.contact.person.alerts.get().reason == "provider_concern"


def test_a_caseworker_at_another_provider_cannot_act(client, sent):
    from openprobation.staff.tests.factories import UserFactory

    stranger = UserFactory(username="stan", role="provider", team=None)
    ProviderMembershipFactory(user=stranger, provider=ProviderFactory(code="FAR"))
    client.force_login(stranger)
    assert client.get(url("provider-assign", sent.pk)).status_code == 404


def test_probation_staff_are_not_providers(alice_client, sent):
    assert alice_client.get(url("provider-home")).status_code == 403


def test_recording_that_a_caseworker_left(pat_client, pat, pat_provider):
    from openprobation.staff.tests.factories import UserFactory

    leaver = UserFactory(username="lee", role="provider", team=None, first_name="Lee", last_name="Leaving")
    membership = ProviderMembershipFactory(user=leaver, provider=pat_provider, is_manager=False)
    assert "Lee Leaving" in pat_client.get(url("provider-team")).content.decode()
    refused = pat_client.post(url("provider-leaver", membership.pk), {})
    assert "govuk-error-summary" in refused.content.decode()
    pat_client.post(url("provider-leaver", membership.pk), {"left_on_day": TODAY.day, "left_on_month": TODAY.month,
                                                            "left_on_year": TODAY.year})
    membership.refresh_from_db()
    assert membership.left_on == TODAY


def test_the_end_of_service_report_form_rates_each_outcome(pat_client, pat, live_referral):
    refused = pat_client.post(url("provider-end-of-service-report", live_referral.pk), {})
    assert refused.content.decode().count("Select how far this was achieved") >= 2
    data = {f"outcome_{o.pk}": "achieved" for o in live_referral.outcomes.all()}
    pat_client.post(url("provider-end-of-service-report", live_referral.pk), data)
    live_referral.refresh_from_db()
    assert live_referral.status == ReferralStatus.COMPLETED


def test_contracts_are_changed_only_by_contract_managers(client, alice, sam, contract):
    client.force_login(alice)
    assert client.get(url("contracts")).status_code == 200
    assert client.get(url("contract-status", contract.pk)).status_code == 403
    client.force_login(sam)
    refused = client.post(url("contract-status", contract.pk), {"version": contract.version, "status": "suspended"})
    assert "Enter the reason for the change" in refused.content.decode()
    client.post(url("contract-status", contract.pk), {
        "version": contract.version, "status": "suspended", "effective_on_day": TODAY.day,
        "effective_on_month": TODAY.month, "effective_on_year": TODAY.year, "reason": "Provider in administration"})
    contract.refresh_from_db()
    assert contract.status == "suspended"
    detail = client.get(url("contract", contract.pk)).content.decode()
    assert "Provider in administration" in detail
    assert "This contract is suspended" in detail


def test_adding_a_contract(client, sam, pat_provider):
    from openprobation.interventions.models import Contract, DesiredOutcome, ServiceCategory
    from openprobation.staff.tests.factories import RegionFactory

    region = RegionFactory(code="NWR", name="Northwold Region")
    client.force_login(sam)
    refused = client.post(url("add-contract"), {"reference": "X"})
    assert "govuk-error-summary" in refused.content.decode()
    outcome = DesiredOutcome.objects.get(code="ACC01")
    response = client.post(url("add-contract"), {
        "reference": "nwr-acc-001", "name": "Housing support", "provider": pat_provider.pk,
        "category": ServiceCategory.objects.get(code="ACC").pk, "region": region.pk,
        "desired_outcomes": [outcome.pk], "complexity_levels": ["low", "medium"], "min_age": "18",
        "allows_male": "on", "allows_female": "on", "start_date_day": "1", "start_date_month": "4",
        "start_date_year": "2026", "end_date_day": "31", "end_date_month": "3", "end_date_year": "2029"})
    contract = Contract.objects.get(reference="NWR-ACC-001")
    assert response.status_code == 302
    assert contract.status_changes.get().reason == "Contract created"


def test_a_provider_user_sees_only_its_own_contracts(pat_client, contract):
    other = ContractFactory(reference="NWR-MTR-777", provider=ProviderFactory(code="ANOTHER", name="Another Org"))
    html = pat_client.get(url("contracts")).content.decode()
    assert contract.reference in html
    assert other.reference not in html
