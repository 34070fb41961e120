"""Contracts: the list, one contract with its status history and dependants, add one, change its status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.staff.models import Role

from .. import actions, permissions
from ..forms import ContractForm, ContractStatusForm
from ..forms.common import show_error
from ..models import ContractStatus
from ..models.referrals import LIVE_STATUSES
from .provider import NAVIGATION


def _navigation(user):
    return {"service_navigation": NAVIGATION} if user.role == Role.PROVIDER else {}


def _counted(contracts):
    live = Q(referrals__status__in=LIVE_STATUSES)
    return contracts.annotate(
        open_referrals=Count("referrals", filter=live),
        protective_referrals=Count("referrals", filter=live & Q(referrals__protective=True)),
    )


def contract_list(request):
    status = request.GET.get("status", "")
    contracts = permissions.contracts_visible_to(request.user)
    if status in ContractStatus.values:
        contracts = contracts.filter(status=status)
    contracts = _counted(contracts.select_related("provider", "category", "region")).order_by(
        "region__name", "category__sort_order", "name")
    return render(request, "interventions/contracts/list.html", {
        "contracts": contracts, "status": status, "statuses": ContractStatus.choices, "today": timezone.localdate(),
        "may_manage": permissions.may_manage_contracts(request.user), **_navigation(request.user),
    })


def _contract(request, contract_id):
    contract = _counted(permissions.contracts_visible_to(request.user).select_related(
        "provider", "category", "region")).filter(pk=contract_id).first()
    if contract is None:
        raise Http404("No such contract.")
    return contract


def contract_detail(request, contract_id):
    contract = _contract(request, contract_id)
    warning = ""
    if contract.status != ContractStatus.ACTIVE:
        warning = (f"This contract is {contract.get_status_display().lower()}: the protective services that "
                   "depend on it are alerted.")
    return render(request, "interventions/contracts/detail.html", {
        "contract": contract,
        "warning": warning,
        "changes": list(contract.status_changes.select_related("changed_by")),
        "outcomes": list(contract.desired_outcomes.order_by("code")),
        "may_manage": permissions.may_manage_contracts(request.user),
        **_navigation(request.user),
    })


def change_status(request, contract_id):
    if not permissions.may_manage_contracts(request.user):
        raise PermissionDenied("Only contract managers can change a contract's status.")
    contract = _contract(request, contract_id)
    form = ContractStatusForm((request.POST if request.method == "POST" else None), initial={"version": contract.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_contract_status(contract, by=request.user, status=data["status"],
                                           effective_on=data["effective_on"], reason=data["reason"],
                                           expected_version=data["version"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"The contract is now {contract.get_status_display().lower()}. Every "
                                      "protective service that depends on it is being checked.")
            return redirect("interventions:contract", contract.pk)
    return render(request, "interventions/contracts/status.html", {"form": form, "contract": contract})


def add_contract(request):
    if not permissions.may_manage_contracts(request.user):
        raise PermissionDenied("Only contract managers can add a contract.")
    form = ContractForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = actions.create_contract(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Contract {contract.reference} added")
            return redirect("interventions:contract", contract.pk)
    return render(request, "interventions/contracts/add.html", {"form": form})
