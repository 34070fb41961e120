"""Contracts: create one, and change its status (active, suspended, in dispute, ended) with a dated reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from openprobation.audit.record import record
from openprobation.core.calendar import format_date

from ..models import Complexity, Contract, ContractStatus, ContractStatusChange, DesiredOutcome
from .common import require_text, sweep_after_commit, today_or


def create_contract(*, by, reference, name, provider, category, region, start_date, end_date, complexity_levels,
                    desired_outcomes, min_age=18, max_age=None, allows_male=True, allows_female=True,
                    today=None) -> Contract:
    today = today_or(today)
    errors = {}
    reference = (reference or "").strip().upper()
    if not reference:
        errors["reference"] = "Enter the contract reference"
    elif Contract.objects.filter(reference=reference).exists():
        errors["reference"] = "A contract with this reference already exists"
    name = require_text(name, "name", "Enter the name of the service", errors)[:200]
    for key, value, label in (("provider", provider, "provider"), ("category", category, "service category"),
                              ("region", region, "region")):
        if value is None:
            errors[key] = f"Select the {label}"
    if start_date is None:
        errors["start_date"] = "Enter the start date"
    if end_date is None:
        errors["end_date"] = "Enter the end date"
    elif start_date is not None and end_date <= start_date:
        errors["end_date"] = "The end date must be after the start date"
    levels = [level for level in Complexity.values if level in set(complexity_levels or [])]
    if not levels:
        errors["complexity_levels"] = "Select at least one complexity level"
    outcomes = list(desired_outcomes or [])
    if not outcomes:
        errors["desired_outcomes"] = "Select at least one desired outcome"
    elif category is not None and any(o.category != category.code for o in outcomes):
        errors["desired_outcomes"] = "Select desired outcomes of the service category"
    if max_age is not None and min_age is not None and max_age < min_age:
        errors["max_age"] = "The maximum age must be the same as or more than the minimum age"
    if not (allows_male or allows_female):
        errors["allows_male"] = "Select who the service is for"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract = Contract.objects.create(
            reference=reference, name=name, provider=provider, category=category, region=region,
            min_age=min_age if min_age is not None else 18, max_age=max_age, allows_male=bool(allows_male),
            allows_female=bool(allows_female), complexity_levels=levels, start_date=start_date, end_date=end_date,
            status=ContractStatus.ACTIVE, status_since=start_date,
            created_by=by,
        )
        contract.desired_outcomes.set(outcomes)
        ContractStatusChange.objects.create(contract=contract, status=ContractStatus.ACTIVE,
                                            effective_on=contract.status_since, reason="Contract created",
                                            changed_by=by)
        record("create_contract", contract, by=by, reference=reference, provider=provider.code,
               category=category.code, region=region.code)
    return contract


def change_contract_status(contract, *, by, status, effective_on, reason, expected_version, today=None) -> Contract:
    """Suspend, put in dispute, end or reactivate a contract.

    Every service that depends on it is re-checked straight after: a suspended, disputed or ended
    contract behind a protective service raises an alert on each of those cases at once.
    """
    today = today_or(today)
    errors = {}
    if status not in ContractStatus.values:
        errors["status"] = "Select the new status"
    reason = require_text(reason, "reason", "Enter the reason for the change", errors)
    if effective_on is None:
        errors["effective_on"] = "Enter the date the change takes effect"
    elif effective_on > today:
        errors["effective_on"] = "The date must be today or in the past: record a change once it happens"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        if str(expected_version) != str(current.version):
            raise ValidationError("Someone else changed this contract after you opened the page. Nothing has been "
                                  "saved: check the latest details and try again.", code="stale")
        if status == current.status:
            raise ValidationError({"status": f"The contract is already {current.get_status_display().lower()}"})
        if effective_on < current.status_since:
            raise ValidationError({"effective_on": "The date must be on or after the current status began, "
                                                   f"{format_date(current.status_since)}"})
        previous = current.status
        ContractStatusChange.objects.create(contract=current, previous_status=previous, status=status,
                                            effective_on=effective_on, reason=reason, changed_by=by)
        current.status, current.status_since = status, effective_on
        current.version += 1
        current.save(update_fields=["status", "status_since", "version"])
        record("change_contract_status", current, by=by, reference=current.reference, previous=previous,
               status=status, effective_on=effective_on, reason=reason)
        sweep_after_commit(contract_ids=[current.pk])
    contract.refresh_from_db()
    return contract


def desired_outcomes_for(category) -> list[DesiredOutcome]:
    return list(DesiredOutcome.objects.selectable().filter(category=category.code))
