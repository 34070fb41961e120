import datetime
import zoneinfo

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory
from django.utils.html import format_html

from openprobation.frontend.tests.htmltree import parse

XSS = '<script>alert("x")</script>'


def render(source, context=None, request=None):
    return engines["django"].from_string("{% load govuk %}" + source).render(context or {}, request)


def page(source, context=None, request=None):
    return parse(render(source, context, request))


def test_summary_list_rows_actions_and_escaping():
    rows = [
        ("Name", "Jordan Testcase", ("Change", "/name/")),
        ("Date of birth", datetime.date(1990, 3, 5)),
        {"key": "Notes", "value": XSS, "actions": [("Change", "/notes/", "case notes"), ("Remove", "/rm/")]},
        ("Address", None),
    ]
    tree = page("{% govuk_summary_list rows %}", {"rows": rows})
    summary = tree.find("dl", class_="govuk-summary-list")
    row_elements = summary.find_all("div", class_="govuk-summary-list__row")

    assert [row.find("dt").text for row in row_elements] == ["Name", "Date of birth", "Notes", "Address"]
    change = row_elements[0].find("a")
    assert change.attrs["href"] == "/name/"
    assert change.text == "Change name"
    assert change.find("span", class_="govuk-visually-hidden").text == "name"
    assert "govuk-summary-list__row--no-actions" in row_elements[1].classes
    notes_actions = row_elements[2].find_all("li", class_="govuk-summary-list__actions-list-item")
    assert [a.text for a in notes_actions] == ["Change case notes", "Remove notes"]
    assert row_elements[2].find("dd", class_="govuk-summary-list__value").text == XSS  # shown, not run
    assert not summary.find_all("script")
    assert row_elements[3].find("dd", class_="govuk-summary-list__value").text == ""


def test_summary_list_without_borders():
    tree = page("{% govuk_summary_list rows no_border=True %}", {"rows": [("A", "b")]})
    assert "govuk-summary-list--no-border" in tree.find("dl").classes


@pytest.mark.parametrize(("colour", "css_class"), [(None, None), ("blue", None), ("red", "govuk-tag--red")])
def test_tag(colour, css_class):
    tree = page("{% govuk_tag text colour %}", {"text": "High risk", "colour": colour})
    tag = tree.find("strong", class_="govuk-tag")
    assert tag.text == "High risk"
    assert tag.classes == {"govuk-tag"} | ({css_class} if css_class else set())


def test_tag_rejects_an_unknown_colour():
    with pytest.raises(ValueError, match="Unknown GOV.UK tag colour"):
        render('{% govuk_tag "x" "mauve" %}')


def test_table_with_sortable_header_and_numeric_cells():
    head = ["Name", {"text": "Cases", "numeric": True, "sort": "descending"}]
    rows = [
        [{"text": "Alice", "sort_value": "allocated"}, {"text": 12, "numeric": True}],
        [XSS, None],
    ]
    tree = page(
        '{% govuk_table rows head=head caption="Team" sortable=True first_cell_is_header=True %}',
        {"rows": rows, "head": head},
    )
    table = tree.find("table", class_="govuk-table")
    headers = table.find("thead").find_all("th")

    assert table.attrs["data-module"] == "moj-sortable-table"
    assert table.find("caption").text == "Team"
    assert "govuk-table__caption--m" in table.find("caption").classes
    assert headers[0].attrs["aria-sort"] == "none"
    assert headers[1].attrs["aria-sort"] == "descending"
    assert "govuk-table__header--numeric" in headers[1].classes
    first_row = table.find("tbody").find_all("tr")[0]
    assert first_row.find("th", scope="row").attrs["data-sort-value"] == "allocated"
    assert "govuk-table__cell--numeric" in first_row.find("td").classes
    assert table.find("tbody").find_all("tr")[1].find("th").text == XSS
    assert not table.find_all("script")


def test_plain_table_is_not_sortable():
    table = page("{% govuk_table rows head=head %}", {"rows": [["a"]], "head": ["A"]}).find("table")
    assert "data-module" not in table.attrs
    assert "aria-sort" not in table.find("th").attrs
    assert table.find("td").text == "a"


