"""No lost updates: when an action refuses a stale version, show what changed instead of the form.

Every editable record carries ``version``; forms post the version they showed and the action refuses a
mismatch with ``ValidationError(code="stale")``, having saved nothing. The edit page then calls
``stale_edit(...)`` and includes ``people/_stale_edit.html``: the values the user submitted beside the
current ones (and, where the record's history holds it, the values when the user opened the page), who
made the other change and when (from the latest AuditEvent), and a way to start again from the current
version. Nothing the user typed is lost from view, and nothing is overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from openprobation.audit.models import AuditEvent
from openprobation.frontend.templatetags.govuk import govuk_date, govuk_datetime, govuk_time

BLANK = "None"


@dataclass
class ChangedValue:
    label: str
    yours: str | None  # None: not part of the user's change
    now: str
    seen: str | None = None  # when the user opened the page, if the history holds it
    changed: bool = False  # someone else changed it since the user opened the page (or it differs from theirs)


@dataclass
class StaleEdit:
    what: str
    rows: list[ChangedValue]
    also_yours: list[tuple[str, str]] = field(default_factory=list)  # other things the user entered, not saved
    changed_by: str = ""
    changed_at: datetime.datetime | None = None
    restart_url: str = ""
    cancel_url: str = ""

    @property
    def has_seen(self) -> bool:
        return any(row.seen is not None for row in self.rows)


def is_stale(error: ValidationError) -> bool:
    """Whether an action refused the change because the record changed after the form was shown."""
    if hasattr(error, "error_dict"):
        return False
    return any(item.code == "stale" for item in error.error_list)


def _choices(form_field) -> dict[str, str]:
    flat = {}
    for value, label in getattr(form_field, "choices", ()) or ():
        if isinstance(label, (list, tuple)):
            flat.update({str(v): str(lbl) for v, lbl in label})
        else:
            flat[str(value)] = str(label)
    return flat


def display(value, form_field=None) -> str:
    """A value as the user would read it on a page."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return govuk_datetime(value)
    if isinstance(value, datetime.date):
        return govuk_date(value)
    if isinstance(value, datetime.time):
        return govuk_time(value)
    if isinstance(value, models.Model):
        return str(value)
    if form_field is not None and not isinstance(form_field, forms.ModelChoiceField):
        label = _choices(form_field).get(str(value))
        if label is not None:
            return label
    return str(value)


def _seen_instance(obj, version):
    """The record as it was at ``version``, from its history (django-simple-history), if kept."""
    history = getattr(type(obj), "history", None)
    if history is None or version is None:
        return None
    if not any(f.name == "version" for f in history.model._meta.fields):
        return None
    row = history.filter(**{obj._meta.pk.attname: obj.pk, "version": version}).order_by("-history_date").first()
    return row.instance if row is not None else None


def latest_change(obj, *, events=None, verbs: Iterable[str] | None = None) -> AuditEvent | None:
    """The latest AuditEvent about ``obj`` (or in ``events``), optionally only these verbs."""
    if events is None:
        events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if verbs:
        events = events.filter(verb__in=list(verbs))
    return events.select_related("actor").order_by("-at", "-id").first()


def stale_edit(
    request,
    form,
    obj,
    *,
    what: str,
    values: Callable[[models.Model], dict],
    restart_url: str,
    cancel_url: str,
    labels: dict[str, str] | None = None,
    events=None,
    verbs: Iterable[str] | None = None,
    history: bool = True,
    exclude: Iterable[str] = (),
) -> StaleEdit:
    """What the stale-edit page shows, for a valid ``form`` whose change the action refused as stale.

    ``values(record)`` gives the record's values keyed like the form's fields (a key the form does not
    have shows as "not part of your change"). ``history=False`` when ``values`` reads other tables than
    the record's own (its history would not hold them). Other fields the user filled in are listed as
    also not saved, except those in ``exclude`` (parts of a value already shown, like a date and a time).
    """
    labels = labels or {}
    current = type(obj)._default_manager.get(pk=obj.pk)
    now_values = values(current)
    seen = _seen_instance(current, form.cleaned_data.get("version")) if history else None
    seen_values = values(seen) if seen is not None else None
    rows = []
    for name, now_value in now_values.items():
        form_field = form.fields.get(name)
        label = labels.get(name) or (str(form_field.label) if form_field is not None and form_field.label else name)
        now_text = display(now_value, form_field)
        yours = display(form.cleaned_data.get(name), form_field) if name in form.cleaned_data else None
        seen_text = display(seen_values.get(name), form_field) if seen_values is not None else None
        changed = (seen_text != now_text) if seen_text is not None else (yours is not None and yours != now_text)
        rows.append(ChangedValue(label=label, yours=yours, now=now_text, seen=seen_text, changed=changed))
    also = [
        (labels.get(name) or str(form.fields[name].label or name), display(value, form.fields[name]))
        for name, value in form.cleaned_data.items()
        if name in form.fields
        and name not in now_values
        and name not in exclude
        and not form.fields[name].widget.is_hidden
        and value not in (None, "", False)
    ]
    event = latest_change(current, events=events, verbs=verbs)
    changed_by = ""
    if event is not None:
        actor = event.actor
        if actor is None:
            changed_by = "The system"
        elif actor.pk == request.user.pk:
            changed_by = "You (in another tab or window)"
        else:
            changed_by = str(actor)
    return StaleEdit(
        what=what,
        rows=rows,
        also_yours=also,
        changed_by=changed_by,
        changed_at=event.at if event is not None else None,
        restart_url=restart_url,
        cancel_url=cancel_url,
    )
