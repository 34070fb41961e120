"""The activity log's timeline markup: the days of an ``ActivityPage`` as MoJ timeline HTML.

Built in Python rather than with a template per day, entry and note. A page shows 50 entries, often with
notes, and rendering them through nested ``{% include %}``s cost about 8 ms of template overhead a page
(thousands of template nodes and lookups), more than the page's SQL. The markup is the same as the
templates gave: the MoJ timeline, GOV.UK tags, summary lists and details. Every value goes through
``frontend.markup.html`` (``format_html`` without its costs); notes keep their line breaks
(``linebreaksbr``, which escapes first).
"""

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.safestring import SafeString

from openprobation.frontend.markup import EMPTY
from openprobation.frontend.markup import html as _html
from openprobation.frontend.markup import join as _join
from openprobation.frontend.templatetags.govuk import TAG_COLOURS, govuk_date, govuk_datetime, govuk_time


def timeline_days(page, crn: str) -> SafeString:
    """Every day of the page, newest first, each a section with its entries oldest first."""
    appointment_url = _appointment_url(crn)
    return _join(_day(day, appointment_url) for day in page.days)


def _appointment_url(crn: str):
    """reverse() once a page: the appointment URL of contact ``pk`` is this prefix and the pk."""
    marker = 999999999
    sample = reverse("supervision:appointment", args=[crn, marker])
    head, tail = sample.rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _day(day, appointment_url) -> SafeString:
    anchor = f"day-{day.date.isoformat()}"
    continued = (
        SafeString(
            '<span class="govuk-caption-s">Continued: later contacts on this day are on the previous page</span>'
        )
        if day.continued_from_previous_page
        else EMPTY
    )
    continues = (
        SafeString('<p class="govuk-body-s govuk-hint">Earlier contacts on this day are on the next page.</p>')
        if day.continues_on_next_page
        else EMPTY
    )
    entries = _join(
        _system_entry(entry) if entry.system_generated else _entry(entry, appointment_url) for entry in day.entries
    )
    return _html(
        '<section class="govuk-!-margin-bottom-6" aria-labelledby="{}">\n'
        '  <h3 class="govuk-heading-m govuk-!-margin-bottom-2" id="{}">\n'
        "    {} {}\n    {}\n  </h3>\n"
        '  <div class="moj-timeline">\n{}  </div>\n'
        "  {}\n</section>\n",
        anchor, anchor, WEEKDAYS[day.date.weekday()], govuk_date(day.date), continued, entries, continues,
    )


def _time(contact) -> SafeString:
    starts = _time_start_only(contact)
    if contact.ends_at:
        return _html("{} to {}", starts, govuk_time(contact.ends_at))
    return starts


def _tag(text, colour) -> SafeString:
    """The GOV.UK tag, as the govuk_tag component renders it."""
    if colour in (None, "", "blue"):
        return _html('<strong class="govuk-tag">{}</strong>\n', text)
    if colour not in TAG_COLOURS:
        raise ValueError(f"Unknown GOV.UK tag colour {colour!r}")
    return _html('<strong class="govuk-tag govuk-tag--{}">{}</strong>\n', colour, text)


def _details(summary: str, content) -> SafeString:
    """The GOV.UK details component (closed), as govuk_details renders it."""
    return _html(
        '<details class="govuk-details">\n'
        '  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">{}</span></summary>\n'
        '  <div class="govuk-details__text">{}</div>\n'
        "</details>\n",
        summary,
        content,
    )


def _entry(entry, appointment_url) -> SafeString:
    contact = entry.contact
    national = entry.national_standards
    if entry.is_appointment:
        title = _html('<a class="govuk-link" href="{}">{}</a>', appointment_url(contact.pk), contact.contact_type)
    else:
        title = _html("{}", contact.contact_type)
    rows = _join(
        _html(
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
            '<dd class="govuk-summary-list__value">{}</dd></div>',
            label,
            value,
        )
        for label, value in entry.details
    )
    text = EMPTY
    if not contact.sensitive:
        text = _join(
            [
                _html('<p class="govuk-body">{}</p>\n', contact.description) if contact.description else EMPTY,
                _html('<p class="govuk-body">Reason for rescheduling: {}</p>\n', contact.reschedule_reason)
                if contact.reschedule_reason
                else EMPTY,
            ]
        )
    return _html(
        '<div class="moj-timeline__item" id="contact-{}"{}>\n'
        '  <div class="moj-timeline__header">\n'
        '    <h4 class="moj-timeline__title{}">\n      {}\n    </h4>\n'
        '    <p class="moj-timeline__byline">by {}</p>\n'
        "  </div>\n"
        '  <p class="moj-timeline__date">\n    {}\n  </p>\n'
        '  <div class="moj-timeline__description">\n'
        '    <p class="govuk-body govuk-!-margin-bottom-2">\n      {}\n    </p>\n'
        '    <dl class="govuk-summary-list govuk-summary-list--no-border govuk-!-font-size-16 govuk-!-margin-bottom-2">'
        "\n      {}\n    </dl>\n"
        "    {}{}{}"
        "  </div>\n"
        "</div>\n",
        contact.pk,
        SafeString(' data-national-standards="true"') if national else EMPTY,
        EMPTY if national else SafeString(" govuk-!-font-weight-regular"),
        title,
        contact.staff,
        _time(contact),
        _join(_tag(tag.label, tag.colour) for tag in entry.tags),
        rows,
        text,
        _enforcement(entry) if entry.enforcement else EMPTY,
        _notes(entry),
    )