def _pagination(number, query="", count=200, per_page=10):
    page_obj = Paginator(range(count), per_page).page(number)
    request = RequestFactory().get("/caseload/" + query)
    return page("{% govuk_pagination page_obj %}", {"page_obj": page_obj}, request)


def test_pagination_shows_first_last_and_neighbours_with_ellipses():
    tree = _pagination(10, "?q=smith&page=10")
    nav = tree.find("nav", class_="govuk-pagination")
    items = nav.find_all("li", class_="govuk-pagination__item")

    assert [item.text for item in items] == ["1", "⋯", "9", "10", "11", "⋯", "20"]
    current = nav.find("li", class_="govuk-pagination__item--current").find("a")
    assert current.attrs["aria-current"] == "page"
    assert current.attrs["href"] == "?q=smith&page=10"
    assert nav.find("a", rel="prev").attrs["href"] == "?q=smith&page=9"
    assert nav.find("a", rel="next").attrs["href"] == "?q=smith&page=11"


def test_pagination_at_the_edges_and_for_one_page():
    first = _pagination(1).find("nav")
    assert not first.find_all("a", rel="prev")
    assert [item.text for item in first.find_all("li")] == ["1", "2", "⋯", "20"]
    assert (
        render("{% govuk_pagination page_obj %}", {"page_obj": Paginator(range(5), 10).page(1)}).strip() == ""
    )


def test_notification_banners():
    tree = page(
        '{% govuk_notification_banner type="success" heading="Contact recorded" %}'
        "<p class='govuk-body'>For {{ name }}</p>{% endgovuk_notification_banner %}"
        "{% govuk_notification_banner title_id='second' %}Office closed{% endgovuk_notification_banner %}",
        {"name": XSS},
    )
    success, info = tree.find_all("div", class_="govuk-notification-banner")

    assert "govuk-notification-banner--success" in success.classes
    assert success.attrs["role"] == "alert"
    assert success.find("h2").text == "Success"
    assert success.find("p", class_="govuk-notification-banner__heading").text == "Contact recorded"
    assert success.find("p", class_="govuk-body").text == f"For {XSS}"
    assert not success.find_all("script")
    assert info.attrs["role"] == "region"
    assert info.find("h2").text == "Important"
    assert info.attrs["aria-labelledby"] == "second" == info.find("h2").attrs["id"]


def test_warning_text():
    warning = page('{% govuk_warning_text "This person has a restraining order" %}').find(
        class_="govuk-warning-text"
    )
    assert warning.find("span", class_="govuk-warning-text__icon").attrs["aria-hidden"] == "true"
    assert warning.find("strong").text == "Warning This person has a restraining order"


def test_details_and_inset_text():
    tree = page(
        '{% govuk_details "Help with tiers" open=True %}Tiers run from A3 to D0.{% endgovuk_details %}'
        "{% govuk_inset_text %}{{ text }}{% endgovuk_inset_text %}",
        {"text": XSS},
    )
    details = tree.find("details", class_="govuk-details")
    assert "open" in details.attrs
    assert details.find("span", class_="govuk-details__summary-text").text == "Help with tiers"
    assert details.find("div", class_="govuk-details__text").text == "Tiers run from A3 to D0."
    assert tree.find("div", class_="govuk-inset-text").text == XSS
    assert not tree.find_all("script")


def test_back_link_and_breadcrumbs():
    tree = page(
        '{% govuk_back_link "/cases/X1/" %}{% govuk_breadcrumbs crumbs %}',
        {"crumbs": [("My caseload", "/caseload/"), ("Jordan Testcase", "")]},
    )
    back = tree.find("a", class_="govuk-back-link")
    assert (back.attrs["href"], back.text) == ("/cases/X1/", "Back")
    items = tree.find_all("li", class_="govuk-breadcrumbs__list-item")
    assert items[0].find("a").attrs["href"] == "/caseload/"
    assert items[1].attrs["aria-current"] == "page"
    assert not items[1].find_all("a")


