import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_sign_in_see_my_caseload_and_find_a_case_by_misspelt_name(case, signed_in, live_server):
    page = signed_in
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Testcase, Jordan")).to_be_visible()
    page.get_by_role("link", name="Search").first.click()
    page.get_by_role("searchbox").or_(page.get_by_role("textbox")).first.fill("Jordon Testcsae")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jordan Testcase").first.click()
    expect(page.get_by_text("CRN: X100001")).to_be_visible()
    expect(page.get_by_text("No appointment is arranged")).to_be_visible()


def test_wrong_password_shows_an_error_summary(page, live_server, alice):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
