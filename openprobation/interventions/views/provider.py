"""The provider's pages under /services/provider/. A provider user never reaches the case record.

Every page finds the referral through ``permissions.referrals_for_provider_user`` (only referrals sent to
their own organisation's contracts): any other id answers 404, exactly like a missing one. Each read of
a referral, which names the person, is written to the read-audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.case import client_ip
from openprobation.access.models import AccessEvent
from openprobation.core.calendar import format_date

from .. import actions, permissions
from ..forms import (
    ActionPlanForm,
    AssessmentForm,
    AssignForm,
    EndOfServiceReportForm,
    FeedbackForm,
    LeaverForm,
    RescheduleSessionForm,
    SessionForm,
)
from ..forms.common import show_error
from ..models import ProviderMembership, Session
from ..queries import PROVIDER_FILTERS, attach_reschedules, provider_referrals, provider_rows

PAGE_SIZE = 100
NAVIGATION = [("Referrals", "/services/provider/"), ("Team", "/services/provider/team/"),
              ("Contracts", "/services/contracts/")]


def _membership(request):
    membership = permissions.membership_of(request.user)
    if membership is None:
        raise PermissionDenied("These pages are for intervention providers' staff.")
    return membership


def _referral(request, referral_id):
    referral = (
        permissions.referrals_for_provider_user(request.user)
        .select_related("person", "contract__provider", "contract__category", "caseworker", "end_reason",
                        "sentence__sentence_type")
        .filter(pk=referral_id).first()
    )
    if referral is None:
        raise Http404("No such referral.")
    AccessEvent.objects.create(
        user=request.user, role=request.user.role, crn=referral.person.crn, part="provider-referral",
        granted=True, ip_address=client_ip(request), path=request.path[:300],
    )
    return referral


def _context(**extra):
    return {"service_navigation": NAVIGATION, "today": timezone.localdate(), **extra}


def home(request):
    membership = _membership(request)
    which = request.GET.get("show", "open")
    if which not in PROVIDER_FILTERS:
        which = "open"
    referrals = provider_referrals(permissions.referrals_for_provider_user(request.user), request.user, which)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "interventions/provider/home.html", _context(
        membership=membership, page_obj=page, rows=provider_rows(page), which=which,
        filters=[(key, label) for key, (label, _) in PROVIDER_FILTERS.items()],
    ))


def referral(request, referral_id):
    membership = _membership(request)
    found = _referral(request, referral_id)
    sessions = list(found.sessions.select_related("contact__outcome").order_by("number"))
    attach_reschedules(sessions, found.person)
    return render(request, "interventions/provider/referral.html", _context(
        membership=membership, referral=found, sessions=sessions,
        outcomes=list(found.outcomes.select_related("outcome")),
        plans=list(found.action_plans.select_related("submitted_by", "approved_by")),
        changes=list(found.changes.select_related("changed_by")),
        may_deliver=permissions.may_deliver(request.user, found),
        may_assign=permissions.may_manage_provider_work(request.user, found),
        report=getattr(found, "end_of_service_report", None) if hasattr(found, "end_of_service_report") else None,
        now=timezone.now(),
    ))


def _step(request, referral_id, *, template, make_form, apply, allowed=permissions.may_deliver):
    """A provider page with one form that acts on the referral."""
    _membership(request)
    found = _referral(request, referral_id)
    if not allowed(request.user, found):
        raise PermissionDenied("Only the assigned caseworker or a manager at the provider can do this.")
    form = make_form((request.POST if request.method == "POST" else None), found)
    if request.method == "POST" and form.is_valid():
        try:
            message = apply(found, form)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, message)
            return redirect("interventions:provider-referral", found.pk)
    return render(request, template, _context(form=form, referral=found))


def assign(request, referral_id):
    today = timezone.localdate()

    def apply(found, form):
        actions.assign_referral(found, by=request.user, caseworker=form.cleaned_data["caseworker"],
                                reason=form.cleaned_data["reason"])
        return f"Assigned to {form.cleaned_data['caseworker']}"

    return _step(request, referral_id, template="interventions/provider/assign.html",
                 make_form=lambda data, r: AssignForm(data, provider=r.contract.provider, today=today,
                                                      initial={"caseworker": r.caseworker_id}),
                 apply=apply, allowed=permissions.may_manage_provider_work)


def assessment(request, referral_id):
    def apply(found, form):
        actions.record_initial_assessment(found, by=request.user, on=form.cleaned_data["on"],
                                          notes=form.cleaned_data["notes"])
        return "Initial assessment recorded: the action plan is due within 5 working days"

    return _step(request, referral_id, template="interventions/provider/assessment.html",
                 make_form=lambda data, r: AssessmentForm(data), apply=apply)


def action_plan(request, referral_id):
    def apply(found, form):
        actions.submit_action_plan(found, by=request.user, activities=form.cleaned_data["activities"],
                                   number_of_sessions=form.cleaned_data["number_of_sessions"])
        return "Action plan sent to the probation practitioner for approval"

    return _step(request, referral_id, template="interventions/provider/action_plan.html",
                 make_form=lambda data, r: ActionPlanForm(data), apply=apply)


def add_session(request, referral_id):
    def apply(found, form):
        data = form.cleaned_data
        session = actions.schedule_session(found, by=request.user, starts_at=data.get("starts_at"),
                                           duration=data.get("duration"), delivery=data["delivery"],
                                           place=data["place"])
        return f"Session {session.number} arranged"

    return _step(request, referral_id, template="interventions/provider/session.html",
                 make_form=lambda data, r: SessionForm(data), apply=apply)


def feedback(request, referral_id, session_id):
    _membership(request)
    found = _referral(request, referral_id)
    if not permissions.may_deliver(request.user, found):
        raise PermissionDenied("Only the assigned caseworker or a manager at the provider can do this.")
    session = Session.objects.filter(referral=found, pk=session_id).select_related("contact").first()
    if session is None:
        raise Http404("No such session.")
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_session_feedback(session, by=request.user, **form.feedback())
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Feedback for session {session.number} recorded")
            return redirect("interventions:provider-referral", found.pk)
    return render(request, "interventions/provider/feedback.html", _context(form=form, referral=found,
                                                                            session=session))


def _is_clash(error: ValidationError) -> bool:
    return not hasattr(error, "error_dict") and any(e.code == "clash" for e in error.error_list)


def reschedule_session(request, referral_id, session_id):
    """Move a session to a new time: the same reschedule as the case's appointments page."""
    _membership(request)
    found = _referral(request, referral_id)
    if not permissions.may_deliver(request.user, found):
        raise PermissionDenied("Only the assigned caseworker or a manager at the provider can do this.")
    session = Session.objects.filter(referral=found, pk=session_id).select_related("contact").first()
    if session is None:
        raise Http404("No such session.")
    form = RescheduleSessionForm(request.POST if request.method == "POST" else None,
                                 initial={"contact": session.contact_id, "version": session.contact.version})
    clash = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.reschedule_session(
                session, by=request.user, starts_at=data.get("starts_at"), requested_by=data["requested_by"],
                reason=data["reason"], expected_contact=data["contact"], expected_version=data["version"],
                allow_clashes=data["allow_clashes"],
            )
        except ValidationError as error:
            clash = _is_clash(error)
            show_error(form, error, {"starts_at": "date"})
            # The page now shows the session as it is, so trying again acts on what the provider sees.
            form.data = form.data.copy()
            form.data["contact"], form.data["version"] = session.contact_id, session.contact.version
        else:
            session.refresh_from_db()
            when = timezone.localtime(session.contact.starts_at)
            messages.success(request, f"Session {session.number} rescheduled to {format_date(when.date())} at "
                                      f"{when:%H:%M}")
            return redirect("interventions:provider-referral", found.pk)
    if not (clash or form.data.get("allow_clashes")):
        form.fields.pop("allow_clashes")
    return render(request, "interventions/provider/reschedule.html", _context(form=form, referral=found,
                                                                              session=session))


