import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from openprobation.alerts.actions import close_alert, raise_alert
from openprobation.alerts.models import Alert
from openprobation.alerts.queries import open_alerts_for_owner, open_alerts_for_team
from openprobation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 12, 1)


def raise_(case, owner, **kw):
    values = dict(reason="protective_service_lapsed", owner=owner, due=DUE, title="Mentoring has stopped",
                  summary="No session since 1 November", next_step="Arrange a replacement", subject_key="referral:1")
    return raise_alert(case, **{**values, **kw})


def test_raising_twice_keeps_one_open_alert_and_refreshes_it(case, alice):
    first, created = raise_(case, alice)
    again, created_again = raise_(case, alice, summary="No session since 1 November (2 missed)",
                                  due=DUE - datetime.timedelta(days=3), severity="high")
    assert created
    assert not created_again
    assert first.pk == again.pk
    assert Alert.objects.count() == 1
    again.refresh_from_db()
    assert again.summary.endswith("(2 missed)")
    assert again.due == DUE - datetime.timedelta(days=3)
    assert again.severity == "high"
    raise_(case, alice, due=DUE + datetime.timedelta(days=30), severity="routine")
    again.refresh_from_db()
    assert again.due == DUE - datetime.timedelta(days=3)  # never pushed back
    assert again.severity == "high"  # never lowered
    assert AuditEvent.objects.filter(verb="alert_raised").count() == 1


def test_another_subject_gets_its_own_alert(case, alice):
    raise_(case, alice)
    raise_(case, alice, subject_key="referral:2")
    assert Alert.objects.count() == 2


def test_escalation_reaches_the_manager_list(case, alice, mandy):
    alert, _ = raise_(case, alice, escalate_to=mandy, escalation_reason="Leaves approved premises in 10 days")
    assert alert.escalated_to == mandy
    assert list(open_alerts_for_owner(mandy)) == [alert]
    assert list(open_alerts_for_owner(alice)) == [alert]
    assert list(open_alerts_for_team(mandy, mandy.team)) == [alert]


def test_closing_needs_a_decision_and_a_rationale(case, alice):
    alert, _ = raise_(case, alice)
    with pytest.raises(ValidationError):
        close_alert(alert, by=alice, decision="replacement_arranged", rationale=" ")
    with pytest.raises(ValidationError):
        close_alert(alert, by=alice, decision="shrug", rationale="because")
    close_alert(alert, by=alice, decision="replacement_arranged", rationale="New mentor from 3 December")
    assert not alert.is_open
    assert list(open_alerts_for_owner(alice)) == []
    # Once closed, the same reason may open a fresh alert.
    _, created = raise_(case, alice)
    assert created


def test_the_database_refuses_a_closed_alert_without_a_decision(case, alice):
    alert, _ = raise_(case, alice)
    with pytest.raises(IntegrityError):
        Alert.objects.filter(pk=alert.pk).update(closed_at=alert.raised_at, closed_by=alice)
