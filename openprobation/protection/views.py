from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.assessments.rules.tier_inputs import TIER_CODES
from openprobation.people.case_tabs import case_context
from openprobation.people.views import apply_validation_error

from . import actions
from .forms import AddRegistrationForm, RemoveRegistrationForm, ReviewRegistrationForm
from .models import Registration
from .queries import case_flags

TAB = actions.PART


def _may_change(request):
    """A read-only role is refused the forms as well as the POST (which case_for already refuses)."""
    if not actions.may_change_registrations(request.user):
        raise PermissionDenied("Your role may read risk flags but not change them.")


def _registration_of(person, registration_id) -> Registration:
    found = (Registration.objects.filter(person=person, pk=registration_id)
             .select_related("register_type", "registered_by", "deregistered_by").first())
    if found is None:
        raise Http404("No such flag on this case.")
    return found


def flags(request, crn):
    person = case_for(request, crn, part=TAB)
    return render(request, "protection/flags.html", case_context(
        person, TAB, flags=case_flags(person, timezone.localdate()), tier_codes=TIER_CODES,
        may_change=actions.may_change_registrations(request.user)))


def flag_detail(request, crn, registration_id):
    person = case_for(request, crn, part=TAB)
    registration = _registration_of(person, registration_id)
    return render(request, "protection/flag_detail.html", case_context(
        person, TAB, registration=registration, today=timezone.localdate(),
        reviews=registration.reviews.select_related("reviewed_by", "registration__register_type"), tier_codes=TIER_CODES,
        overdue=registration.review_overdue(timezone.localdate()),
        may_change=actions.may_change_registrations(request.user)))


def add_flag(request, crn):
    person = case_for(request, crn, part=TAB)
    _may_change(request)
    form = AddRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = actions.add_registration(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{registration.register_type} flag added")
            return redirect("protection:flags", person.crn)
    return render(request, "protection/form.html", case_context(person, TAB, form=form, heading="Add a risk flag"))


def review_flag(request, crn, registration_id):
    person = case_for(request, crn, part=TAB)
    _may_change(request)
    registration = _registration_of(person, registration_id)
    if not registration.active:
        raise Http404("This flag has been removed.")
    form = ReviewRegistrationForm(request.POST or None, register_type=registration.register_type, initial={
        "version": registration.version, "level": registration.level, "category": registration.category,
        "reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.review_registration(registration, by=request.user, expected_version=data.pop("version"), **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Review of the {registration.register_type} flag recorded")
            return redirect("protection:flags", person.crn)
    return render(request, "protection/form.html", case_context(
        person, TAB, form=form, registration=registration, heading=f"Review the {registration.register_type} flag"))


def remove_flag(request, crn, registration_id):
    person = case_for(request, crn, part=TAB)
    _may_change(request)
    registration = _registration_of(person, registration_id)
    if not registration.active:
        raise Http404("This flag has already been removed.")
    form = RemoveRegistrationForm(request.POST or None, initial={
        "version": registration.version, "removed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.remove_registration(registration, by=request.user,
                                        expected_version=form.cleaned_data["version"],
                                        removed_on=form.cleaned_data["removed_on"],
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{registration.register_type} flag removed")
            return redirect("protection:flags", person.crn)
    return render(request, "protection/form.html", case_context(
        person, TAB, form=form, registration=registration, heading=f"Remove the {registration.register_type} flag"))
