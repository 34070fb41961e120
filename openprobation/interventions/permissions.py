"""Who may do what with services. One condition per line.

Provider users never reach the case record (``access`` gives their role no case): they see only the
referrals sent to their own organisation's contracts, through ``referrals_for_provider_user``.
Practitioners reach a referral through its case (``access.views.case_for``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from openprobation.staff.models import Role

from .models import ProviderMembership, Referral, ReferralStatus

CONTRACT_MANAGERS = frozenset({Role.ADMIN})
CASE_OWNERS = frozenset({Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER, Role.SENIOR_PROBATION_OFFICER})


def membership_of(user, today=None) -> ProviderMembership | None:
    """The user's current membership of a provider, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role != Role.PROVIDER:
        return None
    today = today or timezone.localdate()
    membership = ProviderMembership.objects.select_related("provider").filter(user=user).first()
    if membership is None:
        return None
    if not membership.is_current(today):
        return None
    return membership


def referrals_for_provider_user(user, today=None):
    """The referrals a provider user may see: sent to a contract of their own organisation."""
    membership = membership_of(user, today)
    if membership is None:
        return Referral.objects.none()
    return Referral.objects.filter(contract__provider_id=membership.provider_id).exclude(status=ReferralStatus.DRAFT)


def may_manage_provider_work(user, referral, today=None) -> bool:
    """Assign, reassign and record leavers: the provider's managers."""
    membership = membership_of(user, today)
    if membership is None:
        return False
    if membership.provider_id != referral.contract.provider_id:
        return False
    return membership.is_manager


def may_deliver(user, referral, today=None) -> bool:
    """Record assessments, plans, sessions and reports: the assigned caseworker or a provider manager."""
    membership = membership_of(user, today)
    if membership is None:
        return False
    if membership.provider_id != referral.contract.provider_id:
        return False
    return membership.is_manager or referral.caseworker_id == user.pk


def may_manage_contracts(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in CONTRACT_MANAGERS)


def may_mark_protective(user) -> bool:
    return bool(user and user.is_authenticated and user.role in CASE_OWNERS)


def contracts_visible_to(user):
    """Probation staff and contract managers see every contract; a provider user their own organisation's."""
    from .models import Contract

    if user.role == Role.PROVIDER:
        membership = membership_of(user)
        if membership is None:
            return Contract.objects.none()
        return Contract.objects.filter(Q(provider_id=membership.provider_id))
    if user.role in {Role.PARTNER, Role.INSPECTOR, "dpo"}:
        return Contract.objects.none()
    return Contract.objects.all()
