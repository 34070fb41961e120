import re
from types import SimpleNamespace

from django import forms
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.shortcuts import render
from django.template import engines
from django.templatetags.static import static
from django.test import RequestFactory

from openprobation.frontend.templatetags.govuk import asset, navigation_items_html
from openprobation.frontend.tests.htmltree import parse


def _request(path="/caseload/", role=None):
    request = RequestFactory().get(path)
    if role is None:
        request.user = SimpleNamespace(is_authenticated=False, role=None)
    else:
        request.user = SimpleNamespace(is_authenticated=True, role=role)
    return request


def _render(request, template="frontend/base.html", context=None):
    """Render through the CSP middleware, as a real response would be."""
    middleware = ContentSecurityPolicyMiddleware(lambda req: render(req, template, context or {}))
    return middleware(request)


def _nav_links(page):
    navigation = page.find("ul", class_="govuk-service-navigation__list")
    return {link.text: link for link in navigation.find_all("a", class_="govuk-service-navigation__link")}


def test_page_template_skeleton():
    response = _render(_request(role="po"))
    page = parse(response.content.decode())

    html = page.find("html")
    assert html.attrs["lang"] == "en"
    assert "govuk-template" in html.classes
    assert "govuk-template__body" in page.find("body").classes
    skip_link = page.find("a", class_="govuk-skip-link")
    assert skip_link.attrs["href"] == "#main-content"
    assert page.find("main", id="main-content")
    assert page.find("main").parent.classes == {"govuk-width-container"}
    assert page.find("a", class_="govuk-generic-header__homepage-link").text == "OpenProbation"
    assert page.find("footer", class_="govuk-template__footer").find(class_="govuk-footer")
    stylesheets = [link.attrs["href"] for link in page.find_all("link", rel="stylesheet")]
    assert stylesheets == [
        "/static/frontend/govuk.css",
        "/static/frontend/moj.css",
        "/static/frontend/openprobation.css",
    ]


def test_no_crown_or_gov_uk_branding():
    content = _render(_request(role="po")).content.decode()
    assert "govuk-header__logotype" not in content
    assert "Crown copyright" not in content
    assert "GOV.UK" not in content


def test_every_inline_script_carries_the_csp_nonce_from_the_header():
    response = _render(_request(role="po"))
    header = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", header).group(1)
    scripts = parse(response.content.decode()).find_all("script")

    assert len(scripts) == 2
    assert all(script.attrs.get("nonce") == nonce for script in scripts)
    assert "src" not in scripts[0].attrs
    assert "src" not in scripts[1].attrs


def test_body_class_script_and_module_initialisation():
    scripts = parse(_render(_request(role="po")).content.decode()).find_all("script")
    body_script, module_script = scripts

    assert "govuk-frontend-supported" in body_script.text
    assert "noModule" in body_script.text
    assert module_script.attrs["type"] == "module"
    assert 'from "/static/frontend/govuk-frontend.min.js"' in module_script.text
    assert 'from "/static/frontend/moj-frontend.min.js"' in module_script.text
    assert module_script.text.count("initAll") == 2
    assert "initGovUKFrontend();" in module_script.text
    assert "initMoJFrontend();" in module_script.text


def test_practitioner_navigation_has_no_team_caseload():
    page = parse(_render(_request(role="po")).content.decode())
    links = _nav_links(page)

    assert list(links) == ["My caseload", "Search", "Add a person", "Sign-in security"]
    assert links["My caseload"].attrs["href"] == "/caseload/"
    assert links["Sign-in security"].attrs["href"] == "/account/two-factor/"
    assert links["Search"].attrs["href"] == "/search/"


def test_managers_see_team_caseload():
    page = parse(_render(_request(role="spo")).content.decode())
    links = _nav_links(page)

    assert list(links) == ["My caseload", "Team caseload", "Search", "Add a person", "Sign-in security"]
    assert links["Team caseload"].attrs["href"] == "/caseload/team/"


def test_the_longest_matching_navigation_item_is_active():
    page = parse(_render(_request("/caseload/team/", role="spo")).content.decode())
    links = _nav_links(page)

    assert links["Team caseload"].attrs["aria-current"] == "page"
    assert "govuk-service-navigation__item--active" in links["Team caseload"].parent.classes
    assert "aria-current" not in links["My caseload"].attrs

    page = parse(_render(_request("/caseload/some-filter/", role="spo")).content.decode())
    assert _nav_links(page)["My caseload"].attrs["aria-current"] == "true"


