"""Draft, fill in, complete, countersign and return an assessment of risk and needs."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openprobation.alerts.actions import raise_alert
from openprobation.alerts.models import Severity as AlertSeverity
from openprobation.audit.record import record
from openprobation.core.calendar import format_date

from .. import reasons
from ..config import setting
from ..models import (
    COUNTERSIGN_LEVELS,
    Assessment,
    Concern,
    Motivation,
    NeedArea,
    NeedRating,
    PredictorType,
    ProblemLevel,
    RiskGroup,
    RiskToSelf,
    RoshLevel,
    RoshRating,
    Setting,
    Severity,
    SrpBand,
    YesNoUnknown,
    highest_rosh,
)
from .common import (
    alert_owner,
    bump,
    check_version,
    close_open_alerts,
    require_assessor,
    require_countersigner,
    team_manager,
    text_length,
)

NARRATIVE_FIELDS = {
    "who_at_risk": "Who is at risk",
    "nature_of_risk": "The nature of the risk",
    "imminence": "When the risk is greatest",
    "increasing_factors": "What increases the risk",
    "reducing_factors": "What reduces the risk",
}
PREDICTOR_FIELDS = ("ogrs3_one_year", "ogrs3_two_year", "rsr", "arp", "arp_type", "csrp", "csrp_type",
                    "dc_srp", "dc_srp_band", "sexual_offence_history")
COPIED_FIELDS = (*NARRATIVE_FIELDS, "risk_to_self_notes", "parental_responsibilities", "impulsivity",
                 "temper_control", "needs_summary", *PREDICTOR_FIELDS, "predictors_entered", "ogrs3_working")


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suggested_review_date(overall_rosh: str | None, today: datetime.date) -> datetime.date:
    months = setting("REVIEW_MONTHS").get(overall_rosh or RoshLevel.MEDIUM, 6)
    return add_months(today, months)


def _lock(assessment: Assessment, expected_version, *, status=Assessment.Status.DRAFT) -> Assessment:
    current = Assessment.objects.select_for_update(of=("self",)).select_related("person").get(pk=assessment.pk)
    check_version(current, expected_version)
    if status is not None and current.status != status:
        if current.status == Assessment.Status.DRAFT:
            raise ValidationError("This assessment is still a draft: complete it first.", code="state")
        raise ValidationError(
            f"This assessment is {current.get_status_display().lower()} and can no longer be changed.", code="state")
    return current


def current_assessment(person) -> Assessment | None:
    return Assessment.objects.filter(person=person, status=Assessment.Status.COMPLETE).first()


def start_assessment(person, *, by, purpose: str) -> Assessment:
    """Open a draft, pre-filled from the current assessment so that only what changed needs changing."""
    require_assessor(by)
    if purpose not in Assessment.Purpose.values:
        raise ValidationError({"purpose": "Select why you are assessing now"})
    with transaction.atomic():
        type(person).objects.select_for_update().filter(pk=person.pk).first()  # one new draft at a time
        open_one = Assessment.objects.filter(person=person, status__in=Assessment.OPEN_STATUSES).first()
        if open_one is not None:
            raise ValidationError(
                f"Assessment {open_one.number} is already {open_one.get_status_display().lower()}: "
                "finish that one first.", code="open")
        number = (Assessment.objects.filter(person=person).aggregate(n=Max("number"))["n"] or 0) + 1
        base = current_assessment(person)
        draft = Assessment(person=person, number=number, purpose=purpose, created_by=by)
        if base is not None:
            for field in COPIED_FIELDS:
                setattr(draft, field, getattr(base, field))
        draft.save()
        if base is not None:
            RoshRating.objects.bulk_create(
                RoshRating(assessment=draft, group=r.group, setting=r.setting, level=r.level)
                for r in base.rosh_ratings.all())
            RiskToSelf.objects.bulk_create(
                RiskToSelf(assessment=draft, concern=r.concern, current=r.current, previous=r.previous)
                for r in base.risks_to_self.all())
            NeedRating.objects.bulk_create(
                NeedRating(assessment=draft, area_id=n.area_id, severity=n.severity, linked_to_harm=n.linked_to_harm,
                           linked_to_reoffending=n.linked_to_reoffending, strengths=n.strengths,
                           motivation=n.motivation, details=n.details)
                for n in base.need_ratings.all())
        record("assessment_started", draft, by=by, crn=person.crn, number=number, purpose=purpose,
               copied_from=getattr(base, "pk", None))
    return draft


def update_rosh(assessment, *, by, ratings: dict, expected_version, **narrative) -> Assessment:
    """Ratings: {(group, setting): level} for every group in both settings; narrative: NARRATIVE_FIELDS."""
    require_assessor(by)
    errors = {}
    for group in RiskGroup.values:
        for place in Setting.values:
            if ratings.get((group, place)) not in RoshLevel.values:
                errors[f"{group}_{place}"] = (
                    f"Select the risk to {RiskGroup(group).label.lower()} {Setting(place).label.lower()}")
    for field, label in NARRATIVE_FIELDS.items():
        text_length(errors, field, narrative.get(field, ""), label)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        before = {(r.group, r.setting): r.level for r in current.rosh_ratings.all()}
        current.rosh_ratings.all().delete()
        RoshRating.objects.bulk_create(
            RoshRating(assessment=current, group=g, setting=s, level=level) for (g, s), level in sorted(ratings.items())
            if g in RiskGroup.values and s in Setting.values)
        for field in NARRATIVE_FIELDS:
            setattr(current, field, (narrative.get(field) or "").strip())
        bump(current, list(NARRATIVE_FIELDS))
        changed = {f"{g}_{s}": [before.get((g, s)), level] for (g, s), level in ratings.items()
                   if before.get((g, s)) != level}
        record("assessment_rosh_updated", current, by=by, crn=current.person.crn, number=current.number,
               changed=changed)
    return current


def update_risk_to_self(assessment, *, by, concerns: dict, notes: str, expected_version) -> Assessment:
    """Concerns: {concern: (current, previous)} with yes / no / unknown for each of the five concerns."""
    require_assessor(by)
    errors = {}
    for concern in Concern.values:
        now, before = concerns.get(concern, (None, None))
        label = Concern(concern).label.lower()
        if now not in YesNoUnknown.values:
            errors[f"{concern}_current"] = f"Select whether there is a current concern about {label}"
        if before not in YesNoUnknown.values:
            errors[f"{concern}_previous"] = f"Select whether there was a previous concern about {label}"
    text_length(errors, "notes", notes, "Notes")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        current.risks_to_self.all().delete()
        RiskToSelf.objects.bulk_create(
            RiskToSelf(assessment=current, concern=c, current=concerns[c][0], previous=concerns[c][1])
            for c in Concern.values)
        current.risk_to_self_notes = (notes or "").strip()
        bump(current, ["risk_to_self_notes"])
        record("assessment_risk_to_self_updated", current, by=by, crn=current.person.crn, number=current.number,
               current_concerns=sorted(c for c in Concern.values if concerns[c][0] == YesNoUnknown.YES))
    return current


def update_need(assessment, area: NeedArea, *, by, severity: str, linked_to_harm: bool,
                linked_to_reoffending: bool, motivation: str, strengths: str = "", details: str = "",
                factors: dict | None = None, expected_version) -> Assessment:
    """One need area; ``factors`` sets the extra answers the tier reads for women (parental responsibilities,
    impulsivity, temper control) where the form for this area asks them."""
    require_assessor(by)
    errors = {}
    if severity not in Severity.values:
        errors["severity"] = f"Select how much of a need {area.description.lower()} is"
    if motivation not in Motivation.values:
        errors["motivation"] = "Select what the person said about making changes"
    text_length(errors, "strengths", strengths, "Strengths and protective factors")
    text_length(errors, "details", details, "Details")
    allowed = {"parental_responsibilities": YesNoUnknown.values, "impulsivity": ProblemLevel.values,
               "temper_control": ProblemLevel.values}
    for name, value in (factors or {}).items():
        if name not in allowed or value not in allowed[name]:
            errors[name] = "Select an answer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        NeedRating.objects.update_or_create(
            assessment=current, area=area,
            defaults={"severity": severity, "linked_to_harm": bool(linked_to_harm),
                      "linked_to_reoffending": bool(linked_to_reoffending), "motivation": motivation,
                      "strengths": (strengths or "").strip(), "details": (details or "").strip()})
        for name, value in (factors or {}).items():
            setattr(current, name, value)
        bump(current, list(factors or {}))
        record("assessment_need_updated", current, by=by, crn=current.person.crn, number=current.number,
               area=area.code, severity=severity, harm=bool(linked_to_harm),
               reoffending=bool(linked_to_reoffending), motivation=motivation)
    return current


def update_predictors(assessment, *, by, expected_version, **scores) -> Assessment:
    """Predictor scores as percentages from the predictor tools; every score is optional, but a score needs
    its static or dynamic type and the direct contact sexual reoffending predictor needs its band."""
    require_assessor(by)
    errors = {}
    for name in ("ogrs3_one_year", "ogrs3_two_year", "rsr", "arp", "csrp", "dc_srp"):
        value = scores.get(name)
        if value is not None and not (0 <= value <= 100):
            errors[name] = "Enter a percentage from 0 to 100"
    for score, kind in (("arp", "arp_type"), ("csrp", "csrp_type")):
        if scores.get(score) is not None and scores.get(kind) not in PredictorType.values:
            errors[kind] = "Select whether the score is static or dynamic"
        if scores.get(score) is None and scores.get(kind):
            errors[score] = "Enter the score, or leave its type empty"
    if scores.get("dc_srp") is not None and scores.get("dc_srp_band") not in SrpBand.values:
        errors["dc_srp_band"] = "Select the band of the direct contact sexual reoffending predictor"
    one, two = scores.get("ogrs3_one_year"), scores.get("ogrs3_two_year")
    if one is not None and two is not None and one > two:
        errors["ogrs3_one_year"] = "The 1-year OGRS3 score cannot be higher than the 2-year score"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        if (scores.get("ogrs3_one_year"), scores.get("ogrs3_two_year")) != (current.ogrs3_one_year,
                                                                            current.ogrs3_two_year):
            current.ogrs3_working = {}  # typed in by hand: the calculated working no longer applies
        for name in PREDICTOR_FIELDS:
            value = scores.get(name)
            if name.endswith(("_type", "_band")):
                value = value or ""
            elif name == "sexual_offence_history":
                value = bool(value)
            setattr(current, name, value)
        current.predictors_entered = True
        bump(current, [*PREDICTOR_FIELDS, "predictors_entered", "ogrs3_working"])
        record("assessment_predictors_updated", current, by=by, crn=current.person.crn, number=current.number,
               **{name: getattr(current, name) for name in PREDICTOR_FIELDS})
    return current


def missing_sections(assessment: Assessment) -> list[tuple[str, str]]:
    """What still needs doing before completion: (message, section key)."""
    missing = []
    ratings = {(r.group, r.setting) for r in assessment.rosh_ratings.all()}
    if len(ratings) < len(RiskGroup.values) * len(Setting.values):
        missing.append(("Rate the risk of serious harm to every group, in the community and in custody", "rosh"))
    for field, label in NARRATIVE_FIELDS.items():
        if not getattr(assessment, field).strip():
            missing.append((f"Describe {label[0].lower() + label[1:]}", "rosh"))
    if len(assessment.risks_to_self.all()) < len(Concern.values):
        missing.append(("Answer the questions about risk to themselves", "risk-to-self"))
    rated = {n.area_id for n in assessment.need_ratings.all()}
    for area in NeedArea.objects.selectable():
        if area.pk not in rated:
            missing.append((f"Assess {area.description.lower()}", f"need-{area.code}"))
    return missing


def overall_rosh_of(assessment: Assessment) -> str | None:
    """The highest risk in the community: the people we supervise are in the community."""
    return highest_rosh(r.level for r in assessment.rosh_ratings.all() if r.setting == Setting.COMMUNITY)


def complete_assessment(assessment, *, by, review_due: datetime.date, expected_version, today=None) -> Assessment:
    """Complete it: final at once, or sent to the team manager when the risk is high or very high."""
    require_assessor(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        missing = missing_sections(current)
        if missing:
            raise ValidationError([message for message, _ in missing], code="incomplete")
        if review_due is None or review_due <= today:
            raise ValidationError({"review_due": "The review date must be in the future"})
        if review_due > add_months(today, 12):
            raise ValidationError({"review_due": "The review date must be within 12 months"})
        now = timezone.now()
        current.overall_rosh = overall_rosh_of(current)
        current.completed_at, current.completed_by = now, by
        current.review_due = review_due
        current.countersignature_required = current.overall_rosh in COUNTERSIGN_LEVELS
        current.returned_reason = ""
        fields = ["overall_rosh", "completed_at", "completed_by", "review_due", "countersignature_required",
                  "returned_reason", "status"]
        person = current.person
        close_open_alerts(person, reasons.RETURNED, by=by, subject_key=reasons.assessment_subject(current.pk),
                          rationale="Completed again after it was returned.")
        close_open_alerts(person, reasons.DRAFT_OVERDUE, by=by, subject_key=reasons.assessment_subject(current.pk),
                          rationale=f"Assessment {current.number} was completed.")
        if current.countersignature_required:
            current.status = Assessment.Status.AWAITING_COUNTERSIGNATURE
            bump(current, fields)
            _ask_for_countersignature(current, by=by, today=today)
        else:
            current.status = Assessment.Status.COMPLETE
            _supersede_previous(current, now)
            bump(current, fields)
            _after_final(current, by=by, today=today)
        record("assessment_completed", current, by=by, crn=person.crn, number=current.number,
               overall_rosh=current.overall_rosh, review_due=review_due,
               countersignature_required=current.countersignature_required)
    return current


def _ask_for_countersignature(assessment: Assessment, *, by, today) -> None:
    person = assessment.person
    manager = team_manager(person) or alert_owner(person)
    if manager is None:
        return
    raise_alert(
        person, reason=reasons.COUNTERSIGN, subject_key=reasons.assessment_subject(assessment.pk), owner=manager,
        due=today + datetime.timedelta(days=setting("COUNTERSIGN_DUE_DAYS")),
        title="Countersign a risk of serious harm assessment",
        summary=(f"Assessment {assessment.number} by {assessment.completed_by} rates the risk of serious harm as "
                 f"{assessment.get_overall_rosh_display().lower()}. It is not final until a manager countersigns it."),
        next_step="Read the assessment, then countersign it or return it to the author with your reasons.",
        evidence={"assessment": assessment.pk, "overall_rosh": assessment.overall_rosh},
        severity=AlertSeverity.HIGH, by=by)


def _supersede_previous(assessment: Assessment, now) -> None:
    previous = (Assessment.objects.select_for_update(of=("self",))
                .filter(person_id=assessment.person_id, status=Assessment.Status.COMPLETE)
                .exclude(pk=assessment.pk).first())
    if previous is not None:
        previous.status = Assessment.Status.SUPERSEDED
        previous.superseded_at = now
        previous.superseded_by = assessment
        previous.save(update_fields=["status", "superseded_at", "superseded_by", "updated_at"])


def _after_final(assessment: Assessment, *, by, today) -> None:
    """A new final assessment answers the overdue review and missing assessment alerts, sets the case's RoSH
    flag (as nDelius mirrors OASys), may resolve or create a conflict with other reports, and changes the tier
    inputs."""
    from openprobation.protection.actions import set_rosh_registration

    from ..conflicts import check_conflicts
    from ..tiering import recalculate_tier

    person = assessment.person
    set_rosh_registration(person, by=by, rosh=assessment.overall_rosh, on=today,
                          notes=f"Set from assessment {assessment.number}", today=today)
    close_open_alerts(person, reasons.REVIEW_OVERDUE, by=by,
                      rationale=f"Assessment {assessment.number} was completed on {format_date(today)}.")
    close_open_alerts(person, reasons.MISSING, by=by,
                      rationale=f"Assessment {assessment.number} was completed on {format_date(today)}.")
    check_conflicts(person, by=by, today=today)
    recalculate_tier(person, by=by, trigger=f"Assessment {assessment.number} became final", today=today)


def countersign_assessment(assessment, *, by, comments: str = "", expected_version, today=None) -> Assessment:
    today = today or timezone.localdate()
    with transaction.atomic():
        current = _lock(assessment, expected_version, status=Assessment.Status.AWAITING_COUNTERSIGNATURE)
        require_countersigner(by, current.completed_by)
        now = timezone.now()
        current.countersigned_at, current.countersigned_by = now, by
        current.countersign_comments = (comments or "").strip()
        current.status = Assessment.Status.COMPLETE
        _supersede_previous(current, now)
        bump(current, ["countersigned_at", "countersigned_by", "countersign_comments", "status"])
        close_open_alerts(current.person, reasons.COUNTERSIGN, by=by,
                          subject_key=reasons.assessment_subject(current.pk), rationale="Countersigned.")
        _after_final(current, by=by, today=today)
        record("assessment_countersigned", current, by=by, crn=current.person.crn, number=current.number,
               overall_rosh=current.overall_rosh, comments=current.countersign_comments)
    return current


def return_assessment(assessment, *, by, reason: str, expected_version, today=None) -> Assessment:
    """The manager does not countersign: the assessment goes back to its author as a draft, with the reason."""
    today = today or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain what needs to change before you can countersign"})
    with transaction.atomic():
        current = _lock(assessment, expected_version, status=Assessment.Status.AWAITING_COUNTERSIGNATURE)
        require_countersigner(by, current.completed_by)
        author = current.completed_by
        current.status = Assessment.Status.DRAFT
        current.completed_at = current.completed_by = None
        current.review_due = None
        current.overall_rosh = ""
        current.countersignature_required = False
        current.returned_reason = reason.strip()
        bump(current, ["status", "completed_at", "completed_by", "review_due", "overall_rosh",
                       "countersignature_required", "returned_reason"])
        person = current.person
        close_open_alerts(person, reasons.COUNTERSIGN, by=by, subject_key=reasons.assessment_subject(current.pk),
                          rationale=f"Returned to the author: {current.returned_reason}")
        raise_alert(
            person, reason=reasons.RETURNED, subject_key=reasons.assessment_subject(current.pk), owner=author,
            due=today + datetime.timedelta(days=setting("COUNTERSIGN_DUE_DAYS")),
            title="A manager returned your assessment",
            summary=f"{by} did not countersign assessment {current.number}: {current.returned_reason}",
            next_step="Change the assessment as asked and complete it again.",
            evidence={"assessment": current.pk}, severity=AlertSeverity.HIGH, by=by)
        record("assessment_returned", current, by=by, crn=person.crn, number=current.number,
               reason=current.returned_reason)
    return current
