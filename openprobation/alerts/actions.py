"""Raise, escalate and close alerts. Idempotent: one open alert per case, reason and subject."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprobation.audit.record import record, record_written

from .models import Alert, Decision, Severity

# The activity log entry that shows a closed alert's decision on the case's timeline.
CLOSED_CONTACT_CODE = "ALRTCL"


def raise_alert(person, *, reason: str, owner, due: datetime.date, title: str, summary: str, next_step: str,
                evidence: dict | None = None, subject_key: str = "", severity: str = Severity.ROUTINE,
                escalate_to=None, escalation_reason: str = "", by=None) -> tuple[Alert, bool]:
    """Open an alert, or refresh the open one for the same case, reason and subject.

    Returns (alert, created). A refresh updates the summary and evidence, never lowers the severity,
    brings the due date forward (never back) and escalates if asked; it never opens a second alert.
    `by` is the acting user, or None for the system sweep.
    """
    if owner is None:
        raise ValidationError("An alert needs an owner.")
    # As it will read back from the database (dates as ISO strings), so an unchanged refresh writes nothing.
    evidence = json.loads(json.dumps(evidence or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        existing = (
            Alert.objects.select_for_update(of=("self",))
            .filter(person=person, reason=reason, subject_key=subject_key, closed_at__isnull=True)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        person=person, reason=reason, subject_key=subject_key, title=title, summary=summary,
                        next_step=next_step, evidence=evidence or {}, severity=severity, owner=owner, due=due,
                    )
            except IntegrityError:
                # Another sweep raised it between our check and insert: refresh that one instead.
                return raise_alert(person, reason=reason, owner=owner, due=due, title=title, summary=summary,
                                   next_step=next_step, evidence=evidence, subject_key=subject_key,
                                   severity=severity, escalate_to=escalate_to,
                                   escalation_reason=escalation_reason, by=by)
            if escalate_to is not None:
                _escalate(alert, escalate_to, escalation_reason)
            record("alert_raised", alert, by=by, crn=person.crn, reason=reason, subject=subject_key,
                   owner=owner.pk, escalated_to=getattr(escalate_to, "pk", None))
            return alert, True
        changed = []
        for field, value in (("title", title), ("summary", summary), ("next_step", next_step),
                             ("evidence", evidence or {})):
            if getattr(existing, field) != value:
                setattr(existing, field, value)
                changed.append(field)
        if _rank(severity) > _rank(existing.severity):
            existing.severity = severity
            changed.append("severity")
        if due < existing.due:
            existing.due = due
            changed.append("due")
        if changed:
            existing.save(update_fields=[*changed, "updated_at"])
        if escalate_to is not None and existing.escalated_to_id is None:
            _escalate(existing, escalate_to, escalation_reason)
            record("alert_escalated", existing, by=by, crn=person.crn, to=escalate_to.pk, why=escalation_reason)
        return existing, False


def severity_rank(severity: str) -> int:
    return [Severity.ROUTINE, Severity.HIGH, Severity.CRITICAL].index(severity)


_rank = severity_rank


def _escalate(alert: Alert, to, reason: str):
    alert.escalated_to = to
    alert.escalated_at = timezone.now()
    alert.escalation_reason = reason
    alert.save(update_fields=["escalated_to", "escalated_at", "escalation_reason", "updated_at"])


def escalate_alert(alert: Alert, *, to, reason: str, by=None) -> Alert:
    with transaction.atomic():
        if alert.escalated_to_id is None:
            _escalate(alert, to, reason)
            record("alert_escalated", alert, by=by, crn=alert.person.crn, to=to.pk, why=reason)
    return alert


def close_alert(alert: Alert, *, by, decision: str, rationale: str) -> Alert:
    """Close with a recorded decision and rationale; the decision is kept on the alert and audited."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Select what was decided"})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Explain the decision"})
    with transaction.atomic():
        current = Alert.objects.select_for_update(of=("self",)).get(pk=alert.pk)
        if current.closed_at is not None:
            raise ValidationError("This alert has already been closed.")
        current.closed_at = timezone.now()
        current.closed_by = by
        current.decision = decision
        current.rationale = rationale.strip()
        current.save(update_fields=["closed_at", "closed_by", "decision", "rationale", "updated_at"])
        logged = _log_decision(current, by=by)
        record("alert_closed", current, by=by, crn=current.person.crn, reason=current.reason,
               decision=decision, rationale=current.rationale, contact=logged.pk)
    alert.refresh_from_db()
    return alert


