"""Commissioned services: providers, contracts, referrals, sessions, and what protective services depend on."""

from .contracts import Contract, ContractStatus, ContractStatusChange, Provider, ProviderMembership
from .reference import Complexity, DesiredOutcome, EndReason, ServiceCategory
from .referrals import (
    ActionPlan,
    EndOfServiceReport,
    Rating,
    Referral,
    ReferralAssignment,
    ReferralChange,
    ReferralOutcome,
    ReferralStatus,
    RiskFactor,
)
from .sessions import Attendance, NoSessionReason, Session
from .transitions import Transition, TransitionKind

__all__ = [
    "ActionPlan",
    "Attendance",
    "Complexity",
    "Contract",
    "ContractStatus",
    "ContractStatusChange",
    "DesiredOutcome",
    "EndOfServiceReport",
    "EndReason",
    "NoSessionReason",
    "Provider",
    "ProviderMembership",
    "Rating",
    "Referral",
    "ReferralAssignment",
    "ReferralChange",
    "ReferralOutcome",
    "ReferralStatus",
    "RiskFactor",
    "ServiceCategory",
    "Session",
    "Transition",
    "TransitionKind",
]
