"""Every role against every case route, GET and POST, as the matrix in docs/access.md says.

The routes come from the URL resolver (every pattern taking a CRN), so a new case page is covered the day it is
added; the expected answer comes from the documented matrix, by the part the page itself reports to the
read-audit. Allowed and denied share one setup (the `world` fixture in conftest.py): the same case, shared with
priya and sampled for ian, with a real object of the case for every id a route takes.
"""

import pytest

from openprobation.access import permissions
from openprobation.access.models import AccessEvent
from openprobation.audit.models import AuditEvent
from openprobation.interventions.permissions import may_mark_protective

from .matrix import OTHER, ROLES, case_routes, documented_matrix, expected, no_value_message, route_url

pytestmark = pytest.mark.django_db

CAST = ("alice", "bob", "carol", "mandy", "ada", "cody", "pat", "priya", "ian", "sam", "dora")


# Routes whose page is one part but that the view reads through another (and then checks the finer part itself).
ROUTE_PARTS = {"case:edit-equality": permissions.EQUALITY_DATA}
# Writers of a part by the matrix whom an app's own rule narrows further, by route name or by part. The view may
# refuse them (403) or show them a form they cannot submit, but nothing they send may change anything.
NARROWED_WRITERS = {
    "interventions:protective": may_mark_protective,  # only practitioners and managers mark a service protective
}
# Routes that answer a permitted GET with a redirect rather than a page, and why. Every other route must answer
# a permitted GET with the page itself (200), so a route whose object is missing or in the wrong state fails.
GET_REDIRECTS = {
    # One open assessment per person: the world's is the draft that the section pages need, not one awaiting
    # countersignature, so this page sends the user back to the assessment.
    "assessments:countersign",
}


def _outcome(response, first, method, route) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (200, 204):
        return "allowed"
    if status in (301, 302, 303) and first.granted and "/sign-in/" not in location:
        if method == "POST" or route.name in GET_REDIRECTS:
            return "allowed"  # a change done or refused with a message, then back to a page
        return f"a redirect to {location} instead of the page"
    if status == 403 and first.granted:
        return "403 by the view"
    if status == 404 and first.granted:
        return "404 after access was granted: its object is missing, in the wrong state or not on this case"
    return str(status)


def _acceptable(cell: str, method: str, narrowed: bool = False) -> set[str]:
    """The outcomes the matrix allows: a view may also refuse its own change forms to a role that only reads,
    and to a writer an app's own rule narrows out (`NARROWED_WRITERS`)."""
    if cell == "404":
        return {"404"}
    if cell == "403":
        return {"403", "403 by the view"}
    if cell == "RW" and narrowed:
        return {"allowed", "403 by the view"}
    if cell == "RW":
        return {"allowed"}
    if method == "GET":
        return {"allowed", "403 by the view"}
    return {"403", "403 by the view"}


def _narrowed(route, part, user) -> bool:
    rule = NARROWED_WRITERS.get(route.name) or NARROWED_WRITERS.get(part)
    return rule is not None and not rule(user)


def test_the_resolver_lists_the_case_routes():
    names = {r.name for r in case_routes()}
    for known in ("case:overview", "sentence:record", "supervision:arrange", "case-access:access-log",
                  "case-access:limited-access", "case-access:sharing"):
        assert known in names
    assert "search:index" not in names


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("username", CAST)
def test_every_role_on_every_case_route(request, client, world, username, method):
    user = request.getfixturevalue(username)
    case, values, per_route = world
    matrix = documented_matrix()
    client.force_login(user)
    wrong = []
    routes = case_routes()
    for route in routes:
        url, missing = route_url(route, values, per_route)
        if missing:
            wrong.append(no_value_message(route, missing))
            continue
        before_access = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        before_audit = AuditEvent.objects.count()
        response = client.get(url) if method == "GET" else client.post(url, {})
        first = AccessEvent.objects.filter(id__gt=before_access).order_by("id").first()
        if first is None and method == "GET" and response.status_code in (301, 302, 303):
            continue  # a POST-only action that sends a GET elsewhere before reading anything
        if first is None:
            wrong.append(f"{route.name}: wrote no AccessEvent, so it does not read the case through case_for")
            continue
        assert first.user == user
        assert first.crn == case.crn
        part = ROUTE_PARTS.get(route.name, first.part)
        narrowed = _narrowed(route, part, user)
        want = _acceptable(expected(matrix, user.role, part), method, narrowed)
        got = _outcome(response, first, method, route)
        if got not in want:
            wrong.append(f"{method} {route.name} (part {part}) as {user.role}: expected {' or '.join(sorted(want))}, "
                         f"got {got}")
        if got in ("403", "404"):
            assert first.granted is False, route.name
            assert first.denied_because, route.name
        if got != "allowed" or narrowed:
            assert AuditEvent.objects.count() == before_audit, f"{route.name} changed something when refused"
    assert not wrong, "\n".join(wrong)
    assert len(routes) >= 25


def test_the_documented_matrix_is_the_code(db):
    """docs/access.md and access.permissions say the same, cell by cell, for every part and role."""
    from openprobation.staff.tests.factories import UserFactory

    matrix = documented_matrix()
    assert set(permissions.PART_RULES) | {OTHER} == set(matrix), "document every part in docs/access.md"
    for role in ROLES:
        user = UserFactory.build(role=role)
        for part, row in matrix.items():
            code_part = "a-page-nobody-listed" if part == OTHER else part
            if not (permissions.reaches_every_case(user) or permissions.reaches_shared_cases(user)
                    or permissions.reaches_sampled_cases(user)):
                code = "404"
            elif not permissions.may_read_part(user, code_part):
                code = "403"
            elif permissions.may_change_part(user, code_part):
                code = "RW"
            else:
                code = "R"
            assert row[role] == code, f"{part} for {role}: the document says {row[role]}, the code {code}"


def test_the_matrix_covers_every_case_route_with_real_ids(world):
    """Every case route is requested with real objects of the case (run with -s for the matrix size)."""
    _case, values, per_route = world
    routes = case_routes()
    by_name = {route.name: route for route in routes}
    print(f"\naccess matrix: {len(CAST)} users in {len(ROLES)} roles x {len(routes)} case routes x GET and POST "
          f"= {len(CAST) * len(routes) * 2} requests")
    no_values = [no_value_message(route, missing) for route in routes for missing in [route_url(route, values, per_route)[1]]
                 if missing]
    assert not no_values, "\n".join(no_values)
    stale = [f"{name}: {sorted(given)}" for name, given in per_route.items()
             if name not in by_name or not set(given) <= set(by_name[name].params)]
    assert not stale, f"matrix values for routes or parameters that do not exist: {stale}"
    assert len(routes) >= 25