def _log_decision(alert: Alert, *, by):
    """Put the decision on the case's activity log, beside everything else that happened."""
    from openprobation.supervision.models import Contact, ContactNote, ContactType

    label = Decision(alert.decision).label
    contact = Contact.objects.create(
        person=alert.person,
        contact_type=ContactType.objects.get(code=CLOSED_CONTACT_CODE),
        starts_at=alert.closed_at,
        staff=by,
        team=by.team,
        description=f"Alert closed: {alert.title}. Decision: {label}"[:200],
        created_by=by,
    )
    ContactNote.objects.create(contact=contact, text=f"Decision: {label}\nRationale: {alert.rationale}",
                               created_by=by)
    return contact


ESCALATE_CHUNK = 500  # escalations per transaction (each holds the audit chain's head while it writes)


def escalate_overdue_alerts(today: datetime.date, *, batch_size: int = 1000) -> dict:
    """Escalate every open alert past its due date to the manager of the case's team (once).

    A fixed number of queries per batch of overdue alerts; the escalations themselves go a chunk at a time,
    each chunk in one transaction: its alerts locked and re-read (one closed or escalated meanwhile is left
    alone), updated in one query with their versions in another, then one ``alert_escalated`` audit event
    each, as ``escalate_alert`` writes, appended to the chain together.
    """
    from openprobation.core.calendar import format_date

    from .routing import team_managers

    counts = {"overdue": 0, "escalated": 0, "not_escalated": 0}
    last = 0
    while True:
        batch = list(
            Alert.objects.filter(closed_at__isnull=True, escalated_to__isnull=True, due__lt=today, pk__gt=last)
            .select_related("person").order_by("pk")[:batch_size]
        )
        if not batch:
            return counts
        last = batch[-1].pk
        managers = team_managers({alert.person.team_id for alert in batch})
        to_escalate = {}
        for alert in batch:
            counts["overdue"] += 1
            manager = managers.get(alert.person.team_id)
            if manager is None or manager.pk == alert.owner_id:
                counts["not_escalated"] += 1  # no manager, or the manager already owns it
                continue
            to_escalate[alert.pk] = (alert, manager)
        pks = list(to_escalate)
        for start in range(0, len(pks), ESCALATE_CHUNK):
            counts["escalated"] += _escalate_chunk(
                [to_escalate[pk] for pk in pks[start:start + ESCALATE_CHUNK]], format_date)


def _escalate_chunk(chunk, format_date) -> int:
    with transaction.atomic():
        still = {a.pk: a for a in Alert.objects.select_for_update(of=("self",))
                 .filter(pk__in=[alert.pk for alert, _ in chunk], closed_at__isnull=True, escalated_to__isnull=True)}
        now = timezone.now()
        done = []
        for alert, manager in chunk:
            current = still.get(alert.pk)
            if current is None:
                continue
            current.escalated_to, current.escalated_at, current.updated_at = manager, now, now
            current.escalation_reason = f"Not answered by its due date, {format_date(current.due)}."
            done.append((current, alert.person))
        if not done:
            return 0
        alerts = [current for current, _ in done]
        Alert.objects.bulk_update(alerts, ["escalated_to", "escalated_at", "escalation_reason", "updated_at"])
        Alert.history.bulk_history_create(alerts, update=True)  # the versions save() would have written
        record_written("alert_escalated", [
            (current, person.crn, {"to": current.escalated_to_id, "why": current.escalation_reason})
            for current, person in done
        ], by=None)
    return len(done)
