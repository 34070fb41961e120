"""Other assessments and reports, recorded beside the practitioner's own."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openprobation.audit.record import record

from ..models import ExternalAssessment, RoshLevel
from .common import require_assessor, text_length


def record_external_assessment(person, *, by, kind: str, title: str, author: str, agency: str,
                               assessed_on: datetime.date, conclusion: str, rosh_level: str = "",
                               today=None) -> ExternalAssessment:
    from ..conflicts import check_conflicts

    require_assessor(by)
    today = today or timezone.localdate()
    errors = {}
    if kind not in ExternalAssessment.Kind.values:
        errors["kind"] = "Select the kind of assessment or report"
    for field, value, label in (("title", title, "the title"), ("author", author, "who wrote it"),
                                ("agency", agency, "the agency they work for"),
                                ("conclusion", conclusion, "its conclusion")):
        if not (value or "").strip():
            errors[field] = f"Enter {label}"
    for field, value in (("title", title), ("author", author), ("agency", agency)):
        if len(value or "") > 200:
            errors[field] = "Must be 200 characters or fewer"
    text_length(errors, "conclusion", conclusion, "The conclusion")
    if assessed_on is None:
        errors["assessed_on"] = "Enter the date of the assessment"
    elif assessed_on > today:
        errors["assessed_on"] = "The date of the assessment must be today or in the past"
    if rosh_level and rosh_level not in RoshLevel.values:
        errors["rosh_level"] = "Select the risk of serious harm it concludes, or that it gives none"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = ExternalAssessment.objects.create(
            person=person, kind=kind, title=title.strip(), author=author.strip(), agency=agency.strip(),
            assessed_on=assessed_on, conclusion=conclusion.strip(), rosh_level=rosh_level or "", recorded_by=by)
        record("external_assessment_recorded", report, by=by, crn=person.crn, kind=kind, author=report.author,
               agency=report.agency, assessed_on=assessed_on, rosh_level=report.rosh_level)
        check_conflicts(person, by=by, today=today)
    return report


def set_aside_external_assessment(report: ExternalAssessment, *, by, reason: str, today=None) -> ExternalAssessment:
    """No longer current (for example replaced by a later report from the same agency); it stays readable."""
    from ..conflicts import check_conflicts

    require_assessor(by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why this report no longer counts as current"})
    with transaction.atomic():
        current = ExternalAssessment.objects.select_for_update(of=("self",)).select_related("person").get(
            pk=report.pk)
        if current.set_aside_at is not None:
            raise ValidationError("This report has already been set aside.")
        current.set_aside_at, current.set_aside_by, current.set_aside_reason = timezone.now(), by, reason.strip()
        current.save(update_fields=["set_aside_at", "set_aside_by", "set_aside_reason"])
        record("external_assessment_set_aside", current, by=by, crn=current.person.crn, reason=current.set_aside_reason)
        check_conflicts(current.person, by=by, today=today)
    return current
