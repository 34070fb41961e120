"""Appointment pages: the list, arrange, detail, reschedule, record an outcome, enforcement, notes and
other contacts.

Every page reads the case through ``case_for`` and only shows a contact that belongs to that case;
every change goes through ``supervision.actions``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.core.calendar import format_date
from openprobation.people.case_tabs import case_context
from openprobation.people.stale import is_stale, stale_edit

from .. import actions
from ..enforcement import decide_for_contact, due_date_rows, local_date, status_words
from ..forms import ArrangeForm, ContactForm, EnforcementForm, NoteForm, OutcomeForm, RescheduleForm
from ..models import Breach, Contact

PART = "appointments"
PAST_SHOWN = 50
# The actions that change a contact's version; the latest says who changed it.
CONTACT_VERSION_VERBS = ("record_outcome", "reschedule_appointment")


def _contact_of(person, contact_id, *, appointment=True) -> Contact:
    """The contact with this id on this person's case, or 404: an id from another case looks missing."""
    found = (
        Contact.objects.filter(person=person, pk=contact_id)
        .select_related(
            "contact_type", "outcome", "location", "staff", "sentence__sentence_type",
            "requirement__requirement_type", "rescheduled_to", "outcome_recorded_by",
        )
        .first()
    )
    if found is None or (appointment and not found.contact_type.attendance):
        raise Http404("No such appointment on this case.")
    return found


def _show_error(form, error: ValidationError):
    """Put an action's ValidationError on the form: field errors on their field, the rest at the top."""
    mapping = getattr(form, "error_fields", {})
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            field = mapping.get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _show_current_version(form, contact: Contact):
    """After a refused change the page shows the contact as it is now, so the form carries that version:
    the user sees the latest details before trying again."""
    form.data = form.data.copy()
    form.data["version"] = Contact.objects.filter(pk=contact.pk).values_list("version", flat=True).first()


def _stale_edit(request, form, contact, *, values, labels, exclude=()):
    """The page that shows what changed when someone else changed the appointment first."""
    return stale_edit(
        request, form, contact, what="this appointment", values=values, labels=labels, exclude=exclude,
        verbs=CONTACT_VERSION_VERBS, restart_url=request.path,
        cancel_url=reverse("supervision:appointment", args=[contact.person.crn, contact.pk]),
    )


def _reschedule_values(contact) -> dict:
    return {
        "starts_at": contact.rescheduled_to.starts_at if contact.rescheduled_to_id else contact.starts_at,
        "requested_by": contact.reschedule_requested_by,
        "reason": contact.reschedule_reason,
        "outcome": contact.outcome,
    }


def _is_clash(error: ValidationError) -> bool:
    return not hasattr(error, "error_dict") and any(item.code == "clash" for item in error.error_list)


def _is_future(contact: Contact) -> bool:
    return contact.starts_at > timezone.now()


def appointment_list(request, crn):
    person = case_for(request, crn, part=PART)
    now = timezone.now()
    appointments = (
        Contact.objects.appointments()
        .filter(person=person)
        .select_related("contact_type", "outcome", "location", "staff", "rescheduled_to")
    )
    upcoming = list(appointments.filter(starts_at__gte=now).order_by("starts_at"))
    needs_outcome = list(
        appointments.filter(starts_at__lt=now, outcome__isnull=True, contact_type__outcome_required=True)
        .order_by("starts_at")
    )
    past = list(appointments.filter(starts_at__lt=now, outcome__isnull=False).order_by("-starts_at")[: PAST_SHOWN + 1])
    return render(request, "supervision/appointments.html", case_context(
        person, "appointments",
        upcoming=upcoming,
        needs_outcome=needs_outcome,
        past=past[:PAST_SHOWN],
        more_past=len(past) > PAST_SHOWN,
    ))


def _arranged_message(contacts) -> str:
    first = timezone.localtime(contacts[0].starts_at)
    if len(contacts) == 1:
        return f"Appointment arranged for {first:%A} {format_date(first.date())} at {first:%H:%M}"
    last = timezone.localtime(contacts[-1].starts_at)
    return f"{len(contacts)} appointments arranged, from {format_date(first.date())} to {format_date(last.date())}"