def _system_entry(entry) -> SafeString:
    contact = entry.contact
    if contact.description and not contact.sensitive:
        label = _html("{}: {}", contact.contact_type, contact.description)
    else:
        label = _html("{}", contact.contact_type)
    notes = _notes(entry) if entry.notes or (contact.sensitive and contact.description) else EMPTY
    return _html(
        '<div class="moj-timeline__item govuk-!-padding-bottom-2" id="contact-{}" data-system-generated="true">\n'
        '  <p class="govuk-body-s govuk-hint govuk-!-margin-bottom-0">\n'
        '    {} ·\n    <span class="govuk-visually-hidden">System-generated: </span>{}\n'
        "  </p>\n"
        "  {}"
        "</div>\n",
        contact.pk,
        _time_start_only(contact),
        label,
        notes,
    )


def _time_start_only(contact) -> SafeString:
    return _html(
        '<time datetime="{}">{}</time>', timezone.localtime(contact.starts_at).isoformat(), govuk_time(contact.starts_at)
    )


def _enforcement(entry) -> SafeString:
    items = []
    for record in entry.enforcement:
        withdrawn = (
            _html(" (withdrawn on {})", govuk_date(record.withdrawn_on)) if record.withdrawn_on else EMPTY
        )
        response = (
            _html("Response due by {}.", govuk_date(record.response_due)) if record.response_due else EMPTY
        )
        breach = (
            _html("Breach pack due at court by {}.", govuk_date(record.breach_pack_due))
            if record.breach_pack_due
            else EMPTY
        )
        items.append(
            _html(
                '  <li data-enforcement="{}">\n    {} on {} by {}{}.\n    {}\n    {}\n  </li>\n',
                record.action.code, record.action, govuk_date(record.decided_on), record.decided_by, withdrawn,
                response, breach,
            )
        )
    return _html(
        '<h5 class="govuk-heading-s govuk-!-margin-bottom-1">Enforcement</h5>\n'
        '<ul class="govuk-list govuk-!-font-size-16">\n{}</ul>\n',
        _join(items),
    )


def _note(note) -> SafeString:
    return _html(
        '<div class="govuk-!-margin-bottom-3" data-note="{}">\n'
        '  <p class="govuk-body govuk-!-margin-bottom-1">{}</p>\n'
        '  <p class="govuk-body-s govuk-hint govuk-!-margin-bottom-0">Note added by {} on {}</p>\n'
        "</div>\n",
        note.pk,
        linebreaksbr(note.text, autoescape=True),
        note.created_by,
        govuk_datetime(note.created_at),
    )


def _notes(entry) -> SafeString:
    """The entry's notes: a sensitive contact's description and notes all behind one disclosure; otherwise
    each note shown, or behind its own disclosure when it is sensitive or long."""
    contact = entry.contact
    if contact.sensitive:
        if not (contact.description or contact.reschedule_reason or entry.notes):
            return EMPTY
        content = _join(
            [
                _html('<p class="govuk-body">{}</p>', contact.description) if contact.description else EMPTY,
                _html('<p class="govuk-body">Reason for rescheduling: {}</p>', contact.reschedule_reason)
                if contact.reschedule_reason
                else EMPTY,
                *(_note(view.note) for view in entry.notes),
            ]
        )
        return _details("Sensitive contact: show the description and notes", content)
    parts = []
    for view in entry.notes:
        if view.sensitive:
            parts.append(_details("Sensitive note: show it", _note(view.note)))
        elif view.long:
            parts.append(_details("Show the full note", _note(view.note)))
        else:
            parts.append(_note(view.note))
    return _join(parts)
