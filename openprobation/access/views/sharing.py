"""Sharing a case with public protection partners (`permissions.SHARING`): list, share, end a share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.people.case_tabs import case_context
from openprobation.people.views import apply_validation_error

from .. import actions, permissions
from ..forms import EndForm, ShareForm
from ..models import CaseShare
from ..queries import case_shares
from . import case_for

PART = permissions.SHARING


def sharing(request, crn):
    person = case_for(request, crn, part=PART)
    return render(request, "access/sharing.html", case_context(
        person, PART, shares=case_shares(person, timezone.localdate()),
    ))


def share(request, crn):
    person = case_for(request, crn, part=PART, for_change=True)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = actions.share_case(
                person, partner=data["partner"], start_date=data["start_date"], end_date=data["end_date"],
                reason=data["reason"], by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Case shared with {made.partner}")
            return redirect("case-access:sharing", person.crn)
    return render(request, "access/entry_form.html", case_context(
        person, PART, form=form, heading="Share this case with a partner", kind="share",
        cancel_url_name="case-access:sharing",
    ))


def end_share(request, crn, share_id):
    person = case_for(request, crn, part=PART, for_change=True)
    found = CaseShare.objects.filter(person=person, pk=share_id).select_related("partner").first()
    if found is None:
        raise Http404("No such share on this case.")
    form = EndForm(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_case_share(found, by=request.user, expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            apply_validation_error(form, error)
            form.data = form.data.copy()
            form.data["version"] = CaseShare.objects.filter(pk=found.pk).values_list("version", flat=True).first()
        else:
            messages.success(request, f"Sharing with {found.partner} ended")
            return redirect("case-access:sharing", person.crn)
    return render(request, "access/end_entry.html", case_context(
        person, PART, form=form, entry=found, kind="share",
        heading=f"Stop sharing this case with {found.partner}", cancel_url_name="case-access:sharing",
    ))
