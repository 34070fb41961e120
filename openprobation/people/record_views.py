"""Pages that add to the details recorded about a person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from openprobation.access.case import access_equality_data
from openprobation.access.views import case_for

from . import actions
from .case_tabs import case_context
from .record_forms import (
    AdjustmentForm,
    AliasForm,
    CircumstanceForm,
    DisabilityForm,
    EndCircumstanceForm,
    EqualityDataForm,
    PersonalContactForm,
)
from .views import apply_validation_error

DETAIL_PAGES = {
    "alias": (AliasForm, "Add an alias", "Alias added"),
    "circumstance": (CircumstanceForm, "Add a personal circumstance", "Personal circumstance added"),
    "disability": (DisabilityForm, "Add a disability", "Disability added"),
    "adjustment": (AdjustmentForm, "Add an adjustment", "Adjustment added"),
    "personal_contact": (PersonalContactForm, "Add a personal contact", "Personal contact added"),
}


def add_detail(request, crn, kind):
    if kind not in DETAIL_PAGES:
        raise Http404("No such detail.")
    person = case_for(request, crn, part="personal-details")
    form_class, heading, done = DETAIL_PAGES[kind]
    extra = {"person": person} if form_class is AdjustmentForm else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_detail(person, kind, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect("case:personal-details", person.crn)
    return render(request, "people/edit_form.html", case_context(person, "personal-details", form=form,
                                                                  heading=heading))


def end_circumstance(request, crn, circumstance_id):
    person = case_for(request, crn, part="personal-details")
    circumstance = person.circumstances.filter(pk=circumstance_id, end_date__isnull=True).first()
    if circumstance is None:
        raise Http404("No current circumstance with that id on this case.")
    form = EndCircumstanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_circumstance(circumstance, by=request.user, end_date=form.cleaned_data["end_date"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{circumstance} ended")
            return redirect("case:personal-details", person.crn)
    return render(request, "people/edit_form.html", case_context(
        person, "personal-details", form=form, heading="End a personal circumstance", current=circumstance))


def edit_equality_data(request, crn):
    person = case_for(request, crn, part="personal-details")
    if not request.user.may_read_special_category:
        raise PermissionDenied("Your role does not give access to special category data.")
    current = access_equality_data(request.user, person, request=request)
    form = EqualityDataForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        actions.update_equality_data(person, by=request.user, **fields)
        messages.success(request, "Equality monitoring updated")
        return redirect("case:personal-details", person.crn)
    return render(request, "people/edit_form.html", case_context(person, "personal-details", form=form,
                                                                  heading="Change equality monitoring"))
