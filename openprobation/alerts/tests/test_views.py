"""'Needs your attention' pages: my list, my team's list, one alert closed with a decision."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openprobation.alerts.actions import raise_alert
from openprobation.alerts.models import Alert
from openprobation.people.tests.factories import PersonFactory
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def alert_on(person, owner, *, subject="referral:1", due=None, **kw):
    alert, _ = raise_alert(
        person, reason="protective_service_at_risk", subject_key=subject, owner=owner, due=due or TODAY,
        title="Protective mentoring at risk: Mentoring (Hope Mentoring)",
        summary="The contract NWR-MTR-001 has been in dispute since 20 November 2026. Last session: 18 November "
                "2026.", next_step="Arrange a replacement", severity="high",
        evidence={"referral": 1, "service": "Mentoring", "provider": "Hope Mentoring", "contract": "NWR-MTR-001",
                  "contract_status": "In dispute", "last_session": TODAY - datetime.timedelta(days=5),
                  "reasons": [{"code": "contract_in_dispute", "text": "The contract is in dispute.",
                               "since": TODAY}]},
        **kw,
    )
    return alert


def test_my_list_shows_my_open_alerts_most_urgent_first(alice_client, case, alice, bob,
                                                        django_assert_max_num_queries):
    later = alert_on(case, alice, due=TODAY + datetime.timedelta(days=3))
    overdue = alert_on(case, alice, subject="referral:2", due=TODAY - datetime.timedelta(days=1))
    alert_on(PersonFactory(crn="X100099", practitioner=bob), bob)
    with django_assert_max_num_queries(12):
        page = alice_client.get(reverse("alerts:mine"))
    html = page.content.decode()
    assert html.index(reverse("alerts:detail", args=[overdue.pk])) < html.index(
        reverse("alerts:detail", args=[later.pk]))
    assert "Overdue" in html
    assert "2 open alerts" in html
    assert "X100099" not in html
    assert '<a class="govuk-service-navigation__link" href="/attention/" aria-current="true">' in html


def test_the_manager_sees_the_team_list_and_escalations(mandy_client, case, alice, mandy):
    alert_on(case, alice, escalate_to=mandy, escalation_reason="Leaving approved premises in 10 days")
    mine = mandy_client.get(reverse("alerts:mine")).content.decode()
    assert "Escalated to you" in mine
    team = mandy_client.get(reverse("alerts:team")).content.decode()
    assert "Alice Allocated" in team


def test_the_team_list_is_for_managers(alice_client):
    assert alice_client.get(reverse("alerts:team")).status_code == 403


def test_an_alert_shows_its_evidence_and_how_long_ago_the_last_session_was(alice_client, case, alice):
    alert = alert_on(case, alice)
    page = alice_client.get(reverse("alerts:detail", args=[alert.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "NWR-MTR-001: In dispute" in html
    assert "(5 days ago)" in html
    assert "The contract is in dispute." in html


def test_closing_needs_a_decision_and_puts_it_on_the_timeline(alice_client, case, alice):
    alert = alert_on(case, alice)
    refused = alice_client.post(reverse("alerts:detail", args=[alert.pk]), {})
    html = refused.content.decode()
    assert "govuk-error-summary" in html
    assert "Select what you decided" in html
    assert "Explain your decision" in html
    done = alice_client.post(reverse("alerts:detail", args=[alert.pk]),
                             {"decision": "accepted", "rationale": "Mentor continues without pay for now."})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.decision == "accepted"
    entry = Contact.objects.get(person=case, contact_type__code="ALRTCL")
    assert "Decision: Accepted with rationale" in entry.description
    log = alice_client.get(reverse("supervision:activity-log", args=[case.crn])).content.decode()
    assert "Alert closed: Protective mentoring at risk" in log


def test_a_colleague_may_read_but_not_close(client, case, alice, bob):
    alert = alert_on(case, alice)
    client.force_login(bob)
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 200
    assert client.post(reverse("alerts:detail", args=[alert.pk]),
                       {"decision": "accepted", "rationale": "x"}).status_code == 403
    assert Alert.objects.get(pk=alert.pk).is_open


@pytest.mark.parametrize("name", ["pat", "ian"])
def test_roles_that_do_not_reach_the_case_do_not_see_its_alerts(client, request, case, alice, name):
    alert = alert_on(case, alice)
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 404


def test_the_case_overview_shows_the_open_alerts(alice_client, case, alice):
    alert = alert_on(case, alice)
    html = alice_client.get(reverse("case:overview", args=[case.crn])).content.decode()
    assert reverse("alerts:detail", args=[alert.pk]) in html
    assert "Protective mentoring at risk" in html
