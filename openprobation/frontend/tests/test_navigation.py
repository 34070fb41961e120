"""The service navigation by role: every role gets the pages it can use, and no link it would be refused."""

import datetime

import pytest
from django.utils import timezone

from openprobation.access import actions as access_actions
from openprobation.frontend.templatetags.govuk import DEFAULT_NAVIGATION
from openprobation.frontend.tests.htmltree import parse
from openprobation.staff.models import Role

# One member of the test cast (conftest.py) for every role.
CAST = {
    "po": "alice",
    "pso": "bob",
    "spo": "mandy",
    "case_admin": "ada",
    "court": "cody",
    "provider": "pat",
    "partner": "priya",
    "inspector": "ian",
    "admin": "sam",
    "dpo": "dora",
}
# What each role sees, in order: the default navigation, then the alerts app's items ("Needs your attention"
# for the roles that own alerts, a provider's referrals, an administrator's contracts).
EXPECTED = {
    "po": ["My caseload", "Search", "Add a person", "Sign-in security", "Needs your attention"],
    "pso": ["My caseload", "Search", "Add a person", "Sign-in security", "Needs your attention"],
    "spo": ["My caseload", "Team caseload", "Search", "Add a person", "Sign-in security", "Needs your attention"],
    "case_admin": ["My caseload", "Search", "Add a person", "Sign-in security", "Needs your attention"],
    "court": ["My caseload", "Search", "Add a person", "Sign-in security"],
    "provider": ["Sign-in security", "Referrals"],
    "partner": ["Shared with me", "Search", "Sign-in security"],
    "inspector": ["Inspections", "Search", "Sign-in security"],
    "admin": ["Inspections", "Sign-in security", "Contracts"],
    "dpo": ["Subject access", "Search", "Sign-in security"],
}
# A page every role may open that shows the default navigation.
ANY_PAGE = "/account/two-factor/"


def navigation_links(response) -> dict[str, str]:
    navigation = parse(response.content.decode()).find("ul", class_="govuk-service-navigation__list")
    return {a.text: a.attrs["href"] for a in navigation.find_all("a", class_="govuk-service-navigation__link")}


@pytest.fixture
def shared_and_sampled(case, alice, priya, ian, sam):
    """The case shared with the partner and sampled for the inspector, so their lists have a row."""
    today = timezone.localdate()
    access_actions.share_case(case, partner=priya, start_date=today, reason="MAPPA level 2 meeting", by=alice)
    access_actions.create_inspection_sample(
        name="Core inspection", start_date=today, end_date=today + datetime.timedelta(days=30),
        inspectors=[ian], crns=[case.crn], by=sam,
    )
    return case


def test_the_cast_and_the_expectations_cover_every_role():
    assert set(CAST) == set(Role.values)
    assert set(EXPECTED) == set(Role.values)


def test_the_navigation_names_only_real_roles():
    for text, _, roles in DEFAULT_NAVIGATION:
        assert roles is None or set(roles) <= set(Role.values), text


@pytest.mark.parametrize("role", sorted(CAST))
def test_every_navigation_link_opens_for_the_role_it_is_shown_to(role, request, client, shared_and_sampled):
    if role == "provider":
        request.getfixturevalue("pat_provider")  # a provider user belongs to an organisation
    user = request.getfixturevalue(CAST[role])
    client.force_login(user)  # with a verified second factor for the roles that need one (conftest.py)

    page = client.get(ANY_PAGE)
    assert page.status_code == 200
    links = navigation_links(page)
    assert list(links) == EXPECTED[role]
    for text, href, roles in DEFAULT_NAVIGATION:
        if roles is None or role in roles:
            assert links[text] == href

    for text, href in links.items():
        response = client.get(href)
        assert response.status_code == 200, f"{role} was answered {response.status_code} by {text} ({href})"
