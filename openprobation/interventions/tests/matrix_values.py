"""Real objects of the case for the access matrix test (`access/tests/test_matrix.py`).

One referral made the way a practitioner and a provider make it (through the actions): a protective service,
sent, assigned and assessed, with an action plan waiting for the practitioner's approval. Every referral page
then renders (the replacement page needs a protective service, the approval an action plan); a transition
that has not been withdrawn; and the contract the referral went to, for the referral form.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from openprobation.interventions import actions
from openprobation.interventions.models import RiskFactor, TransitionKind

from .factories import ContractFactory, ProviderFactory, ProviderMembershipFactory


def matrix_values(case, users) -> dict[str, dict]:
    alice, pat = users["alice"], users["pat"]
    today = timezone.localdate()
    provider = ProviderFactory(code="MTXP", name="Matrix Mentoring")
    ProviderMembershipFactory(user=pat, provider=provider, is_manager=True)
    contract = ContractFactory(provider=provider, region=case.team.delivery_unit.region)
    referral = actions.create_referral(
        case, by=alice, contract=contract, complexity="medium", desired_outcomes=list(contract.desired_outcomes.all()[:1]),
        reason="Isolated since the order began; needs support to rebuild a daily routine.",
        completion_deadline=today + datetime.timedelta(days=120))
    referral = actions.set_protective(referral, by=alice, protective=True, risk_factor=RiskFactor.ISOLATION,
                                      sessions_per_week=Decimal("1"), expected_version=referral.version)
    referral = actions.send_referral(referral, by=alice, expected_version=referral.version)
    actions.assign_referral(referral, by=pat, caseworker=pat)
    actions.record_initial_assessment(referral, by=pat, on=today, notes="Wants help with a daily routine.")
    plan = actions.submit_action_plan(referral, by=pat, activities="Weekly mentoring sessions.", number_of_sessions=8)
    transition = actions.record_transition(case, by=alice, kind=TransitionKind.ADDRESS,
                                           on=today + datetime.timedelta(days=14), description="Moving to a new flat")
    on_referral = {"referral_id": referral.pk}
    return {
        "interventions:refer": {"contract_id": contract.pk},
        "interventions:referral": on_referral,
        "interventions:send": on_referral,
        "interventions:amend": on_referral,
        "interventions:protective": on_referral,
        "interventions:withdraw": on_referral,
        "interventions:replacement": on_referral,
        "interventions:approve-plan": {**on_referral, "plan_id": plan.pk},
        "interventions:withdraw-transition": {"transition_id": transition.pk},
    }