def end_of_service_report(request, referral_id):
    def make_form(data, found):
        return EndOfServiceReportForm(data, outcomes=found.outcomes.select_related("outcome"))

    def apply(found, form):
        actions.submit_end_of_service_report(found, by=request.user, ratings=form.ratings(),
                                             further_information=form.cleaned_data["further_information"])
        return "End-of-service report sent to the probation practitioner"

    return _step(request, referral_id, template="interventions/provider/end_of_service_report.html",
                 make_form=make_form, apply=apply)


def team(request):
    membership = _membership(request)
    members = list(ProviderMembership.objects.filter(provider=membership.provider).select_related("user")
                   .order_by("left_on", "user__last_name"))
    return render(request, "interventions/provider/team.html", _context(membership=membership, members=members))


def leaver(request, membership_id):
    membership = _membership(request)
    if not membership.is_manager:
        raise PermissionDenied("Only a manager at the provider can record that someone has left.")
    member = ProviderMembership.objects.filter(provider=membership.provider, pk=membership_id).select_related(
        "user").first()
    if member is None:
        raise Http404("No such member of your organisation.")
    form = LeaverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_caseworker_left(member, by=request.user, left_on=form.cleaned_data["left_on"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Recorded that {member.user} left: reassign their referrals")
            return redirect("interventions:provider-team")
    return render(request, "interventions/provider/leaver.html", _context(form=form, member=member))
