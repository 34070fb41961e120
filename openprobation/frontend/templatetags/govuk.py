"""GOV.UK Design System and MoJ Pattern Library components as Django template tags.

``{% load govuk %}``. Every text argument is escaped when rendered; to pass markup,
pass a SafeString you built with ``format_html`` (never ``mark_safe`` on user input).
Most tags render a small template under ``frontend/components/``; see docs/frontend.md.
"""

import datetime
import functools
from collections.abc import Mapping

from django import template
from django.conf import settings
from django.forms import BaseForm, BaseFormSet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from openprobation.access import permissions
from openprobation.frontend.forms import error_summary_items, has_errors
from openprobation.frontend.markup import html, join
from openprobation.staff.models import Role

register = template.Library()

TAG_COLOURS = {"grey", "green", "turquoise", "teal", "magenta", "pink", "purple", "red", "orange", "yellow"}
BADGE_COLOURS = {"black", "blue", "bright", "green", "grey", "purple", "red"}
BUTTON_VARIANTS = {"secondary", "warning", "inverse"}
SORT_ORDERS = {"ascending", "descending", "none"}

# (text, href, roles that see it; None for everyone signed in). A role sees only the pages it may use (who may use
# which page: docs/access.md); frontend/tests/test_navigation.py opens every link as every role. Providers reach
# no case: their "Referrals" comes from the alerts app's navigation tag, and their own pages bring their own.
DEFAULT_NAVIGATION = (
    ("My caseload", "/caseload/", permissions.PROBATION_STAFF),
    ("Team caseload", "/caseload/team/", ("spo",)),
    ("Shared with me", "/access/shared-with-me/", ("partner",)),
    ("Inspections", "/access/inspections/", ("inspector", "admin")),  # administrators set them up
    ("Subject access", "/audit/subject-access/", ("dpo",)),
    # Everyone whose role reaches cases; the data protection officer finds the person a request is about.
    ("Search", "/search/", permissions.CASE_RECORD_READERS | {Role.DATA_PROTECTION}),
    ("Add a person", "/people/add/", permissions.PROBATION_STAFF),
    ("Sign-in security", "/account/two-factor/", None),
)


def navigation_for(role) -> list[tuple[str, str]]:
    """The (text, href) links of the default navigation a role sees."""
    return [(text, href) for text, href, roles in DEFAULT_NAVIGATION if roles is None or role in roles]


