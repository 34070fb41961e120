"""Other assessments and reports, and reconciling assessments that disagree."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context

from .. import actions
from ..conflicts import reconcile_conflict
from ..forms import ExternalAssessmentForm, ReconcileForm, SetAsideForm
from ..models import ExternalAssessment
from ..queries import risk_page
from .common import RISK_PART, RISK_TAB, object_of, show_error


def add_external(request, crn):
    person = case_for(request, crn, part=RISK_PART)
    form = ExternalAssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.record_external_assessment(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{report.get_kind_display()} by {report.author} recorded")
            return redirect("assessments:index", person.crn)
    return render(request, "assessments/add_external.html", case_context(person, RISK_TAB, form=form))


def set_aside_external(request, crn, report_id):
    person = case_for(request, crn, part=RISK_PART)
    report = object_of(ExternalAssessment, person, report_id)
    form = SetAsideForm(request.POST if request.method == "POST" else None)
    if report.set_aside_at is not None:
        messages.info(request, "This report has already been set aside")
        return redirect("assessments:index", person.crn)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_aside_external_assessment(report, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{report.get_kind_display()} by {report.author} set aside")
            return redirect("assessments:index", person.crn)
    return render(request, "assessments/set_aside.html", case_context(person, RISK_TAB, form=form, report=report))


def reconcile(request, crn):
    person = case_for(request, crn, part=RISK_PART)
    today = timezone.localdate()
    page = risk_page(person, today)
    if page.conflict is None or page.reconciled is not None:
        messages.info(request, "There is no disagreement between current assessments to reconcile")
        return redirect("assessments:index", person.crn)
    form = ReconcileForm(request.POST if request.method == "POST" else None, initial={"subject_key": page.conflict.subject_key})
    if request.method == "POST" and form.is_valid():
        try:
            reconcile_conflict(person, by=request.user, subject_key=form.cleaned_data["subject_key"],
                               rationale=form.cleaned_data["rationale"], today=today)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Reconciliation recorded")
            return redirect("assessments:index", person.crn)
    return render(request, "assessments/reconcile.html", case_context(person, RISK_TAB, form=form, page=page))
