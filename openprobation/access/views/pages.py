"""Access pages outside a case: inspection samples (set up by administrators, read by their inspectors) and
the cases shared with a partner user.

Administrators see a sample's CRNs and inspectors, never case details; inspectors and partners see their cases
through `people_listed_for`, so a case blocked to them by a limited-access list shows as "Restricted".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.people.views import apply_validation_error
from openprobation.staff.models import Role

from .. import actions, permissions
from ..case import people_in_scope
from ..forms import EndForm, InspectionSampleForm
from ..models import InspectionSample
from ..queries import listed_cases, samples_for


def _may_see_samples(user) -> bool:
    return permissions.may_manage_inspection_samples(user) or user.role == Role.INSPECTOR


def _require_admin(user):
    if not permissions.may_manage_inspection_samples(user):
        raise PermissionDenied("Only system administrators set up inspection samples.")


def inspections(request):
    if not _may_see_samples(request.user):
        raise PermissionDenied("Inspection samples are for inspectors and system administrators.")
    today = timezone.localdate()
    samples = list(samples_for(request.user))
    for sample in samples:
        sample.in_force = sample.is_active(today)
    return render(request, "access/inspections.html", {
        "samples": samples,
        "may_manage": permissions.may_manage_inspection_samples(request.user),
    })


def add_inspection(request):
    _require_admin(request.user)
    form = InspectionSampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sample = actions.create_inspection_sample(
                name=data["name"], start_date=data["start_date"], end_date=data["end_date"],
                inspectors=data["inspectors"], crns=data["crns"], by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Inspection sample ‘{sample.name}’ set up")
            return redirect("access:inspection", sample.pk)
    return render(request, "access/inspection_form.html", {"form": form})


def _sample_for(user, sample_id) -> InspectionSample:
    samples = InspectionSample.objects.prefetch_related("inspectors")
    if not permissions.may_manage_inspection_samples(user):
        samples = samples.filter(inspectors=user)
    sample = samples.filter(pk=sample_id).first()
    if sample is None:
        raise Http404("No such inspection sample.")
    return sample


def inspection(request, sample_id):
    if not _may_see_samples(request.user):
        raise PermissionDenied("Inspection samples are for inspectors and system administrators.")
    sample = _sample_for(request.user, sample_id)
    today = timezone.localdate()
    context = {"sample": sample, "in_force": sample.is_active(today), "today": today}
    if permissions.may_manage_inspection_samples(request.user):
        context["crns"] = list(sample.people.order_by("crn").values_list("crn", flat=True))
        context["end_form"] = EndForm(initial={"version": sample.version})
    else:
        context["cases"] = listed_cases(request.user, sample.people.all(), today=today)
    return render(request, "access/inspection.html", context)


def end_inspection(request, sample_id):
    _require_admin(request.user)
    sample = _sample_for(request.user, sample_id)
    form = EndForm(request.POST or None, initial={"version": sample.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_inspection_sample(sample, by=request.user, expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Access for ‘{sample.name}’ ended")
            return redirect("access:inspection", sample.pk)
    return render(request, "access/end_inspection.html", {"form": form, "sample": sample})


def shared_with_me(request):
    if not permissions.reaches_shared_cases(request.user):
        raise PermissionDenied("This page lists the cases shared with a public protection partner.")
    today = timezone.localdate()
    return render(request, "access/shared_with_me.html", {
        "cases": listed_cases(request.user, people_in_scope(request.user, today=today), today=today),
    })
