from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context
from openprobation.people.stale import is_stale, stale_edit
from openprobation.people.views import apply_validation_error

from . import actions
from .forms import RecordSentenceForm, RequirementForm, TerminateForm
from .models import Sentence


def sentence(request, crn):
    person = case_for(request, crn, part="sentence")
    sentences = (
        Sentence.objects.filter(person=person)
        .select_related("sentence_type", "event__court")
        .prefetch_related("requirements__requirement_type", "event__offences__offence_type", "breaches")
        .order_by("terminated_on", "-start_date")
    )
    return render(request, "sentences/sentence.html", case_context(person, "sentence", sentences=sentences))


def _sentence_of(person, sentence_id) -> Sentence:
    found = Sentence.objects.filter(person=person, pk=sentence_id).select_related("sentence_type", "event").first()
    if found is None:
        raise Http404("No such order on this case.")
    return found


def record_sentence(request, crn):
    person = case_for(request, crn, part="sentence")
    form = RecordSentenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_sentence(person, by=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("sentence:index", person.crn)
    return render(request, "sentences/form.html", case_context(person, "sentence", form=form,
                                                                heading="Record an order or licence"))


def add_requirement(request, crn, sentence_id):
    person = case_for(request, crn, part="sentence")
    order = _sentence_of(person, sentence_id)
    form = RequirementForm(request.POST or None, initial={"start_date": order.start_date})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_requirement(order, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("sentence:index", person.crn)
    return render(request, "sentences/form.html", case_context(
        person, "sentence", form=form, heading=f"Add a requirement to the {order.sentence_type}", order=order))


def terminate(request, crn, sentence_id):
    person = case_for(request, crn, part="sentence")
    order = _sentence_of(person, sentence_id)
    form = TerminateForm(request.POST or None, initial={"version": order.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.terminate_sentence(order, by=request.user, expected_version=form.cleaned_data["version"],
                                       terminated_on=form.cleaned_data["terminated_on"],
                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if is_stale(error):
                stale = stale_edit(
                    request, form, order, what=f"the {order.sentence_type}",
                    values=lambda s: {"terminated_on": s.terminated_on, "reason": s.termination_reason},
                    restart_url=request.path, cancel_url=reverse("sentence:index", args=[person.crn]),
                )
            apply_validation_error(form, error)
        else:
            return redirect("sentence:index", person.crn)
    return render(request, "sentences/form.html", case_context(
        person, "sentence", form=form, heading=f"End the {order.sentence_type}", order=order, stale=stale))
