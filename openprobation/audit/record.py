"""The one way to write an AuditEvent: `record(verb, obj, by=user, crn=..., **summary)`.

Every action calls it inside its transaction, after its changes. It does two things:

1. makes sure the changed record has a version in its history that matches the database now
   (``snapshot_if_changed``): ``save()`` and ``create()`` write versions on their own, but an action
   that changes the row with ``QuerySet.update()`` does not, and this fills that gap;
2. appends the AuditEvent to the tamper-evident audit chain (``audit.chain``).

A bulk action that writes its versions itself (``bulk_history_create``) calls ``record_written`` instead:
one event per record, all appended to the chain under one lock of its head.
"""

from django.db import transaction
from django.utils import timezone

from .chain import append_audit_event, append_audit_events
from .history import BY_MODEL
from .models import AuditEvent


def snapshot_if_changed(obj, *, by, reason: str):
    """Write a version of ``obj`` as it is in the database now, unless its latest version already says so.

    Returns the new historical row, or None. Costs two queries for a versioned record, none otherwise.
    """
    tracked = BY_MODEL.get(obj._meta.concrete_model)
    if tracked is None or obj.pk is None:
        return None
    model = tracked.model
    current = model._default_manager.filter(pk=obj.pk).first()
    if current is None:
        return None  # deleted: simple-history wrote the "-" version itself
    history_model = model.history.model
    attnames = [field.attname for field in history_model.tracked_fields]
    latest = (
        history_model.objects.filter(**{model._meta.pk.attname: obj.pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    if latest is not None and all(getattr(latest, name) == getattr(current, name) for name in attnames):
        return None
    return history_model.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=by if getattr(by, "pk", None) else None,
        history_change_reason=reason[:100],
        **{name: getattr(current, name) for name in attnames},
    )


def _entry(verb: str, obj, by, crn: str, summary: dict) -> dict:
    return dict(actor=by if getattr(by, "pk", None) else None, verb=verb, crn=crn,
                object_type=obj._meta.label_lower, object_id=str(obj.pk), summary=summary)


def record(verb: str, obj, *, by, crn: str = "", **summary) -> AuditEvent:
    with transaction.atomic():
        snapshot_if_changed(obj, by=by, reason=verb)
        return append_audit_event(**_entry(verb, obj, by, crn, summary))


def record_written(verb: str, entries, *, by) -> list[AuditEvent]:
    """One AuditEvent each for records whose versions the caller has just written itself (a bulk action that
    called ``bulk_history_create``), appended to the chain together. ``entries`` are (obj, crn, summary).

    It skips ``snapshot_if_changed``, so use it only straight after the versions are written.
    """
    return append_audit_events([_entry(verb, obj, by, crn, summary) for obj, crn, summary in entries])
