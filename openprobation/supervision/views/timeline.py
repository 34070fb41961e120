"""The activity log's timeline markup: the days of an ``ActivityPage`` as MoJ timeline HTML.

Built in Python rather than with a template per day, entry and note. A page shows 50 entries, often with
notes, and rendering them through nested ``{% include %}``s cost about 8 ms of template overhead a page
(thousands of template nodes and lookups), more than the page's SQL. The markup is the same as the
templates gave: the MoJ timeline, GOV.UK tags, summary lists and details.

Each piece is written as one f-string of trusted markup in which every value from the page goes through
``frontend.markup.escaped`` (``conditional_escape``); only ints (primary keys) go in as they are. Pieces are
plain strings until ``timeline_days`` marks the whole as safe: a ``format_html`` per fragment, hundreds a
page, cost more than the markup itself. Times are made local with the zone read once a page.
"""

import functools

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.safestring import SafeString

from openprobation.frontend.markup import escaped
from openprobation.frontend.templatetags.govuk import TAG_COLOURS, govuk_date, govuk_time

CONTINUED = '<span class="govuk-caption-s">Continued: later contacts on this day are on the previous page</span>'
CONTINUES = '<p class="govuk-body-s govuk-hint">Earlier contacts on this day are on the next page.</p>'


def timeline_days(page, crn: str) -> SafeString:
    """Every day of the page, newest first, each a section with its entries oldest first."""
    appointment_url = _appointment_url(crn)
    zone = timezone.get_current_timezone()
    return SafeString("".join(_day(day, appointment_url, zone) for day in page.days))


def _appointment_url(crn: str):
    """reverse() once a page: the appointment URL of contact ``pk`` is this prefix and the pk, escaped."""
    marker = 999999999
    sample = reverse("supervision:appointment", args=[crn, marker])
    head, tail = (escaped(part) for part in sample.rsplit(str(marker), 1))
    return lambda pk: f"{head}{pk}{tail}"


def _day(day, appointment_url, zone) -> str:
    anchor = escaped(f"day-{day.date.isoformat()}")
    entries = "".join(
        _system_entry(entry, zone) if entry.system_generated else _entry(entry, appointment_url, zone)
        for entry in day.entries
    )
    return (
        f'<section class="govuk-!-margin-bottom-6" aria-labelledby="{anchor}">\n'
        f'  <h3 class="govuk-heading-m govuk-!-margin-bottom-2" id="{anchor}">\n'
        f"    {escaped(WEEKDAYS[day.date.weekday()])} {escaped(govuk_date(day.date))}\n"
        f"    {CONTINUED if day.continued_from_previous_page else ''}\n  </h3>\n"
        f'  <div class="moj-timeline">\n{entries}  </div>\n'
        f"  {CONTINUES if day.continues_on_next_page else ''}\n</section>\n"
    )


def _start(contact, zone) -> str:
    local = contact.starts_at.astimezone(zone)
    return f'<time datetime="{escaped(local.isoformat())}">{escaped(govuk_time(local.time()))}</time>'


def _datetime(value, zone) -> str:
    """``govuk_datetime``, escaped, with the zone already to hand."""
    local = value.astimezone(zone)
    return escaped(f"{govuk_date(local.date())} at {govuk_time(local.time())}")


@functools.lru_cache(maxsize=64)  # the tags are a handful of constants
def _tag(text: str, colour: str) -> str:
    """The GOV.UK tag, as the govuk_tag component renders it."""
    if colour in (None, "", "blue"):
        return f'<strong class="govuk-tag">{escaped(text)}</strong>\n'
    if colour not in TAG_COLOURS:
        raise ValueError(f"Unknown GOV.UK tag colour {colour!r}")
    return f'<strong class="govuk-tag govuk-tag--{escaped(colour)}">{escaped(text)}</strong>\n'


def _details(summary: str, content: str) -> str:
    """The GOV.UK details component (closed), as govuk_details renders it. ``content`` is markup."""
    return (
        '<details class="govuk-details">\n'
        '  <summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">{escaped(summary)}</span></summary>\n'
        f'  <div class="govuk-details__text">{content}</div>\n'
        "</details>\n"
    )


