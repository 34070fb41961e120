"""Shared pieces of the assessment actions: who may do what, the stale-version check, alert owners."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from openprobation.alerts.actions import close_alert
from openprobation.alerts.models import Alert, Decision
from openprobation.alerts.routing import manager_of, owner_of
from openprobation.staff.models import Role, User

# Roles that assess, plan and record requests: probation officers, PSOs and their managers.
ASSESSING_ROLES = frozenset({Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER, Role.SENIOR_PROBATION_OFFICER})
TEXT_MAX = 12000
STALE_MESSAGE = (
    "Someone else changed this after you opened the page. Nothing has been saved: check the latest "
    "details below and try again."
)


def require_assessor(user) -> None:
    if getattr(user, "role", None) not in ASSESSING_ROLES:
        raise PermissionDenied("Only probation practitioners and their managers can change assessments and plans.")


def require_countersigner(user, author) -> None:
    if not getattr(user, "is_manager", False):
        raise PermissionDenied("Only a senior probation officer can countersign.")
    if author is not None and user.pk == author.pk:
        raise ValidationError("You cannot countersign your own work: ask another manager.", code="own_work")


def check_version(current, expected_version) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != current.version:
        raise ValidationError(STALE_MESSAGE, code="stale")


def bump(obj, fields: list[str]) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])


def text_length(errors: dict, key: str, value: str, label: str) -> None:
    if len(value or "") > TEXT_MAX:
        errors[key] = f"{label} must be {TEXT_MAX:,} characters or fewer"


def team_manager(person) -> User | None:
    return manager_of(person)


def alert_owner(person) -> User | None:
    """The practitioner holding the case, or the team manager while it is unallocated (alerts.routing)."""
    return owner_of(person)


def close_open_alerts(person, reason: str, *, by, rationale: str, decision: str = Decision.RESOLVED,
                      subject_key: str | None = None, keep_subjects=()) -> int:
    """Close the open alerts of this reason (and subject, if given) whose cause the action has just removed."""
    if by is None:
        return 0
    alerts = Alert.objects.filter(person=person, reason=reason, closed_at__isnull=True)
    if subject_key is not None:
        alerts = alerts.filter(subject_key=subject_key)
    closed = 0
    for alert in alerts.exclude(subject_key__in=list(keep_subjects)):
        close_alert(alert, by=by, decision=decision, rationale=rationale)
        closed += 1
    return closed
