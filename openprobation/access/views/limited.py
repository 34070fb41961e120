"""Limited access pages: the exclusion and restriction lists of a case and the messages blocked users see.

For managers and the data protection officer (`permissions.LIMITED_ACCESS`). Every change goes through
`access.actions`, which audits it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.people.case_tabs import case_context
from openprobation.people.views import apply_validation_error

from .. import actions, permissions
from ..forms import DatedEntryForm, EndForm, MessagesForm
from ..models import Exclusion, LimitedAccessMessages, Restriction
from ..queries import limited_access_lists
from . import case_for

PART = permissions.LIMITED_ACCESS
LISTS = {
    "exclusion": (Exclusion, "Exclude a user from this case", "exclude_user", "end_exclusion"),
    "restriction": (Restriction, "Add a user to the restriction list", "restrict_to_user", "end_restriction"),
}


def limited_access(request, crn):
    person = case_for(request, crn, part=PART)
    today = timezone.localdate()
    return render(request, "access/limited_access.html", case_context(
        person, PART, lists=limited_access_lists(person, today), today=today,
    ))


def _add(request, crn, kind):
    person = case_for(request, crn, part=PART, for_change=True)
    _model, heading, action_name, _ = LISTS[kind]
    form = DatedEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = getattr(actions, action_name)(
                person, user=data["user"], start_date=data["start_date"], end_date=data["end_date"],
                reason=data["reason"], by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            done = "excluded from" if kind == "exclusion" else "added to the restriction list of"
            messages.success(request, f"{entry.user} {done} this case")
            return redirect("case-access:limited-access", person.crn)
    return render(request, "access/entry_form.html", case_context(
        person, PART, form=form, heading=heading, kind=kind,
        cancel_url_name="case-access:limited-access",
    ))


def add_exclusion(request, crn):
    return _add(request, crn, "exclusion")


def add_restriction(request, crn):
    return _add(request, crn, "restriction")


def _end(request, crn, entry_id, kind):
    person = case_for(request, crn, part=PART, for_change=True)
    model, _heading, _, action_name = LISTS[kind]
    entry = model.objects.filter(person=person, pk=entry_id).select_related("user").first()
    if entry is None:
        raise Http404("No such entry on this case.")
    form = EndForm(request.POST or None, initial={"version": entry.version})
    if request.method == "POST" and form.is_valid():
        try:
            getattr(actions, action_name)(entry, by=request.user, expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            apply_validation_error(form, error)
            form.data = form.data.copy()
            form.data["version"] = model.objects.filter(pk=entry.pk).values_list("version", flat=True).first()
        else:
            messages.success(request, f"{'Exclusion' if kind == 'exclusion' else 'Restriction'} for {entry.user} ended")
            return redirect("case-access:limited-access", person.crn)
    return render(request, "access/end_entry.html", case_context(
        person, PART, form=form, entry=entry, kind=kind,
        heading=f"End the {kind} for {entry.user}", cancel_url_name="case-access:limited-access",
    ))


def end_exclusion(request, crn, entry_id):
    return _end(request, crn, entry_id, "exclusion")


def end_restriction(request, crn, entry_id):
    return _end(request, crn, entry_id, "restriction")


def edit_messages(request, crn):
    person = case_for(request, crn, part=PART, for_change=True)
    current = LimitedAccessMessages.objects.filter(person=person).first()
    form = MessagesForm(request.POST or None, initial={
        "version": current.version if current else 0,
        "exclusion_message": current.exclusion_message if current else "",
        "restriction_message": current.restriction_message if current else "",
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_limited_access_messages(
                person, exclusion_message=data["exclusion_message"], restriction_message=data["restriction_message"],
                expected_version=data["version"], by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Messages saved")
            return redirect("case-access:limited-access", person.crn)
    return render(request, "access/messages_form.html", case_context(person, PART, form=form, current=current))