def test_buttons():
    tree = page(
        '{% govuk_button "Save" %}'
        '{% govuk_button "Cancel" href="/cases/" variant="secondary" %}'
        '{% govuk_button "Delete" variant="warning" name="action" value="delete" prevent_double_click=False %}'
    )
    save = tree.find("button", class_="govuk-button")
    assert save.attrs["type"] == "submit"
    assert save.attrs["data-module"] == "govuk-button"
    assert save.attrs["data-prevent-double-click"] == "true"
    link = tree.find("a", class_="govuk-button")
    assert link.attrs["role"] == "button"
    assert "govuk-button--secondary" in link.classes
    delete = tree.find("button", class_="govuk-button--warning")
    assert (delete.attrs["name"], delete.attrs["value"]) == ("action", "delete")
    assert "data-prevent-double-click" not in delete.attrs
    with pytest.raises(ValueError, match="Unknown button variant"):
        render('{% govuk_button "x" variant="start" %}')


def test_moj_timeline(settings):
    settings.TIME_ZONE = "Europe/London"
    when = datetime.datetime(2025, 7, 1, 13, 30, tzinfo=datetime.UTC)  # 2:30pm in London (BST)
    items = [
        {
            "header": "Appointment attended",
            "byline": "Alice Allocated",
            "date": when,
            "description": format_html("<p class='govuk-body'>Discussed {}</p>", XSS),
        },
        {"header": "Order started", "date": datetime.date(2025, 3, 5), "description": XSS},
    ]
    tree = page("{% moj_timeline items heading_level=3 %}", {"items": items})
    first, second = tree.find_all("div", class_="moj-timeline__item")

    assert first.find("h3", class_="moj-timeline__title").text == "Appointment attended"
    assert first.find("p", class_="moj-timeline__byline").text == "by Alice Allocated"
    time = first.find("time")
    assert time.text == "1 July 2025 at 2:30pm"
    assert time.attrs["datetime"] == when.astimezone(zoneinfo.ZoneInfo("Europe/London")).isoformat()
    assert first.find("p", class_="govuk-body").text == f"Discussed {XSS}"
    assert second.find("time").text == "5 March 2025"
    assert second.find("div", class_="moj-timeline__description").text == XSS
    assert not tree.find_all("script")
    assert not second.find_all("p", class_="moj-timeline__byline")


def test_moj_sub_navigation():
    items = [("Overview", "/cases/X1/", True), ("Sentence", "/cases/X1/sentence/", False)]
    nav = page('{% moj_sub_navigation items label="Case sections" %}', {"items": items}).find("nav")
    links = nav.find_all("a", class_="moj-sub-navigation__link")

    assert nav.attrs["aria-label"] == "Case sections"
    assert "moj-sub-navigation" in nav.classes
    assert [link.text for link in links] == ["Overview", "Sentence"]
    assert links[0].attrs["aria-current"] == "page"
    assert "aria-current" not in links[1].attrs


def test_moj_badge():
    badge = page('{% moj_badge "Urgent" "red" large=True %}').find(class_="moj-badge")
    assert badge.classes == {"moj-badge", "moj-badge--red", "moj-badge--large"}
    assert badge.text == "Urgent"
    with pytest.raises(ValueError, match="Unknown MoJ badge colour"):
        render('{% moj_badge "x" "orange" %}')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(0, 0), "midnight"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(9, 0), "9am"),
        (datetime.time(14, 5), "2:05pm"),
        (datetime.time(0, 30), "12:30am"),
    ],
)
def test_govuk_time_filter(value, expected):
    assert render("{{ value|govuk_time }}", {"value": value}) == expected


def test_govuk_date_filters_convert_to_local_time(settings):
    settings.TIME_ZONE = "Europe/London"
    late_utc = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 1 July in London
    assert render("{{ value|govuk_date }}", {"value": late_utc}) == "1 July 2025"
    assert render("{{ value|govuk_datetime }}", {"value": late_utc}) == "1 July 2025 at 12:30am"
    assert render("{{ value|govuk_date }}", {"value": None}) == ""
