"""The case sub-navigation, shared by every case page: (label, url name, tab key).

``case_context`` writes it as HTML (``case_navigation``): fifteen ``{% url %}`` tags and their loop cost a
case page about half a millisecond; here each tab's URL is reversed once per process (``case_url``, with a
marker CRN in place of the case's) and the links written in Python.
"""

import functools

from django.urls import get_script_prefix, reverse

from openprobation.access import permissions
from openprobation.frontend.markup import html, join

CASE_TABS = (
    ("Overview", "case:overview", "overview"),
    ("Personal details", "case:personal-details", "personal-details"),
    ("Sentence", "sentence:index", "sentence"),
    ("Appointments", "supervision:appointments", "appointments"),
    ("Activity log", "supervision:activity-log", "activity-log"),
    ("Compliance", "supervision:compliance", "compliance"),
    ("Services", "interventions:case-services", "services"),
    ("Risk and needs", "assessments:index", "risk-and-needs"),
    ("Sentence plan", "assessments:plan", "sentence-plan"),
    ("Risk flags", "protection:flags", "risk-flags"),
    ("Sharing", "case-access:sharing", "sharing"),
    ("Limited access", "case-access:limited-access", "limited-access"),
    ("Who has looked", "case-access:access-log", "access-log"),
    ("History", "case-audit:history", "history"),
    ("Subject access", "case-audit:subject-access", "subject-access"),
)


_MARKER = "X000000"


@functools.cache
def _url_parts(name: str, script_prefix: str) -> tuple[str, str]:
    """The URL of case page ``name`` on either side of the CRN (the script prefix is part of the key)."""
    head, tail = reverse(name, args=[_MARKER]).rsplit(_MARKER, 1)
    return head, tail


def case_url(name: str):
    """``crn -> URL`` of case page ``name`` (a URL name taking the CRN), reversed once per process: a list of
    100 cases, or the tabs of every case page, would otherwise reverse on every link."""
    head, tail = _url_parts(name, get_script_prefix())
    return lambda crn: f"{head}{crn}{tail}"


# The case page a list links to, by the first part of a case the viewer's role reads.
LANDING_URLS = {
    permissions.OVERVIEW: "case:overview",
    permissions.ACCESS_LOG: "case-access:access-log",
}


def landing_url(user):
    """``crn -> URL`` of the case page this user lands on from a list: the overview, or the access log for the
    data protection officer, whose role reads no case content."""
    return case_url(LANDING_URLS.get(permissions.landing_part(user), "case:overview"))


def case_navigation(person, tabs, active_tab: str):
    """The MoJ sub-navigation of the case's pages, the current one marked."""
    items = []
    for label, name, tab in tabs:
        current = ' aria-current="page"' if tab == active_tab else ""
        items.append(html(
            '<li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{}"'
            + current + ">{}</a></li>\n",
            case_url(name)(person.crn), label,
        ))
    return join(items)


def case_context(person, active_tab: str, **extra) -> dict:
    # Each tab key is the access part its page reads: show only the tabs the viewer's role may open.
    access = getattr(person, "case_access", None)
    tabs = [tab for tab in CASE_TABS if access is None or access.may_read(tab[2])]
    return {"person": person, "case_tabs": tabs, "active_tab": active_tab,
            "case_navigation": case_navigation(person, tabs, active_tab), **extra}
