"""The issue's journey: complete an assessment → the manager countersigns it → the tier is shown with its
reasons → a plan with a goal in the person's own words → a request tracked to a referral.

The referral itself is made by the interventions app (here in the setup, as its own pages would); the journey
links the person's request to it."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from openprobation.assessments.models import Assessment, PersonRequest, RiskGroup, Setting
from openprobation.assessments.tests.factories import make_referral

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
NEEDS = ("ACCOM", "ETE", "FINANCE", "RELATION", "LIFESTYLE", "DRUGS", "ALCOHOL", "EMOTIONAL", "THINKING", "ATTITUDES")


def sign_in(page, url, username, device=None):
    page.goto(f"{url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Continue").click()


def fill_assessment(page):
    page.get_by_role("link", name="Risk of serious harm").first.click()
    for group in RiskGroup.values:
        for place in Setting.values:
            level = "high" if (group, place) == ("known_adult", "community") else "medium"
            page.locator(f"#id_{group}_{place}").select_option(level)
    page.get_by_label("Who is at risk").fill("His former partner")
    page.get_by_label("Nature of the risk").fill("Violence and threats when drinking")
    page.get_by_label("When the risk is greatest").fill("Weekends, after drinking")
    page.get_by_label("What increases the risk").fill("Alcohol; contact with her")
    page.get_by_label("What reduces the risk").fill("Abstinence and stable housing")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Risk of serious harm saved")

    page.get_by_role("link", name="Risk to themselves").click()
    for concern in ("suicide", "self_harm", "custody", "hostel", "vulnerability"):
        page.locator(f"#id_{concern}_current_1").check()
        page.locator(f"#id_{concern}_previous_1").check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Accommodation").click()
    for code in NEEDS:
        expect(page.locator("h2.govuk-heading-m")).to_be_visible()
        page.locator("#id_severity_1").check()
        page.locator("#id_linked_to_harm_1").check()
        page.locator("#id_linked_to_reoffending_0").check()
        page.locator("#id_motivation_3").check()
        if code == "RELATION":
            page.locator("#id_parental_responsibilities_0").check()
        if code == "THINKING":
            page.locator("#id_impulsivity_1").check()
            page.locator("#id_temper_control_1").check()
        page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Predictor scores").click()
    page.get_by_label("All reoffending predictor (ARP)").fill("60")
    page.locator("#id_arp_type_1").check()
    page.get_by_label("Combined serious reoffending predictor (CSRP)").fill("3.5")
    page.locator("#id_csrp_type_1").check()
    page.get_by_role("button", name="Save").click()


def test_assessment_countersigned_tier_plan_and_a_request_tracked_to_a_referral(case, signed_in, live_server,
                                                                                 alice, mandy):
    device = TOTPDevice.objects.create(user=mandy, name="Authenticator", confirmed=True)
    referral = make_referral(case, alice)
    page = signed_in
    url = live_server.url

    # The practitioner completes an assessment; high risk goes to the manager.
    page.goto(f"{url}/cases/{case.crn}/")
    page.get_by_role("link", name="Risk and needs").first.click()
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name="Start an assessment of risk and needs")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why you are assessing now")
    page.get_by_label("Start of an order or licence").check()
    page.get_by_role("button", name="Start the assessment").click()
    fill_assessment(page)
    page.get_by_role("link", name="Complete the assessment").click()
    expect(page.get_by_text("needs a manager's countersignature")).to_be_visible()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to a manager to countersign")
    assert Assessment.objects.get(person=case).status == Assessment.Status.AWAITING_COUNTERSIGNATURE

    # The manager countersigns it.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, url, "mandy", device)
    page.goto(f"{url}/assessments/{case.crn}/")
    page.get_by_role("link", name="View assessment 1 (awaiting countersignature)").click()
    page.get_by_role("link", name="Countersign or return this assessment").click()
    page.get_by_label("Yes, countersign it").check()
    page.get_by_label("Comments").fill("Agreed: high risk to the former partner")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("countersigned: it is now final")

    # The tier is shown with its reasons.
    page.get_by_role("link", name="Back to risk and needs").click()
    tier = page.locator("#tier")
    expect(tier).to_contain_text("Tier C")
    expect(page.locator("#tier-summary")).to_contain_text("C because")
    page.get_by_text("How the tier was worked out").click()
    expect(tier).to_contain_text("RoSH high")

    # The practitioner writes a goal in the person's own words, with a step.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, url, "alice")
    page.goto(f"{url}/cases/{case.crn}/")
    page.get_by_role("link", name="Sentence plan").first.click()
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Which area of need is it about?").select_option(label="Emotional wellbeing")
    page.get_by_label("The goal in their own words").fill("I want help with my childhood trauma")
    page.get_by_role("button", name="Save the goal").click()
    page.get_by_label("What needs to happen?").fill("Refer to trauma counselling")
    page.get_by_label("A named service").check()
    page.get_by_label("Name of the service").fill("Harbridge Wellbeing")
    page.get_by_role("button", name="Save the step", exact=True).click()
    expect(page.get_by_text("\u201cI want help with my childhood trauma\u201d")).to_be_visible()

    # The person's request, tracked to the referral.
    page.get_by_role("link", name="Record a request").click()
    page.get_by_label("What did they ask for?").fill("Help with my childhood trauma")
    page.get_by_role("button", name="Record the request").click()
    page.get_by_label("Which referral answers it?").select_option(str(referral.pk))
    page.get_by_role("button", name="Link to the referral").click()
    expect(page.locator("#request-summary")).to_contain_text("Being acted on")
    expect(page.locator("#request-summary")).to_contain_text(referral.reference)
    assert PersonRequest.objects.get(person=case).referral == referral

    # And the person agrees to the plan; with a high risk it waits for the manager.
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.locator("#open-requests")).to_contain_text(f"Referral {referral.reference}")
    page.get_by_role("link", name="Record their agreement to the plan").click()
    page.get_by_label("Yes, they agree").check()
    page.get_by_role("button", name="Record their answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to a manager to countersign")