def arrange(request, crn):
    person = case_for(request, crn, part=PART)
    form = ArrangeForm(request.POST or None, person=person, user=request.user)
    step = request.POST.get("step", "details")
    context = case_context(person, "appointments", form=form)
    if request.method != "POST" or not form.is_valid() or step not in ("details", "confirm", "anyway"):
        return render(request, "supervision/arrange.html", context)
    data = form.cleaned_data
    try:
        plan = actions.plan_appointments(person, **form.arrangement())
        if step in ("confirm", "anyway"):
            contacts = actions.arrange_appointments(
                person, by=request.user, **form.arrangement(), sensitive=data["sensitive"], notes=data["notes"],
                allow_clashes=step == "anyway",
            )
            messages.success(request, _arranged_message(contacts))
            return redirect("supervision:appointment", person.crn, contacts[0].pk)
    except ValidationError as error:
        if not _is_clash(error):
            _show_error(form, error)
            return render(request, "supervision/arrange.html", context)
        # A clash appeared after the confirmation page was shown: show the plan again.
        plan = actions.plan_appointments(person, **form.arrangement())
    posted = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", "step")
        for value in values
    ]
    return render(request, "supervision/arrange_confirm.html", case_context(
        person, "appointments",
        plan=plan,
        any_clashes=any(planned.clashes for planned in plan),
        posted=posted,
        details=data,
    ))


def appointment_detail(request, crn, contact_id):
    person = case_for(request, crn, part=PART)
    contact = _contact_of(person, contact_id)
    notes = list(contact.notes.select_related("created_by"))
    enforcement = list(contact.enforcement.select_related("action", "decided_by").order_by("decided_on", "id"))
    breach = Breach.objects.filter(triggered_by=contact).first()
    rescheduled_from = Contact.objects.filter(rescheduled_to=contact).select_related("contact_type").first()
    rescheduled = bool(contact.outcome and contact.outcome.reschedule)
    return render(request, "supervision/appointment_detail.html", case_context(
        person, "appointments",
        contact=contact,
        notes=notes,
        enforcement=enforcement,
        breach=breach,
        rescheduled_from=rescheduled_from,
        rescheduled=rescheduled,
        is_future=_is_future(contact),
        may_record_outcome=not rescheduled and not _is_future(contact),
        may_reschedule=_may_reschedule(contact),
        may_enforce=contact.outcome_id is not None and not rescheduled and contact.sentence_id is not None,
    ))


def _may_reschedule(contact) -> bool:
    """No outcome yet, and, for a commissioned service's session, no feedback from the provider either."""
    if contact.outcome_id is not None:
        return False
    session = getattr(contact, "provider_session", None)  # the reverse one-to-one; None for other appointments
    return session is None or not session.has_feedback


def reschedule(request, crn, contact_id):
    person = case_for(request, crn, part=PART)
    contact = _contact_of(person, contact_id)
    form = RescheduleForm(request.POST or None, initial={"version": contact.version})
    clashes = False
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = actions.reschedule_appointment(
                contact, by=request.user, starts_at=data["starts_at"], requested_by=data["requested_by"],
                reason=data["reason"], expected_version=data["version"], allow_clashes=data["allow_clashes"],
            )
        except ValidationError as error:
            clashes = _is_clash(error)
            if is_stale(error):
                stale = _stale_edit(request, form, contact, values=_reschedule_values, exclude=("date", "start_time"),
                                    labels={"starts_at": "Date and time", "requested_by": "Requested by",
                                            "reason": "Reason", "outcome": "Outcome"})
            _show_error(form, error)
            _show_current_version(form, contact)
        else:
            when = timezone.localtime(new.starts_at)
            messages.success(request, f"Appointment rescheduled to {when:%A} {format_date(when.date())} at {when:%H:%M}")
            return redirect("supervision:appointment", person.crn, new.pk)
    return render(request, "supervision/reschedule.html", case_context(
        person, "appointments",
        contact=contact,
        form=form,
        show_allow_clashes=clashes or bool(form.data.get("allow_clashes")),
        may_reschedule=_may_reschedule(contact),
        stale=stale,
    ))


