"""The demo's commissioned services: providers, contracts, referrals with sessions, protection and live alerts."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from openprobation.alerts.models import Alert
from openprobation.demo.generator import generate
from openprobation.interventions import permissions, sweeps
from openprobation.interventions.models import (
    Contract,
    ContractStatus,
    Provider,
    ProviderMembership,
    Referral,
    ReferralStatus,
    Session,
    Transition,
)

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return generate(scale=60, seed=1, today=TODAY)


def test_providers_contracts_referrals_and_live_alerts(demo):
    assert Provider.objects.count() == 8
    assert Contract.objects.filter(status=ContractStatus.IN_DISPUTE).count() == 1
    statuses = dict(Referral.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[ReferralStatus.IN_PROGRESS] > 0
    assert statuses[ReferralStatus.COMPLETED] > 0
    assert Referral.objects.filter(protective=True).exists()
    delivered = Session.objects.filter(happened=True).select_related("contact__contact_type", "contact__outcome")
    assert delivered.exists()
    for session in delivered:
        if session.contact.contact_type.outcome_required:
            assert session.contact.outcome.code == "ATTC"
        assert session.delivered_on is not None
    assert demo.counts["interventions.Referral"] == Referral.objects.count()

    # The demo practitioner sees every kind of protective alert, one escalated to the manager.
    alerts = Alert.objects.filter(owner__username="practitioner", closed_at__isnull=True)
    codes = {r["code"] for alert in alerts for r in alert.evidence.get("reasons", [])}
    assert {"contract_in_dispute", "no_recent_session", "referral_withdrawn", "caseworker_left"} <= codes
    escalated = alerts.get(reason="protective_service_at_risk", escalated_to__username="manager")
    assert escalated.severity == "critical"
    assert escalated.escalation_reason.startswith("Leaving approved premises")
    assert Transition.objects.filter(person=escalated.person, kind="ap_departure").exists()
    assert alerts.filter(reason="provider_concern").exists()


def test_the_rows_keep_every_constraint_and_the_sweep_finds_nothing_new(demo):
    connection.check_constraints()
    for model in (Referral, Session, Contract, ProviderMembership):
        for row in model.objects.order_by("pk")[:200]:
            row.full_clean()
    counts = sweeps.sweep_protective_services(TODAY)
    assert counts.get("raised", 0) == 0
    assert counts["unchanged"] == counts["at_risk"]

    # The demo's provider user manages the Hope Mentoring Trust and sees only its referrals.
    manager = ProviderMembership.objects.get(provider__code="HOPE", is_manager=True).user
    visible = permissions.referrals_for_provider_user(manager, today=TODAY)
    assert visible.exists()
    assert set(visible.values_list("contract__provider__code", flat=True)) == {"HOPE"}
