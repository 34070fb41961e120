""""Needs your attention": my alerts, my team's alerts, and one alert closed with a recorded decision.

Lists are read through ``alerts.queries`` (cases the user may see only) at a fixed number of queries; one
alert is read through ``access.views.case_for`` (which records the look) and closed through
``alerts.actions.close_alert``.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.case import people_visible_to
from openprobation.access.views import case_for
from openprobation.staff.models import Role, Team

from .actions import close_alert
from .forms import CloseAlertForm
from .models import Alert
from .queries import open_alerts_for_owner, open_alerts_for_team

PAGE_SIZE = 100
PART = "alerts"


def _page(request, alerts):
    return Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))


def my_alerts(request):
    user = request.user
    page = _page(request, open_alerts_for_owner(user))
    return render(request, "alerts/list.html", {
        "heading": "Needs your attention",
        "page_obj": page,
        "today": timezone.localdate(),
        "show_owner": False,
        "user_id": user.pk,
        "team_link": user.role in (Role.SENIOR_PROBATION_OFFICER, Role.ADMIN) and user.team_id is not None,
    })


def team_alerts(request):
    user = request.user
    if not (user.is_manager or user.role == Role.ADMIN):
        raise PermissionDenied("Team alerts are for team managers.")
    team = user.team
    if user.role == Role.ADMIN and request.GET.get("team"):
        team = Team.objects.filter(code=request.GET["team"]).first()
    if team is None:
        raise Http404("No such team.")
    page = _page(request, open_alerts_for_team(user, team))
    return render(request, "alerts/list.html", {
        "heading": f"Needs attention: {team.name}",
        "page_obj": page,
        "today": timezone.localdate(),
        "show_owner": True,
        "user_id": user.pk,
        "team_link": False,
    })


def may_close(user, alert: Alert) -> bool:
    """The owner, the manager it was escalated to, or a manager of the case's team."""
    if user.pk in (alert.owner_id, alert.escalated_to_id):
        return True
    return user.is_manager and user.team_id is not None and user.team_id == alert.person.team_id


def _evidence(alert: Alert, today: datetime.date) -> dict:
    evidence = dict(alert.evidence or {})
    last = evidence.get("last_session")
    if last:
        evidence["last_session_date"] = datetime.date.fromisoformat(last)
        evidence["days_since_last_session"] = (today - evidence["last_session_date"]).days
    for reason in evidence.get("reasons") or []:
        if isinstance(reason.get("since"), str):
            reason["since"] = datetime.date.fromisoformat(reason["since"])
    transition = evidence.get("transition")
    if transition and isinstance(transition.get("on"), str):
        transition["on"] = datetime.date.fromisoformat(transition["on"])
    if evidence.get("cleared_on"):
        evidence["cleared_on"] = datetime.date.fromisoformat(evidence["cleared_on"])
    return evidence


def alert_detail(request, alert_id):
    found = (
        Alert.objects.filter(pk=alert_id, person__in=people_visible_to(request.user))
        .select_related("person", "owner", "escalated_to", "closed_by")
        .first()
    )
    if found is None:
        raise Http404("No such alert.")
    person = case_for(request, found.person.crn, part=PART)
    alert = found
    today = timezone.localdate()
    form = CloseAlertForm((request.POST if request.method == "POST" else None), reason=alert.reason)
    allowed = may_close(request.user, alert)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("Only the alert's owner or the team's manager can close it.")
        if form.is_valid():
            try:
                close_alert(alert, by=request.user, decision=form.cleaned_data["decision"],
                            rationale=form.cleaned_data["rationale"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, f"Alert closed: {alert.get_decision_display()}")
                return redirect("alerts:mine")
    replacement_url = None
    referral_id = (alert.evidence or {}).get("referral")
    if alert.reason == "protective_service_at_risk" and referral_id and alert.is_open:
        from django.urls import reverse

        replacement_url = reverse("interventions:replacement", args=[person.crn, referral_id])
    return render(request, "alerts/detail.html", {
        "alert": alert,
        "person": person,
        "evidence": _evidence(alert, today),
        "today": today,
        "form": form,
        "may_close": allowed and alert.is_open,
        "replacement_url": replacement_url,
    })
