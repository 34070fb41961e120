"""The issue's journey: a manager signs in with a password, is made to set up two-factor authentication,
reads the key from the page, enters a code from it and reaches the caseload; signs out; signs in again and
must enter a code; a wrong code is refused with an error summary, and the right one lets them in."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def code_from(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app holding this key would show (``steps_ahead`` 30-second steps from now)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(page, url):
    page.goto(f"{url}/sign-in/")
    page.get_by_label("Username").fill("mandy")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_manager_sets_up_two_factor_then_needs_a_code_to_sign_in(page, live_server, mandy):
    sign_in_with_password(page, live_server.url)

    # Made to set up two-factor authentication before anything else.
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("Your role needs two-factor authentication")).to_be_visible()
    page.goto(f"{live_server.url}/caseload/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr = page.get_by_role("img", name="QR code to add OpenProbation to your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the inline SVG rendered under the page's CSP
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")

    page.get_by_label("Enter the 6-digit code from the app").fill(code_from(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Save your backup codes")).to_be_visible()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have saved my backup codes").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to OpenProbation")).to_be_visible()

    # Signing in again needs a code: the password alone reaches no page.
    sign_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.goto(f"{live_server.url}/caseload/")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()

    wrong = next(c for c in ("000000", "111111", "222222") if c not in {code_from(secret, n) for n in (-1, 0, 1, 2)})
    page.get_by_label("Security code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The security code is not correct")
    expect(page).to_have_title("Error: Enter your security code – OpenProbation")

    # The code used at set-up cannot be used again; the app's next code can (after the 1-second wait a
    # wrong code costs).
    time.sleep(1.1)
    page.get_by_label("Security code").fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