def test_sign_out_is_a_post_form_with_csrf_token():
    page = parse(_render(_request(role="po")).content.decode())
    form = page.find("form", action="/sign-out/")

    assert form.attrs["method"] == "post"
    token = form.find("input", name="csrfmiddlewaretoken")
    assert token.attrs["value"]
    assert form.find("button", type="submit").text == "Sign out"


def test_signed_out_pages_have_no_navigation_or_sign_out():
    content = _render(_request("/sign-in/")).content.decode()
    assert "govuk-service-navigation" not in content
    assert "/sign-out/" not in content


def test_navigation_from_the_context_replaces_ours():
    context = {"service_navigation": [("Reports", "/reports/"), {"text": "Help", "href": "/help/"}]}
    page = parse(_render(_request("/reports/", role="po"), context=context).content.decode())

    assert list(_nav_links(page)) == ["Reports", "Help"]


def _child(source):
    return engines["django"].from_string(source)


def test_blocks_and_automatic_error_prefix_in_the_title():
    class NameForm(forms.Form):
        name = forms.CharField()

    child = _child(
        '{% extends "frontend/base.html" %}{% block page_title %}Add a person{% endblock %}'
        '{% block beforeContent %}<a class="govuk-back-link" href="/back/">Back</a>{% endblock %}'
        "{% block content %}<h1>Add</h1>{% endblock %}"
        '{% block body_end %}<script nonce="{{ csp_nonce }}">window.x = 1;</script>{% endblock %}'
    )
    request = _request(role="po")

    page = parse(child.render({}, request))
    assert page.find("title").text == "Add a person – OpenProbation"
    back = page.find("a", class_="govuk-back-link")
    assert "govuk-width-container" in back.parent.classes
    assert page.find("main").find("h1").text == "Add"
    assert page.find_all("script")[-1].text == "window.x = 1;"

    page = parse(child.render({"form": NameForm(data={})}, request))
    assert page.find("title").text == "Error: Add a person – OpenProbation"

    page = parse(
        child.render({"error_summary_forms": [NameForm(data={"name": "x"}), NameForm(data={})]}, request)
    )
    assert page.find("title").text.startswith("Error: ")


def test_a_page_may_set_the_whole_title():
    child = _child('{% extends "frontend/base.html" %}{% block title %}Sign in – OpenProbation{% endblock %}')
    assert parse(child.render({}, _request())).find("title").text == "Sign in – OpenProbation"


def test_messages_become_notification_banners():
    request = _request(role="po")
    messages = [
        Message(message_levels.SUCCESS, "Contact recorded", extra_tags=""),
        Message(message_levels.INFO, "<b>Check</b> the address", extra_tags=""),
    ]
    page = parse(_render(request, context={"messages": messages}).content.decode())
    banners = page.find("main").find_all("div", class_="govuk-notification-banner")

    assert len(banners) == 2
    assert "govuk-notification-banner--success" in banners[0].classes
    assert banners[0].attrs["role"] == "alert"
    assert banners[1].attrs["role"] == "region"
    assert (
        banners[1].find("p", class_="govuk-notification-banner__heading").text == "<b>Check</b> the address"
    )
    title_ids = [banner.attrs["aria-labelledby"] for banner in banners]
    assert len(set(title_ids)) == 2
    for banner, title_id in zip(banners, title_ids, strict=True):
        assert banner.find("h2", id=title_id)


def test_navigation_items_mark_the_current_page_and_the_section_and_escape_their_text():
    markup = navigation_items_html([
        {"text": "Mine <b>", "href": "/caseload/", "active": True, "current": True},
        {"text": "Team", "href": "/caseload/team/?a=1&b=2", "active": True, "current": False},
        {"text": "Search", "href": "/search/", "active": False, "current": False},
    ])
    assert markup.splitlines() == [
        '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        '<a class="govuk-service-navigation__link" href="/caseload/" aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">Mine &lt;b&gt;</strong></a></li>',
        '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        '<a class="govuk-service-navigation__link" href="/caseload/team/?a=1&amp;b=2" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Team</strong></a></li>',
        '<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/search/">'
        "Search</a></li>",
    ]


def test_assets_link_where_static_does():
    assert asset("frontend/govuk.css") == static("frontend/govuk.css")
    page = _render(_request(role="po")).content.decode()
    assert f'href="{static("frontend/govuk.css")}"' in page
    assert f'from "{static("frontend/govuk-frontend.min.js")}"' in page
