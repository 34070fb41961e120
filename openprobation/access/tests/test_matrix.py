"""Every role against every case route, GET and POST, as the matrix in docs/access.md says.

The routes come from the URL resolver (every pattern taking a CRN), so a new case page is covered the day it is
added; the expected answer comes from the documented matrix, by the part the page itself reports to the
read-audit. Allowed and denied share one setup: the same case, shared with priya and sampled for ian.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from openprobation.access import permissions
from openprobation.access.models import AccessEvent
from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    InspectionSampleFactory,
    RestrictionFactory,
)
from openprobation.audit.models import AuditEvent
from openprobation.people.models import PersonalCircumstance
from openprobation.staff.tests.factories import UserFactory
from openprobation.supervision.models import Outcome
from openprobation.supervision.tests.factories import AppointmentFactory

from .matrix import OTHER, ROLES, case_routes, documented_matrix, expected

pytestmark = pytest.mark.django_db

CAST = ("alice", "bob", "carol", "mandy", "ada", "cody", "pat", "priya", "ian", "sam", "dora")


@pytest.fixture
def world(case, alice, mandy, priya, ian, sam):
    """One case and something of every kind its routes point at."""
    order = case.sentences.get()
    appointment = AppointmentFactory(
        sentence=order,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        outcome=Outcome.objects.get(code="AFTC"),
        outcome_recorded_at=timezone.now(),
        outcome_recorded_by=alice,
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    stranger = UserFactory(username="xavier", role="po")
    circumstance = PersonalCircumstance.objects.create(person=case, type="Employment", start_date=datetime.date(2025, 1, 6))
    values = {
        "crn": case.crn,
        "contact_id": appointment.pk,
        "sentence_id": order.pk,
        "kind": "alias",
        "share_id": CaseShareFactory(person=case, partner=priya, added_by=alice).pk,
        "circumstance_id": circumstance.pk,
    }
    per_route = {
        # Entries that are not yet in force, so the case stays visible to everyone while their pages render.
        "case-access:end-exclusion": {"entry_id": ExclusionFactory(person=case, user=stranger, start_date=later,
                                                                   added_by=mandy).pk},
        "case-access:end-restriction": {"entry_id": RestrictionFactory(person=case, user=mandy, start_date=later,
                                                                       added_by=mandy).pk},
    }
    InspectionSampleFactory(inspectors=[ian], people=[case], created_by=sam)
    per_route.update(app_values(case, {"alice": alice, "mandy": mandy, "priya": priya, "ian": ian, "sam": sam}))
    return case, values, per_route


# Routes whose page is one part but that the view reads through another (and then checks the finer part itself).
ROUTE_PARTS = {"case:edit-equality": permissions.EQUALITY_DATA}
# An id nothing has, for a parameter no app gave a value for (see `app_values`). Such a route is still checked
# for every refusal; an access-granted "not found" (the object is missing, not the case) counts as allowed, and a
# view that looks the object up before the case cannot be checked at all: it is reported as uncovered.
PLACEHOLDER_ID = 987654321


def app_values(case, users) -> dict[str, dict]:
    """Route parameters contributed by the apps: `openprobation/<app>/tests/matrix_values.py` may define
    `matrix_values(case, users) -> {route name: {parameter: value}}`, so each app covers its own routes."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("openprobation."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix_values")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tests.matrix_values":
                raise
            continue
        found.update(module.matrix_values(case, users))
    return found


def _url(route, values, per_route) -> tuple[str, bool]:
    kwargs = {}
    placeholder = False
    for param in route.params:
        value = per_route.get(route.name, {}).get(param, values.get(param))
        if value is None:
            value, placeholder = PLACEHOLDER_ID, True
        kwargs[param] = value
    return reverse(route.name, kwargs=kwargs), placeholder


def _outcome(response, crn, first, placeholder) -> str:
    status = response.status_code
    if status in (200, 204):
        return "allowed"
    if status in (301, 302, 303) and f"/cases/{crn}/" in response.get("Location", ""):
        return "allowed"
    if status in (301, 302, 303) and first.granted and "/sign-in/" not in response.get("Location", ""):
        return "allowed"  # a page that sends a permitted user elsewhere (a download, a finished step)
    if status == 404 and placeholder and first.granted:
        return "allowed"
    if status == 403 and first.granted:
        return "403 by the view"
    return str(status)


def _acceptable(cell: str, method: str) -> set[str]:
    """The outcomes the matrix allows: a view may also refuse its own change forms to a role that only reads."""
    if cell == "404":
        return {"404"}
    if cell == "403":
        return {"403", "403 by the view"}
    if cell == "RW":
        return {"allowed"}
    if method == "GET":
        return {"allowed", "403 by the view"}
    return {"403", "403 by the view"}


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
        url, placeholder = _url(route, values, per_route)
        before_access = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        before_audit = AuditEvent.objects.count()
        response = client.get(url) if method == "GET" else client.post(url, {})
        first = AccessEvent.objects.filter(id__gt=before_access).order_by("id").first()
        if first is None and placeholder and response.status_code == 404:
            continue  # looked its object up before the case: needs a matrix value (see app_values)
        if first is None and method == "GET" and response.status_code in (301, 302, 303):
            continue  # a POST-only action that sends a GET elsewhere before reading anything
        if first is None:
            wrong.append(f"{route.name}: wrote no AccessEvent, so it does not read the case through case_for")
            continue
        assert first.user == user
        assert first.crn == case.crn
        part = ROUTE_PARTS.get(route.name, first.part)
        want = _acceptable(expected(matrix, user.role, part), method)
        got = _outcome(response, case.crn, first, placeholder)
        if got not in want:
            wrong.append(f"{method} {route.name} (part {part}) as {user.role}: expected {' or '.join(sorted(want))}, "
                         f"got {got}")
        if got in ("403", "404"):
            assert first.granted is False, route.name
            assert first.denied_because, route.name
        if got != "allowed":
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
    """Prints the matrix size (run with -s); the core case routes never fall back to a placeholder id."""
    _case, values, per_route = world
    routes = case_routes()
    placeholders = sorted(r.name for r in routes if _url(r, values, per_route)[1])
    print(f"\naccess matrix: {len(CAST)} users in {len(ROLES)} roles x {len(routes)} case routes x GET and POST "
          f"= {len(CAST) * len(routes) * 2} requests; with a placeholder id: {', '.join(placeholders) or 'none'}")
    core = ("case:", "case-access:", "sentence:", "supervision:")
    assert not [name for name in placeholders if name.startswith(core)]
    assert len(routes) >= 25
