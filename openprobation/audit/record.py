"""The one way to write an AuditEvent: `record(verb, obj, by=user, crn=..., **summary)`."""

from .models import AuditEvent


def record(verb: str, obj, *, by, crn: str = "", **summary) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=by,
        verb=verb,
        crn=crn,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary,
    )
