"""The issue's journey: sign in → my caseload → open a case → record an unacceptable absence → see the
warning; a second one → breach required."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprobation.supervision.models import EnforcementRecord
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def record_unacceptable_absence(page, when):
    page.get_by_role("link", name=f"Record outcome for {when:%-d %B %Y}").click()
    expect(page.get_by_role("heading", name="Record the outcome")).to_be_visible()
    page.get_by_label("Unacceptable absence").check()
    page.get_by_role("button", name="Save the outcome").click()


def test_unacceptable_absence_gives_a_warning_then_a_second_makes_breach_mandatory(case, signed_in, live_server):
    sentence = case.sentences.get()
    first = timezone.now() - datetime.timedelta(days=9)
    second = timezone.now() - datetime.timedelta(days=2)
    AppointmentFactory(sentence=sentence, starts_at=first)
    AppointmentFactory(sentence=sentence, starts_at=second)
    page = signed_in

    page.get_by_role("link", name="Testcase, Jordan").click()
    expect(page.get_by_text("2 appointments need an outcome")).to_be_visible()
    page.get_by_role("link", name="Appointments").first.click()

    record_unacceptable_absence(page, timezone.localtime(first))
    expect(page.get_by_role("heading", name="Give a warning or start breach proceedings")).to_be_visible()
    page.get_by_label("First warning letter sent").check()
    page.get_by_role("button", name="Confirm the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("First warning letter sent")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Response due by")

    # The second absence must come after the warning. Time cannot pass inside a test, so the warning
    # recorded above is moved back to the day after the first absence, as if it had been sent then.
    EnforcementRecord.objects.filter(action__code="EA02").update(decided_on=timezone.localdate(first) + datetime.timedelta(days=1))

    page.get_by_role("link", name="Appointments").first.click()
    record_unacceptable_absence(page, timezone.localtime(second))
    expect(page.get_by_role("heading", name="Breach referral is mandatory")).to_be_visible()
    expect(page.get_by_label("First warning letter sent")).to_have_count(0)
    page.get_by_label("Breach or recall initiated").check()
    page.get_by_role("button", name="Confirm the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Breach pack due")

    page.get_by_role("link", name="Overview").first.click()
    expect(page.get_by_text("breach pack due by")).to_be_visible()
