"""Conflicting assessments: when current conclusions about the risk of serious harm disagree materially.

The current conclusions are the person's final assessment and the other assessments and reports dated within
the configured window that give a risk of serious harm conclusion and were not set aside. When the highest and
the lowest are at least the configured number of levels apart, the case shows both and an alert asks the
practitioner to reconcile them with a recorded rationale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.alerts.actions import close_alert, raise_alert
from openprobation.alerts.models import Alert, Decision
from openprobation.alerts.models import Severity as AlertSeverity
from openprobation.core.calendar import format_date

from . import reasons
from .actions.common import alert_owner, close_open_alerts, require_assessor
from .config import setting
from .models import COUNTERSIGN_LEVELS, Assessment, ExternalAssessment, RoshLevel, rosh_rank


@dataclass(frozen=True)
class Conclusion:
    key: str  # "a<id>" for an assessment, "e<id>" for another report
    source: str
    author: str
    agency: str
    on: datetime.date
    level: str

    @property
    def level_label(self) -> str:
        return RoshLevel(self.level).label


@dataclass(frozen=True)
class Conflict:
    high: Conclusion
    low: Conclusion

    @property
    def subject_key(self) -> str:
        first, second = sorted([self.high.key, self.low.key])
        return f"conflict:{first}-{second}"

    @property
    def levels_apart(self) -> int:
        return rosh_rank(self.high.level) - rosh_rank(self.low.level)

    def describe(self) -> str:
        return (f"{self.high.source} by {self.high.author} ({self.high.agency}, {format_date(self.high.on)}) "
                f"says {self.high.level_label.lower()}; {self.low.source} by {self.low.author} "
                f"({self.low.agency}, {format_date(self.low.on)}) says {self.low.level_label.lower()}.")


def assessment_conclusion(assessment: Assessment) -> Conclusion:
    author = assessment.completed_by
    return Conclusion(
        key=f"a{assessment.pk}", source=f"Assessment {assessment.number}", author=str(author),
        agency="Probation", on=timezone.localdate(assessment.final_at), level=assessment.overall_rosh)


def external_conclusion(report: ExternalAssessment) -> Conclusion:
    return Conclusion(key=f"e{report.pk}", source=report.get_kind_display(), author=report.author,
                      agency=report.agency, on=report.assessed_on, level=report.rosh_level)


def find_conflict(conclusions: list[Conclusion], *, min_levels: int) -> Conflict | None:
    """The most recent highest and most recent lowest conclusions, if far enough apart. Pure."""
    usable = [c for c in conclusions if c.level in RoshLevel.values]
    if len(usable) < 2:
        return None
    high = max(usable, key=lambda c: (rosh_rank(c.level), c.on, c.key))
    low = min(usable, key=lambda c: (rosh_rank(c.level), -c.on.toordinal(), c.key))
    conflict = Conflict(high=high, low=low)
    return conflict if conflict.levels_apart >= max(1, min_levels) else None


def external_window_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=setting("EXTERNAL_CURRENT_DAYS"))


def current_conclusions(person, today: datetime.date) -> list[Conclusion]:
    found = []
    assessment = (Assessment.objects.filter(person=person, status=Assessment.Status.COMPLETE)
                  .select_related("completed_by").first())
    if assessment is not None:
        found.append(assessment_conclusion(assessment))
    reports = ExternalAssessment.objects.filter(
        person=person, set_aside_at__isnull=True, assessed_on__gte=external_window_start(today),
        assessed_on__lte=today).exclude(rosh_level="")
    found.extend(external_conclusion(r) for r in reports)
    return found


def conflict_for(person, today: datetime.date) -> Conflict | None:
    return find_conflict(current_conclusions(person, today), min_levels=setting("CONFLICT_LEVELS"))


def reconciliation(person, subject_key: str) -> Alert | None:
    """The closed alert recording how this conflict was reconciled, if it was."""
    return (Alert.objects.filter(person=person, reason=reasons.CONFLICT, subject_key=subject_key,
                                 decision=Decision.RECONCILED)
            .select_related("closed_by").order_by("-closed_at").first())


def raise_conflict_alert(person, conflict: Conflict, *, today: datetime.date, by=None) -> tuple[Alert | None, bool]:
    """(alert, created); no alert when the case has nobody to own it."""
    owner = alert_owner(person)
    if owner is None:
        return None, False
    serious = conflict.high.level in COUNTERSIGN_LEVELS
    return raise_alert(
        person, reason=reasons.CONFLICT, subject_key=conflict.subject_key, owner=owner,
        due=today + datetime.timedelta(days=10),
        title="Assessments disagree about the risk of serious harm",
        summary=conflict.describe(),
        next_step="Read both, decide which view the risk management plan follows and record why.",
        evidence={"high": conflict.high.key, "low": conflict.low.key, "levels": [conflict.high.level,
                                                                                  conflict.low.level]},
        severity=AlertSeverity.HIGH if serious else AlertSeverity.ROUTINE, by=by)


def check_conflicts(person, *, by=None, today: datetime.date | None = None) -> Conflict | None:
    """Raise the alert for a current unreconciled conflict; close (as resolved) alerts for conflicts that no
    longer hold, when a user's action removed them."""
    today = today or timezone.localdate()
    conflict = conflict_for(person, today)
    keep = []
    if conflict is not None and reconciliation(person, conflict.subject_key) is None:
        raise_conflict_alert(person, conflict, today=today, by=by)
        keep.append(conflict.subject_key)
    close_open_alerts(person, reasons.CONFLICT, by=by, keep_subjects=keep,
                      rationale="The assessments no longer disagree: a newer assessment or report replaced one.")
    return conflict


def reconcile_conflict(person, *, by, subject_key: str, rationale: str, today=None) -> Alert:
    """Record which view stands and why, closing the conflict's alert with the decision 'reconciled'."""
    require_assessor(by)
    today = today or timezone.localdate()
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Explain how you reconciled the assessments"})
    with transaction.atomic():
        conflict = conflict_for(person, today)
        if conflict is None or conflict.subject_key != subject_key:
            raise ValidationError("These assessments no longer disagree: there is nothing to reconcile.",
                                  code="gone")
        if reconciliation(person, subject_key) is not None:
            raise ValidationError("This disagreement has already been reconciled.", code="done")
        alert = (Alert.objects.filter(person=person, reason=reasons.CONFLICT, subject_key=subject_key,
                                      closed_at__isnull=True).first()
                 or raise_conflict_alert(person, conflict, today=today, by=by)[0])
        if alert is None:
            raise ValidationError("The case has no practitioner or manager to own the reconciliation.")
        return close_alert(alert, by=by, decision=Decision.RECONCILED, rationale=rationale)
