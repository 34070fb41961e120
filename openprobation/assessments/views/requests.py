"""The person's own requests: record one, then track it to a plan step or referral, met, or answered."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context

from .. import actions
from ..config import setting
from ..forms import AnswerForm, LinkReferralForm, LinkStepForm, MetForm, RequestForm
from ..models import PersonRequest
from .common import PLAN_PART, PLAN_TAB, may_assess, object_of, refresh_version, show_error


def add_request(request, crn):
    person = case_for(request, crn, part=PLAN_PART)
    form = RequestForm(request.POST if request.method == "POST" else None, initial={"asked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = actions.record_request(person, by=request.user, asked_on=data["asked_on"], words=data["words"],
                                           area=data["area"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Request recorded: now say what is being done about it")
            return redirect("assessments:request", person.crn, found.pk)
    return render(request, "assessments/request_form.html", case_context(
        person, PLAN_TAB, form=form, unanswered_days=setting("REQUEST_UNANSWERED_DAYS")))


FORMS = {"step": LinkStepForm, "referral": LinkReferralForm, "met": MetForm, "answer": AnswerForm}


def request_detail(request, crn, request_id):
    person = case_for(request, crn, part=PLAN_PART)
    found = object_of(PersonRequest, person, request_id, queryset=PersonRequest.objects.select_related(
        "area", "step__goal", "referral__contract", "recorded_by", "closed_by"))
    chosen = request.POST.get("action") if request.method == "POST" else None
    initial = {"version": found.version, "met_on": timezone.localdate()}
    forms = {}
    for name, form_class in FORMS.items():
        kwargs = {"person": person} if name in ("step", "referral") else {}
        data = request.POST if name == chosen else None
        forms[name] = form_class(data, initial=initial, prefix=name, **kwargs)
    form = forms.get(chosen)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if chosen == "step":
                actions.link_request_to_step(found, by=request.user, step=data["step"], note=data["note"],
                                             expected_version=data["version"])
                message = "Request linked to the plan step"
            elif chosen == "referral":
                actions.link_request_to_referral(found, by=request.user, referral=data["referral"], note=data["note"],
                                                 expected_version=data["version"])
                message = f"Request linked to referral {data['referral'].reference}"
            elif chosen == "met":
                actions.mark_request_met(found, by=request.user, met_on=data["met_on"], note=data["note"],
                                         expected_version=data["version"])
                message = "Request marked as met"
            else:
                actions.answer_request(found, by=request.user, answer=data["answer"], expected_version=data["version"])
                message = "Answer recorded"
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, PersonRequest.objects.get(pk=found.pk).version)
        else:
            messages.success(request, message)
            return redirect("assessments:request", person.crn, found.pk)
    return render(request, "assessments/request_detail.html", case_context(
        person, PLAN_TAB, found=found, forms=forms, chosen=chosen, may_assess=may_assess(request.user),
        error_summary_forms=list(forms.values()), has_errors=any(f.errors for f in forms.values()),
        has_steps=forms["step"].fields["step"].queryset.exists(),
        has_referrals=forms["referral"].fields["referral"].queryset.exists()))
