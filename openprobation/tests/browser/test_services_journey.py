"""A protective mentoring service is at risk: sign in → needs your attention → the alert → record a replacement
→ the decision is on the activity log."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprobation.interventions import actions
from openprobation.interventions.models import ContractStatus
from openprobation.interventions.sweeps import sweep_protective_services
from openprobation.interventions.tests.conftest import (
    deliver_session,
    deliver_to_sessions,
    make_referral,
)
from openprobation.interventions.tests.factories import ContractFactory, ProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def at_risk(case, alice, pat, sam, pat_provider):
    today = timezone.localdate()
    contract = ContractFactory(reference="NWR-MTR-001", provider=pat_provider)
    referral = deliver_to_sessions(make_referral(case, contract, alice), practitioner=alice, provider_user=pat)
    actions.set_protective(referral, by=alice, protective=True, risk_factor="isolation", sessions_per_week=2,
                           reason="His only regular contact", expected_version=referral.version)
    deliver_session(referral, pat, today - datetime.timedelta(days=2))
    actions.change_contract_status(contract, by=sam, status=ContractStatus.IN_DISPUTE, effective_on=today,
                                   reason="Payment dispute", expected_version=contract.version)
    other = ContractFactory(reference="NWR-MTR-002", name="Community mentoring",
                            provider=ProviderFactory(code="BRIDGE", name="Bridge Mentors"))
    replacement = make_referral(case, other, alice, sent_on=today)
    actions.send_referral(replacement, by=alice, expected_version=replacement.version, today=today)
    sweep_protective_services(today)
    return referral, replacement


def test_the_practitioner_answers_an_at_risk_protective_service(at_risk, signed_in):
    referral, replacement = at_risk
    page = signed_in
    page.get_by_role("link", name="Needs your attention").click()
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    page.get_by_role("link", name="Protective mentoring at risk").click()
    expect(page.locator("#summary")).to_contain_text("has been in dispute since")
    expect(page.locator("#evidence")).to_contain_text("NWR-MTR-001: In dispute")
    expect(page.locator("#evidence")).to_contain_text("(2 days ago)")
    if os.environ.get("OPENPROBATION_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["OPENPROBATION_SCREENSHOTS"], "alert.png"), full_page=True)

    page.get_by_role("link", name="Record a replacement service").click()
    page.get_by_role("button", name="Record the replacement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the referral that replaces it")
    page.get_by_label(f"{replacement.reference}: Community mentoring").check()
    page.get_by_label("Explain the arrangement").fill("Bridge Mentors start on Monday.")
    page.get_by_role("button", name="Record the replacement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Replacement recorded")

    page.get_by_role("link", name="Services").first.click()
    expect(page.locator("#current-services")).to_contain_text("Community mentoring")
    if os.environ.get("OPENPROBATION_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["OPENPROBATION_SCREENSHOTS"], "services.png"), full_page=True)
    page.get_by_role("link", name="Activity log").first.click()
    expect(page.get_by_text("Alert closed: Protective mentoring at risk")).to_be_visible()