# ---------------------------------------------------------------------------
# Dates and times in GOV.UK style


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def govuk_date(value):
    """5 March 2025."""
    if not isinstance(value, datetime.date):
        return "" if value is None else value
    value = _local(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_time(value):
    """9am, 2:30pm, midday, midnight."""
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    if not isinstance(value, datetime.time):
        return "" if value is None else value
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_datetime(value):
    """5 March 2025 at 2:30pm (a date alone shows as a date)."""
    if isinstance(value, datetime.datetime):
        value = _local(value)
        return f"{govuk_date(value)} at {govuk_time(value)}"
    return govuk_date(value)


# ---------------------------------------------------------------------------
# Page furniture used by frontend/base.html


@register.simple_tag(takes_context=True)
def service_navigation_items(context):
    """The service navigation: ``service_navigation`` from the context, else ours by role.

    ``service_navigation`` is a list of (text, href) pairs. The item whose href is the
    longest prefix of the current path is active; an exact match is the current page.
    """
    request = context.get("request")
    custom = context.get("service_navigation")
    if custom is not None:
        links = [
            (item["text"], item["href"]) if isinstance(item, Mapping) else tuple(item) for item in custom
        ]
    else:
        links = navigation_for(getattr(getattr(request, "user", None), "role", None))
    path = getattr(request, "path", "")
    matches = [href for _, href in links if path == href or (href.endswith("/") and path.startswith(href))]
    active = max(matches, key=len) if matches else None
    return [
        {"text": text, "href": href, "active": href == active, "current": href == path}
        for text, href in links
    ]


@register.simple_tag
def asset(path: str) -> str:
    """``{% asset 'frontend/govuk.css' %}``: the ``{% static %}`` URL, looked up once per process.

    The layout links six assets on every page, and each ``{% static %}`` looked its hashed name up again. The
    manifest is read once when a process starts and never changes under it, so the first answer stands.
    """
    return _asset_url(path, settings.STATIC_URL)


@functools.lru_cache(maxsize=128)
def _asset_url(path: str, static_url: str) -> str:
    # static_url is only part of the key: a test that overrides STATIC_URL gets its own answer.
    return static(path)


_ACTIVE_LABEL = '<strong class="govuk-service-navigation__active-fallback">{}</strong>'


@register.filter
def navigation_items_html(items):
    """``{{ items|navigation_items_html }}``: the service navigation's ``<li>`` for each item (``text``, ``href``,
    ``active``, ``current``), written in Python: through the template's loop and conditions this navigation was
    half the layout's rendering time on every page. The current page is ``aria-current="page"``, a page under an
    item ``aria-current="true"``, and an active item's text is also bold for browsers without the styles."""
    parts = []
    for item in items:
        active, current = item.get("active"), item.get("current")
        aria = ' aria-current="page"' if current else ' aria-current="true"' if active else ""
        item_class = "govuk-service-navigation__item" + (" govuk-service-navigation__item--active" if active else "")
        parts.append(html(
            f'<li class="{item_class}"><a class="govuk-service-navigation__link" href="{{}}"{aria}>{{}}</a></li>\n',
            item["href"], html(_ACTIVE_LABEL, item["text"]) if active else item["text"],
        ))
    return join(parts)


@register.simple_tag(takes_context=True)
def govuk_page_error_forms(context):
    """The forms on this page with errors: ``form`` and any in ``error_summary_forms``."""
    candidates = [context.get("form"), *(context.get("error_summary_forms") or [])]
    return [obj for obj in candidates if isinstance(obj, (BaseForm, BaseFormSet)) and has_errors(obj)]


@register.inclusion_tag("frontend/components/messages.html")
def govuk_messages(messages):
    """Django messages as notification banners: success ones green, the rest blue."""
    banners = []
    for index, message in enumerate(messages or []):
        banners.append(
            {
                "type": "success" if "success" in (message.tags or "") else "",
                "heading": str(message),
                "title_id": f"message-banner-title-{index}",
            }
        )
    return {"banners": banners}


# ---------------------------------------------------------------------------
# GOV.UK components


@register.inclusion_tag("frontend/components/error_summary.html")
def govuk_error_summary(*forms_or_formsets, title="There is a problem"):
    """Links to every error in the given forms and formsets (or lists of them).

    Put it first in the main column, above the h1. It renders nothing when there are no errors.
    """
    return {"items": error_summary_items(*forms_or_formsets), "title": title}


# A shorter name for the same tag.
register.inclusion_tag("frontend/components/error_summary.html", name="error_summary")(govuk_error_summary)


def _summary_action(action, key):
    if isinstance(action, Mapping):
        action = dict(action)
    else:
        text, href, *rest = action
        action = {"text": text, "href": href, "visually_hidden_text": rest[0] if rest else None}
    if not action.get("visually_hidden_text"):
        key_text = str(key)
        action["visually_hidden_text"] = key_text[:1].lower() + key_text[1:]
    return action


def _summary_row(row):
    if isinstance(row, Mapping):
        key, value, actions = row["key"], row.get("value"), row.get("actions") or []
    else:
        key, value, *rest = row
        actions = rest[0] if rest else []
    if actions and isinstance(actions, (tuple, list)) and isinstance(actions[0], str):
        actions = [actions]  # a single (text, href) action
    return {"key": key, "value": value, "actions": [_summary_action(a, key) for a in actions or []]}


@register.inclusion_tag("frontend/components/summary_list.html")
def govuk_summary_list(rows, no_border=False):
    """rows: (key, value) or (key, value, actions) tuples, or dicts with key, value, actions.

    An action is (text, href) or (text, href, visually hidden text) or a dict; the hidden
    text defaults to the key, so "Change" reads as "Change date of birth".
    """
    rows = [_summary_row(row) for row in rows or []]
    return {"rows": rows, "no_border": no_border, "any_actions": any(row["actions"] for row in rows)}


@register.inclusion_tag("frontend/components/tag.html")
def govuk_tag(text, colour=None):
    """A status tag; colour is one of TAG_COLOURS, or None/"blue" for the default blue."""
    if colour in (None, "", "blue"):
        return {"text": text, "colour_class": ""}
    if colour not in TAG_COLOURS:
        raise ValueError(f"Unknown GOV.UK tag colour {colour!r}; use one of {sorted(TAG_COLOURS)}")
    return {"text": text, "colour_class": f"govuk-tag--{colour}"}


def _cell(cell, *, header=False):
    if isinstance(cell, Mapping):
        result = {"header": header, "numeric": False, "sort_value": None, **cell}
    else:
        result = {"header": header, "numeric": False, "sort_value": None, "text": cell}
    if result["text"] is None:
        result["text"] = ""
    return result


@register.inclusion_tag("frontend/components/table.html")
def govuk_table(rows, head=None, caption=None, caption_size="m", sortable=False, first_cell_is_header=False):
    """A GOV.UK table; ``sortable=True`` makes it an MoJ sortable table.

    head: column titles, or dicts with text, numeric and sort ("ascending",
    "descending" or "none"). rows: lists of cells, each a value or a dict with
    text, numeric and sort_value (what the MoJ script sorts by, such as an ISO date).
    """
    head_cells = []
    for cell in head or []:
        cell = _cell(cell)
        if sortable and not cell.get("sort"):
            cell["sort"] = "none"
        if cell.get("sort") and cell["sort"] not in SORT_ORDERS:
            raise ValueError(f"Unknown sort order {cell['sort']!r}; use one of {sorted(SORT_ORDERS)}")
        head_cells.append(cell)
    body = [
        [_cell(cell, header=first_cell_is_header and index == 0) for index, cell in enumerate(row)]
        for row in rows or []
    ]
    return {
        "head": head_cells,
        "rows": body,
        "caption": caption,
        "caption_size": caption_size,
        "sortable": sortable,
    }


def _page_numbers(current, last):
    """First, last, and the current page with one either side, with None for gaps."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@register.inclusion_tag("frontend/components/pagination.html", takes_context=True)
def govuk_pagination(context, page, param="page", label="Pagination"):
    """Pagination for a Django Page, keeping the rest of the query string."""
    if page is None or page.paginator.num_pages <= 1:
        return {"items": []}
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)

    def href(number):
        query[param] = number
        return "?" + query.urlencode()

    items = [
        {"ellipsis": True}
        if number is None
        else {"number": number, "href": href(number), "current": number == page.number}
        for number in _page_numbers(page.number, page.paginator.num_pages)
    ]
    return {
        "items": items,
        "label": label,
        "previous_href": href(page.previous_page_number()) if page.has_previous() else None,
        "next_href": href(page.next_page_number()) if page.has_next() else None,
    }


@register.simple_block_tag
def govuk_notification_banner(content, type="", title="", heading="", title_id=""):
    """``{% govuk_notification_banner type="success" heading="Contact recorded" %}...{% end... %}``."""
    if type not in ("", "success"):
        raise ValueError(f"Unknown notification banner type {type!r}; use '' or 'success'")
    return render_to_string(
        "frontend/components/notification_banner.html",
        {"content": content, "type": type, "title": title, "heading": heading, "title_id": title_id},
    )


@register.inclusion_tag("frontend/components/warning_text.html")
def govuk_warning_text(text, icon_fallback_text="Warning"):
    return {"text": text, "icon_fallback_text": icon_fallback_text}


@register.simple_block_tag
def govuk_details(content, summary, open=False):
    """``{% govuk_details "Help with risk levels" %}...{% endgovuk_details %}``."""
    return render_to_string(
        "frontend/components/details.html", {"content": content, "summary": summary, "open": open}
    )


@register.simple_block_tag
def govuk_inset_text(content):
    return render_to_string("frontend/components/inset_text.html", {"content": content})


@register.inclusion_tag("frontend/components/back_link.html")
def govuk_back_link(href, text="Back"):
    return {"href": href, "text": text}


@register.inclusion_tag("frontend/components/breadcrumbs.html")
def govuk_breadcrumbs(items):
    """items: (text, href) pairs; give the current page an empty href."""
    return {"items": [(text, href) for text, href in items]}


@register.inclusion_tag("frontend/components/button.html")
def govuk_button(
    text,
    href=None,
    type="submit",
    variant=None,
    name=None,
    value=None,
    prevent_double_click=True,
    disabled=False,
):
    """A button, or a link styled as one when href is given; variant: secondary, warning, inverse."""
    if variant and variant not in BUTTON_VARIANTS:
        raise ValueError(f"Unknown button variant {variant!r}; use one of {sorted(BUTTON_VARIANTS)}")
    classes = "govuk-button" + (f" govuk-button--{variant}" if variant else "")
    return {
        "text": text,
        "href": href,
        "type": type,
        "classes": classes,
        "name": name,
        "value": value,
        "prevent_double_click": prevent_double_click,
        "disabled": disabled,
    }


# ---------------------------------------------------------------------------
# MoJ components


def _timeline_item(item):
    item = dict(item)
    when = item.get("date")
    if isinstance(when, datetime.datetime):
        item["date_iso"] = _local(when).isoformat()
        item["date_display"] = govuk_datetime(when)
    elif isinstance(when, datetime.date):
        item["date_iso"] = when.isoformat()
        item["date_display"] = govuk_date(when)
    return item


@register.inclusion_tag("frontend/components/timeline.html")
def moj_timeline(items, heading_level=2):
    """items: dicts with header, byline, date (date or datetime) and description.

    The description is escaped unless it is a SafeString (build it with format_html).
    """
    if heading_level not in (2, 3, 4, 5, 6):
        raise ValueError("heading_level must be 2 to 6")
    return {"items": [_timeline_item(item) for item in items or []], "heading_level": heading_level}


@register.inclusion_tag("frontend/components/sub_navigation.html")
def moj_sub_navigation(items, label="Secondary navigation"):
    """items: (text, href, active) triples, such as a case's tabs."""
    return {"items": [(text, href, bool(active)) for text, href, active in items], "label": label}


@register.inclusion_tag("frontend/components/badge.html")
def moj_badge(text, colour=None, large=False):
    if colour and colour not in BADGE_COLOURS:
        raise ValueError(f"Unknown MoJ badge colour {colour!r}; use one of {sorted(BADGE_COLOURS)}")
    return {"text": text, "colour_class": f"moj-badge--{colour}" if colour else "", "large": large}