def _entry(entry, appointment_url, zone) -> str:
    contact = entry.contact
    national = entry.national_standards
    kind = escaped(contact.contact_type.description)
    title = f'<a class="govuk-link" href="{appointment_url(contact.pk)}">{kind}</a>' if entry.is_appointment else kind
    time = _start(contact, zone)
    if contact.ends_at:
        time = f"{time} to {escaped(govuk_time(contact.ends_at.astimezone(zone).time()))}"
    rows = "".join(
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{escaped(label)}</dt>'
        f'<dd class="govuk-summary-list__value">{escaped(value)}</dd></div>'
        for label, value in entry.details
    )
    text = "" if contact.sensitive else _description(contact, "\n")
    return (
        f'<div class="moj-timeline__item" id="contact-{contact.pk}"'
        f"{' data-national-standards=\"true\"' if national else ''}>\n"
        '  <div class="moj-timeline__header">\n'
        f'    <h4 class="moj-timeline__title{"" if national else " govuk-!-font-weight-regular"}">\n'
        f"      {title}\n    </h4>\n"
        f'    <p class="moj-timeline__byline">by {escaped(contact.staff)}</p>\n'
        "  </div>\n"
        f'  <p class="moj-timeline__date">\n    {time}\n  </p>\n'
        '  <div class="moj-timeline__description">\n'
        '    <p class="govuk-body govuk-!-margin-bottom-2">\n'
        f"      {''.join(_tag(tag.label, tag.colour) for tag in entry.tags)}\n    </p>\n"
        '    <dl class="govuk-summary-list govuk-summary-list--no-border govuk-!-font-size-16 govuk-!-margin-bottom-2">'
        f"\n      {rows}\n    </dl>\n"
        f"    {text}{_enforcement(entry) if entry.enforcement else ''}{_notes(entry, zone)}"
        "  </div>\n"
        "</div>\n"
    )


def _description(contact, end: str) -> str:
    """The contact's description and reason for rescheduling as paragraphs, each followed by ``end``."""
    text = f'<p class="govuk-body">{escaped(contact.description)}</p>{end}' if contact.description else ""
    if contact.reschedule_reason:
        text += f'<p class="govuk-body">Reason for rescheduling: {escaped(contact.reschedule_reason)}</p>{end}'
    return text


def _system_entry(entry, zone) -> str:
    contact = entry.contact
    label = escaped(contact.contact_type.description)
    if contact.description and not contact.sensitive:
        label = f"{label}: {escaped(contact.description)}"
    notes = _notes(entry, zone) if entry.notes or (contact.sensitive and contact.description) else ""
    return (
        f'<div class="moj-timeline__item govuk-!-padding-bottom-2" id="contact-{contact.pk}" '
        'data-system-generated="true">\n'
        '  <p class="govuk-body-s govuk-hint govuk-!-margin-bottom-0">\n'
        f'    {_start(contact, zone)} ·\n    <span class="govuk-visually-hidden">System-generated: </span>{label}\n'
        "  </p>\n"
        f"  {notes}"
        "</div>\n"
    )


def _enforcement(entry) -> str:
    items = []
    for record in entry.enforcement:
        withdrawn = f" (withdrawn on {escaped(govuk_date(record.withdrawn_on))})" if record.withdrawn_on else ""
        response = f"Response due by {escaped(govuk_date(record.response_due))}." if record.response_due else ""
        breach = (
            f"Breach pack due at court by {escaped(govuk_date(record.breach_pack_due))}."
            if record.breach_pack_due
            else ""
        )
        items.append(
            f'  <li data-enforcement="{escaped(record.action_code)}">\n'
            f"    {escaped(record.action)} on {escaped(govuk_date(record.decided_on))} by "
            f"{escaped(record.decided_by)}{withdrawn}.\n    {response}\n    {breach}\n  </li>\n"
        )
    return (
        '<h5 class="govuk-heading-s govuk-!-margin-bottom-1">Enforcement</h5>\n'
        f'<ul class="govuk-list govuk-!-font-size-16">\n{"".join(items)}</ul>\n'
    )


def _note(note, zone) -> str:
    # linebreaksbr with autoescape: newlines normalised (\r\n and \r as \n), escaped, then each one a <br>.
    text = escaped(note.text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")
    return (
        f'<div class="govuk-!-margin-bottom-3" data-note="{note.pk}">\n'
        f'  <p class="govuk-body govuk-!-margin-bottom-1">{text}</p>\n'
        '  <p class="govuk-body-s govuk-hint govuk-!-margin-bottom-0">'
        f"Note added by {escaped(note.created_by)} on {_datetime(note.created_at, zone)}</p>\n"
        "</div>\n"
    )


def _notes(entry, zone) -> str:
    """The entry's notes: a sensitive contact's description and notes all behind one disclosure; otherwise
    each note shown, or behind its own disclosure when it is sensitive or long."""
    contact = entry.contact
    if contact.sensitive:
        if not (contact.description or contact.reschedule_reason or entry.notes):
            return ""
        content = _description(contact, "") + "".join(_note(view.note, zone) for view in entry.notes)
        return _details("Sensitive contact: show the description and notes", content)
    parts = []
    for view in entry.notes:
        if view.sensitive:
            parts.append(_details("Sensitive note: show it", _note(view.note, zone)))
        elif view.long:
            parts.append(_details("Show the full note", _note(view.note, zone)))
        else:
            parts.append(_note(view.note, zone))
    return "".join(parts)
