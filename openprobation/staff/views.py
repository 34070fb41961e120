from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from .caseload_html import caseload_rows_html
from .forms import CaseloadFilterForm
from .queries import caseload_page, outcomes_due_for, team_workload

SORTABLE_COLUMNS = [("name", "Name"), ("crn", "CRN"), ("next", "Next appointment"),
                    ("last", "Last appointment"), ("outcomes", "Outcomes to record"), ("compliance", "Compliance")]


# A team's caseload is read 50 cases a page: at 100 its p95 missed the 100 ms budget on the national data set
# (bench/README.md). A practitioner's own caseload (60-odd cases) stays on one page of 100.
TEAM_PAGE_SIZE = 50


def _filtered(request, form, **scope):
    filters = form.cleaned_data if form.is_valid() else {}
    return caseload_page(
        request.user,
        page=request.GET.get("page") or 1,
        sort=filters.get("sort") or "name",
        text=(filters.get("q") or "").strip(),
        order_code=filters.get("order") or "",
        status=filters.get("status") or "",
        practitioner_id=filters.get("practitioner"),
        **scope,
    ), filters


def my_caseload(request):
    form = CaseloadFilterForm(request.GET or None)
    caseload, filters = _filtered(request, form)
    # The banner counts every case's outcomes, not only this page's.
    narrowed = any(filters.get(name) for name in ("q", "order", "status"))
    outcomes_due = (sum(r.outcomes_due for r in caseload.rows) if caseload.whole and not narrowed
                    else outcomes_due_for(request.user))
    return render(request, "staff/caseload.html", {
        "form": form, "caseload": caseload, "rows": caseload.rows, "rows_html": caseload_rows_html(caseload.rows),
        "sort": filters.get("sort") or "name", "columns": SORTABLE_COLUMNS, "outcomes_due": outcomes_due,
        "heading": "My caseload",
    })


def team_caseload(request):
    user = request.user
    if not (user.is_manager or user.role == "admin") or user.team is None:
        raise PermissionDenied("Team caseloads are for team managers.")
    team = user.team
    # The workload reads the team's active members (by name), which is also the practitioner filter's list.
    workload = team_workload(user, team)
    practitioners = [m.member for m in workload if m.member.is_practitioner]
    form = CaseloadFilterForm(request.GET or None, practitioners=practitioners)
    caseload, filters = _filtered(request, form, team=team, per_page=TEAM_PAGE_SIZE)
    return render(request, "staff/team_caseload.html", {
        "form": form, "caseload": caseload, "rows": caseload.rows,
        "rows_html": caseload_rows_html(caseload.rows, show_practitioner=True),
        "sort": filters.get("sort") or "name", "columns": SORTABLE_COLUMNS, "team": team, "workload": workload, "heading": f"Team caseload: {team.name}",
    })


def home(request):
    """Where signing in lands: intervention providers on their referrals, everyone else on the first page of
    their navigation (a practitioner's caseload, a partner's shared cases, an inspector's inspections...)."""
    from openprobation.frontend.templatetags.govuk import navigation_for

    if request.user.role == "provider":
        return redirect("interventions:provider-home")
    links = navigation_for(request.user.role)
    return redirect(links[0][1] if links else "caseload:mine")
