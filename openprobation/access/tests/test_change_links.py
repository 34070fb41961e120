"""Case pages offer a change only to those who may make it.

A role that may only read a part (court officers outside court work, partners, inspectors) is refused every
change to it by `case_for`; the pages it reads must not offer those changes either: no link to a change page and
no form that posts a change. A practitioner, who may change every part, still gets them all.

The change routes come from the URL resolver, like the access matrix's: every case route but the pages for
reading (`READ_ROUTES`), so a new form is covered the day it is added. Which part a linked route changes is what
the route itself reports to the read-audit when the viewer opens it, so the answer follows the matrix.
"""

import datetime
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from openprobation.access import permissions
from openprobation.access.models import AccessEvent
from openprobation.assessments.tests.factories import make_referral
from openprobation.supervision.tests.factories import AppointmentFactory

from .matrix import case_routes, route_url

pytestmark = pytest.mark.django_db

# The pages for reading a case: its tabs and the pages for one thing on it. Every other case route is a change:
# a form, or an action a button posts.
READ_ROUTES = frozenset({
    "case:overview", "case:personal-details",
    "sentence:index",
    "supervision:appointments", "supervision:appointment", "supervision:activity-log", "supervision:compliance",
    "interventions:case-services", "interventions:referral",
    "assessments:index", "assessments:assessment", "assessments:tier", "assessments:plan",
    "assessments:plan-version", "assessments:request",
    "protection:flags", "protection:flag",
    "case-access:sharing", "case-access:limited-access", "case-access:access-log", "case-access:access-log-csv",
    "case-audit:history", "case-audit:subject-access",
})
# Change routes that no page for reading links to, in the world's state or at all, so that a practitioner's
# pages are not expected to offer them.
NOT_LINKED_FROM_READING = frozenset({
    # One open assessment per person, and the world's is a draft with sections still to do: it cannot be
    # started again, completed yet, or countersigned.
    "assessments:start", "assessments:complete", "assessments:countersign",
    "assessments:ogrs3",  # offered on the predictors form
    "interventions:refer",  # offered on "choose a service"
    # The access tabs are for managers and the data protection officer, not practitioners.
    "case-access:add-exclusion", "case-access:add-restriction", "case-access:end-exclusion",
    "case-access:end-restriction", "case-access:messages",
})


class _Targets(HTMLParser):
    """Where a page's links and forms go: `links` (hrefs, and forms that get a page) and `posts` (the actions of
    forms that post)."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.links, self.posts = set(), set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.add(attributes["href"])
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self.posts.add(attributes.get("action") or self.page_path)
        elif tag == "form" and attributes.get("action"):
            self.links.add(attributes["action"])  # a form that asks for a page, like a link
        if tag == "button" and attributes.get("formaction"):
            self.posts.add(attributes["formaction"])


@cache
def _case_routes() -> frozenset[str]:
    return frozenset(route.name for route in case_routes())


def _change_routes() -> frozenset[str]:
    return _case_routes() - READ_ROUTES


def _route_name(href) -> str | None:
    path = urlsplit(href).path
    if not path.startswith("/"):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _reading_pages(world):
    case, values, per_route = world
    for route in case_routes():
        if route.name in READ_ROUTES and route.name != "case-access:access-log-csv":
            url, missing = route_url(route, values, per_route)
            assert not missing, route.name
            yield url


def _offered(client, world) -> dict[str, set[str]]:
    """{change href: the pages offering it} over every page for reading the viewer may open: the world's, and
    every other page for reading they link to (another appointment, another referral, an older version)."""
    offered = {}
    to_visit = list(_reading_pages(world))
    visited = set(to_visit)
    while to_visit:
        url = to_visit.pop()
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code == 403, f"{url}: {response.status_code}"
            continue
        targets = _Targets(url)
        targets.feed(response.content.decode())
        for href in targets.links:
            name = _route_name(href)
            path = urlsplit(href).path
            if name in READ_ROUTES and path not in visited and name != "case-access:access-log-csv":
                visited.add(path)
                to_visit.append(path)
            if name in _change_routes():
                offered.setdefault(href, set()).add(url)
        for action in targets.posts:
            if _route_name(action) in _case_routes():
                offered.setdefault(action, set()).add(url)
    return offered


@pytest.fixture
def more_world(world, alice):
    """The world and two things in states its own objects are not: an appointment still to come (it can be
    rescheduled) and a referral not yet sent (it can be sent)."""
    case = world[0]
    AppointmentFactory(sentence=case.sentences.get(), starts_at=timezone.now() + datetime.timedelta(days=3))
    make_referral(case, alice)
    return world


def _part_changed_by(client, href) -> str:
    """The part a change route touches: what it reports to the read-audit when the viewer opens it (an action
    that only posts sends a GET back to its page, which reads the same part)."""
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client.get(href, follow=True)
    return AccessEvent.objects.filter(id__gt=before).order_by("id").first().part


def test_every_read_route_is_a_case_route():
    assert _case_routes() >= READ_ROUTES
    assert _change_routes() >= NOT_LINKED_FROM_READING


@pytest.mark.parametrize("username", ["cody", "priya", "ian"])
def test_read_only_roles_are_offered_no_change(request, client, more_world, username):
    user = request.getfixturevalue(username)
    client.force_login(user)
    offered = _offered(client, more_world)
    wrong = []
    for href, pages in sorted(offered.items()):
        part = _part_changed_by(client, href)
        if not permissions.may_change_part(user, part):
            wrong.append(f"{href} ({_route_name(href)}, part {part}) on {', '.join(sorted(pages))}")
    assert not wrong, f"{user.role} may not change these, but is offered them:\n" + "\n".join(wrong)


def test_a_court_officer_is_offered_court_work(client, world, cody):
    client.force_login(cody)
    offered = {_route_name(href) for href in _offered(client, world)}
    assert {"sentence:record", "sentence:add-requirement", "sentence:terminate"} <= offered


def test_a_practitioner_is_offered_every_change(client, more_world, alice):
    client.force_login(alice)
    offered = {_route_name(href) for href in _offered(client, more_world)}
    expected = _change_routes() - NOT_LINKED_FROM_READING
    assert not expected - offered, f"no page offers alice: {sorted(expected - offered)}"