def record_outcome(request, crn, contact_id):
    person = case_for(request, crn, part=PART)
    contact = _contact_of(person, contact_id)
    form = OutcomeForm(request.POST or None, initial={"version": contact.version, "outcome": contact.outcome_id})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = actions.record_outcome(
                contact, data["outcome"], by=request.user, notes=data["notes"], expected_version=data["version"],
            )
        except ValidationError as error:
            if is_stale(error):
                stale = _stale_edit(request, form, contact, values=lambda c: {"outcome": c.outcome},
                                    labels={"outcome": "Outcome"})
            _show_error(form, error)
            _show_current_version(form, contact)
        else:
            messages.success(request, f"Outcome recorded: {data['outcome']}")
            if decision.enforcement_review_due:
                messages.info(request, "The failures to comply on this order reached its limit: an enforcement "
                                       "review has been added to the activity log")
            if decision.allowed_actions:
                return redirect("supervision:enforcement", person.crn, contact.pk)
            return redirect("supervision:appointment", person.crn, contact.pk)
    contact.refresh_from_db(fields=["version", "outcome"])
    rescheduled = bool(contact.outcome and contact.outcome.reschedule)
    return render(request, "supervision/outcome.html", case_context(
        person, "appointments",
        contact=contact,
        form=form,
        is_future=_is_future(contact),
        rescheduled=rescheduled,
        stale=stale,
    ))


def enforcement(request, crn, contact_id):
    person = case_for(request, crn, part=PART)
    contact = _contact_of(person, contact_id)
    if contact.outcome is None:
        messages.info(request, "Record the outcome of the appointment before choosing an enforcement action")
        return redirect("supervision:outcome", person.crn, contact.pk)
    today = timezone.localdate()
    decision = decide_for_contact(contact, today=today)
    form = EnforcementForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.take_enforcement_action(
                contact, form.cleaned_data["action"], by=request.user, rationale=form.cleaned_data["rationale"],
                today=today,
            )
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, actions.enforcement_summary(record.action, record))
            return redirect("supervision:appointment", person.crn, contact.pk)
    taken = list(contact.enforcement.select_related("action", "decided_by").order_by("decided_on", "id"))
    return render(request, "supervision/enforcement.html", case_context(
        person, "appointments",
        contact=contact,
        decision=decision,
        status=status_words(decision),
        due_dates=due_date_rows(decision.due_dates),
        evidence_due=contact.evidence_due,
        taken=taken,
        form=form,
        contact_date=local_date(contact.starts_at),
    ))


def add_note(request, crn, contact_id):
    person = case_for(request, crn, part=PART)
    contact = _contact_of(person, contact_id, appointment=False)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_note(contact, by=request.user, text=form.cleaned_data["text"],
                             sensitive=form.cleaned_data["sensitive"])
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Note added")
            if contact.contact_type.attendance:
                return redirect("supervision:appointment", person.crn, contact.pk)
            return redirect("supervision:activity-log", person.crn)
    return render(request, "supervision/add_note.html", case_context(
        person, "appointments" if contact.contact_type.attendance else "activity-log",
        contact=contact,
        notes=list(contact.notes.select_related("created_by")),
        form=form,
    ))


def add_contact(request, crn):
    person = case_for(request, crn, part=PART)
    form = ContactForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = actions.record_contact(
                person, by=request.user, contact_type=data["contact_type"], starts_at=data["starts_at"],
                description=data["description"], notes=data["notes"], sensitive=data["sensitive"],
                sentence=data["sentence"],
            )
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"{contact.contact_type} recorded")
            return redirect("supervision:activity-log", person.crn)
    return render(request, "supervision/add_contact.html", case_context(person, "activity-log", form=form))
