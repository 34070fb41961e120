"""The practitioner's services pages, all under the case: every one starts with ``case_for``.

A referral id from another case looks missing (404). Changes go through ``interventions.actions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context

from .. import actions, permissions
from ..eligibility import eligibility_problems
from ..forms import (
    AmendForm,
    ProtectiveForm,
    ReferralForm,
    ReplacementForm,
    TransitionForm,
    WithdrawForm,
    WithdrawTransitionForm,
)
from ..forms.common import show_error
from ..models import ActionPlan, Contract, Referral, Transition
from ..queries import attach_reschedules, case_referrals, case_services, service_rows

PART = "services"


def _referral_of(person, referral_id) -> Referral:
    referral = case_referrals(person).filter(pk=referral_id).select_related(
        "sentence__sentence_type", "requirement__requirement_type", "sent_by", "created_by").first()
    if referral is None:
        raise Http404("No such referral on this case.")
    return referral


def _back(person, referral):
    return redirect("interventions:referral", person.crn, referral.pk)


def services(request, crn):
    person = case_for(request, crn, part=PART)
    return render(request, "interventions/case/services.html", case_context(
        person, "services", services=case_services(person), today=timezone.localdate(),
        may_refer=person.case_access.may_change(PART) if hasattr(person, "case_access") else True,
    ))


def choose_service(request, crn):
    person = case_for(request, crn, part=PART)
    today = timezone.localdate()
    contracts = list(
        Contract.objects.filter(region__delivery_units__teams=person.team_id)
        .select_related("provider", "category", "region").order_by("category__sort_order", "name")
    ) if person.team_id else []
    options = [(contract, eligibility_problems(contract, person, today)) for contract in contracts]
    return render(request, "interventions/case/choose_service.html", case_context(
        person, "services", options=options, replaces=request.GET.get("replaces", ""),
    ))


def refer(request, crn, contract_id):
    person = case_for(request, crn, part=PART)
    contract = Contract.objects.select_related("provider", "category").filter(pk=contract_id).first()
    if contract is None:
        raise Http404("No such service.")
    replaces = None
    if request.GET.get("replaces"):
        replaces = case_referrals(person).filter(pk=request.GET["replaces"]).first()
    form = ReferralForm((request.POST if request.method == "POST" else None), contract=contract, person=person)
    if request.method == "POST" and form.is_valid():
        protective = form.protective_values()
        if protective["protective"] and not permissions.may_mark_protective(request.user):
            form.add_error("protective", "Only a practitioner or a manager can mark a service as protective")
        else:
            try:
                with transaction.atomic():
                    referral = actions.create_referral(person, by=request.user, replaces=replaces,
                                                       **form.referral_values())
                    if protective["protective"]:
                        actions.set_protective(referral, by=request.user, expected_version=referral.version,
                                               **protective)
            except ValidationError as error:
                show_error(form, error)
            else:
                messages.success(request, "Referral saved as a draft: check it, then send it to the provider")
                return _back(person, referral)
    return render(request, "interventions/case/refer.html", case_context(
        person, "services", form=form, contract=contract, replaces=replaces,
    ))


def referral_detail(request, crn, referral_id):
    person = case_for(request, crn, part=PART)
    referral = _referral_of(person, referral_id)
    [row] = service_rows([referral])
    sessions = list(referral.sessions.select_related("contact__outcome", "feedback_by").order_by("number"))
    attach_reschedules(sessions, person)
    return render(request, "interventions/case/referral.html", case_context(
        person, "services",
        referral=referral,
        row=row,
        sessions=sessions,
        outcomes=list(referral.outcomes.select_related("outcome")),
        plans=list(referral.action_plans.select_related("submitted_by", "approved_by")),
        changes=list(referral.changes.select_related("changed_by")),
        replacements=list(referral.replacements.select_related("contract__provider")),
        today=timezone.localdate(),
        now=timezone.now(),
        may_mark_protective=permissions.may_mark_protective(request.user),
    ))


def send(request, crn, referral_id):
    if request.method != "POST":
        return redirect("interventions:referral", crn, referral_id)
    person = case_for(request, crn, part=PART)
    referral = _referral_of(person, referral_id)
    try:
        actions.send_referral(referral, by=request.user, expected_version=request.POST.get("version"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Referral sent to {referral.contract.provider}")
    return _back(person, referral)


def approve_plan(request, crn, referral_id, plan_id):
    if request.method != "POST":
        return redirect("interventions:referral", crn, referral_id)
    person = case_for(request, crn, part=PART)
    referral = _referral_of(person, referral_id)
    plan = ActionPlan.objects.filter(referral=referral, pk=plan_id).first()
    if plan is None:
        raise Http404("No such action plan.")
    try:
        actions.approve_action_plan(plan, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Action plan approved: the provider can now arrange sessions")
    return _back(person, referral)


def _edit(request, crn, referral_id, make_form, template, apply, *, check=None):
    """A page with one form (``make_form(data, referral)``) that changes a referral via ``apply(referral, form)``."""
    person = case_for(request, crn, part=PART)
    referral = _referral_of(person, referral_id)
    if check is not None:
        check(request, referral)
    form = make_form((request.POST if request.method == "POST" else None), referral)
    if request.method == "POST" and form.is_valid():
        try:
            message = apply(referral, form)
        except ValidationError as error:
            show_error(form, error, {"reason_for_change": "reason_for_change"})
            if getattr(error, "code", None) == "stale":
                form.data = form.data.copy()
                form.data["version"] = Referral.objects.get(pk=referral.pk).version
        else:
            messages.success(request, message)
            return _back(person, referral)
    return render(request, template, case_context(person, "services", form=form, referral=referral))


def _with_referral(form_class):
    return lambda data, referral: form_class(data, referral=referral)


def _with_version(form_class):
    return lambda data, referral: form_class(data, initial={"version": referral.version})


def amend(request, crn, referral_id):
    def apply(referral, form):
        actions.amend_referral(referral, by=request.user, changes=form.changes(),
                               reason=form.cleaned_data.get("reason_for_change", ""),
                               expected_version=form.cleaned_data["version"])
        return "Referral changed: the provider can see the change and why"

    return _edit(request, crn, referral_id, _with_referral(AmendForm), "interventions/case/amend.html", apply)


def protective(request, crn, referral_id):
    def check(request, referral):
        if not permissions.may_mark_protective(request.user):
            raise PermissionDenied("Only a practitioner or a manager can change whether a service is protective.")

    def apply(referral, form):
        actions.set_protective(referral, by=request.user, reason=form.cleaned_data.get("reason", ""),
                               expected_version=form.cleaned_data["version"], **form.protective_values())
        return "Saved: OpenProbation checks protective services every day"

    return _edit(request, crn, referral_id, _with_referral(ProtectiveForm), "interventions/case/protective.html", apply, check=check)


def withdraw(request, crn, referral_id):
    def apply(referral, form):
        done = actions.withdraw_referral(referral, by=request.user, end_reason=form.cleaned_data["end_reason"],
                                         comments=form.cleaned_data["comments"],
                                         expected_version=form.cleaned_data["version"])
        return f"Referral {done.get_status_display().lower()}"

    return _edit(request, crn, referral_id, _with_version(WithdrawForm), "interventions/case/withdraw.html", apply)


def replacement(request, crn, referral_id):
    def apply(referral, form):
        actions.record_replacement(referral, by=request.user, replacement=form.cleaned_data["replacement"],
                                   rationale=form.cleaned_data["rationale"])
        return "Replacement recorded: the alert about this service is closed with your decision"

    def check(request, referral):
        if not referral.protective:
            raise Http404("Only a protective service has a recorded replacement.")

    return _edit(request, crn, referral_id, _with_referral(ReplacementForm), "interventions/case/replacement.html", apply,
                 check=check)


def add_transition(request, crn):
    person = case_for(request, crn, part=PART)
    form = TransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_transition(person, by=request.user, kind=form.cleaned_data["kind"],
                                      on=form.cleaned_data["on"], description=form.cleaned_data["description"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Transition recorded: protective services are watched more closely around it")
            return redirect("interventions:case-services", person.crn)
    return render(request, "interventions/case/transition.html", case_context(person, "services", form=form))


def withdraw_transition(request, crn, transition_id):
    person = case_for(request, crn, part=PART)
    transition = Transition.objects.filter(person=person, pk=transition_id, withdrawn_at__isnull=True).first()
    if transition is None:
        raise Http404("No such transition on this case.")
    form = WithdrawTransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_transition(transition, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Transition withdrawn")
            return redirect("interventions:case-services", person.crn)
    return render(request, "interventions/case/withdraw_transition.html", case_context(
        person, "services", form=form, transition=transition))

