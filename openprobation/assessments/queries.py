"""Read models for the risk and needs page, the sentence plan page and the case overview.

Each builds its page in a fixed number of queries, however many versions, reports, goals or requests the
case holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from openprobation.alerts.models import Alert

from . import reasons
from .config import setting
from .conflicts import (
    Conflict,
    assessment_conclusion,
    external_conclusion,
    external_window_start,
    find_conflict,
)
from .models import (
    Assessment,
    Concern,
    ExternalAssessment,
    Goal,
    NeedArea,
    NeedRating,
    PersonRequest,
    PlanReview,
    PlanVersion,
    RiskGroup,
    Setting,
    Step,
    TierCalculation,
)


@dataclass
class TierView:
    latest: TierCalculation | None
    change: TierCalculation | None  # the latest change, while the notice window lasts

    @property
    def summary(self) -> str:
        if self.latest is None:
            return ""
        return self.latest.reasons[0] if self.latest.reasons else self.latest.error

    @property
    def working(self) -> list[str]:
        return list(self.latest.reasons[1:]) if self.latest is not None else []

    @property
    def v2(self) -> dict:
        return (self.latest.result or {}).get("v2", {}) if self.latest is not None else {}


def tier_view(person, today: datetime.date | None = None) -> TierView:
    """The latest calculation and, within the notice window, the latest change (two queries)."""
    today = today or timezone.localdate()
    latest = TierCalculation.objects.filter(person=person).order_by("-calculated_at", "-id").first()
    since = timezone.now() - datetime.timedelta(days=setting("TIER_CHANGE_NOTICE_DAYS"))
    change = (TierCalculation.objects.filter(person=person, changed=True, calculated_at__gte=since)
              .order_by("-calculated_at", "-id").first())
    return TierView(latest, change)


def rosh_grid(assessment: Assessment) -> list[tuple[str, str, str]]:
    """(group, community level, custody level) labels, from prefetched ratings."""
    levels = {(r.group, r.setting): r.get_level_display() for r in assessment.rosh_ratings.all()}
    return [(g.label, levels.get((g.value, Setting.COMMUNITY), ""), levels.get((g.value, Setting.CUSTODY), ""))
            for g in RiskGroup]


def risks_to_self(assessment: Assessment) -> list[tuple[str, str, str]]:
    found = {r.concern: r for r in assessment.risks_to_self.all()}
    return [(c.label, found[c.value].get_current_display() if c.value in found else "",
             found[c.value].get_previous_display() if c.value in found else "") for c in Concern]


def needs_by_area(assessment: Assessment, areas: list[NeedArea]) -> list[tuple[NeedArea, NeedRating | None]]:
    rated = {n.area_id: n for n in assessment.need_ratings.all()}
    return [(area, rated.get(area.pk)) for area in areas]


def assessment_with_sections():
    return Assessment.objects.select_related(
        "person", "created_by", "completed_by", "countersigned_by", "superseded_by").prefetch_related(
        "rosh_ratings", "risks_to_self", Prefetch("need_ratings", queryset=NeedRating.objects.select_related("area")))


@dataclass
class RiskPage:
    current: Assessment | None
    open_assessment: Assessment | None
    versions: list[Assessment]
    reports: list[ExternalAssessment]
    conflict: Conflict | None
    reconciled: Alert | None
    tier: TierView
    areas: list[NeedArea] = field(default_factory=list)

    @property
    def grid(self):
        return rosh_grid(self.current) if self.current else []

    @property
    def self_risks(self):
        return risks_to_self(self.current) if self.current else []

    @property
    def needs(self):
        return needs_by_area(self.current, self.areas) if self.current else []


def risk_page(person, today: datetime.date) -> RiskPage:
    versions = list(Assessment.objects.filter(person=person)
                    .select_related("created_by", "completed_by", "countersigned_by").order_by("-number"))
    current_id = next((a.pk for a in versions if a.status == Assessment.Status.COMPLETE), None)
    current = assessment_with_sections().filter(pk=current_id).first() if current_id else None
    open_assessment = next((a for a in versions if a.status in Assessment.OPEN_STATUSES), None)
    reports = list(ExternalAssessment.objects.filter(person=person).select_related("recorded_by", "set_aside_by"))
    window = external_window_start(today)
    conclusions = [external_conclusion(r) for r in reports
                   if r.rosh_level and r.set_aside_at is None and window <= r.assessed_on <= today]
    if current is not None:
        conclusions.append(assessment_conclusion(current))
    conflict = find_conflict(conclusions, min_levels=setting("CONFLICT_LEVELS"))
    reconciled = None
    if conflict is not None:
        reconciled = (Alert.objects.filter(person=person, reason=reasons.CONFLICT, subject_key=conflict.subject_key,
                                           decision="reconciled").select_related("closed_by").first())
    return RiskPage(current=current, open_assessment=open_assessment, versions=versions, reports=reports,
                    conflict=conflict, reconciled=reconciled, tier=tier_view(person, today),
                    areas=list(NeedArea.objects.selectable()))


@dataclass
class PlanPage:
    goals: list[Goal]
    versions: list[PlanVersion]
    reviews: list[PlanReview]
    requests: list[PersonRequest]

    @property
    def current(self) -> PlanVersion | None:
        return next((v for v in self.versions if v.status == PlanVersion.Status.CURRENT), None)

    @property
    def awaiting(self) -> PlanVersion | None:
        return next((v for v in self.versions if v.status == PlanVersion.Status.AWAITING_COUNTERSIGNATURE), None)

    @property
    def open_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.is_open]

    @property
    def closed_goals(self) -> list[Goal]:
        return [g for g in self.goals if not g.is_open]

    @property
    def open_requests(self) -> list[PersonRequest]:
        return [r for r in self.requests if not r.is_closed]

    @property
    def closed_requests(self) -> list[PersonRequest]:
        return [r for r in self.requests if r.is_closed]


def plan_page(person) -> PlanPage:
    goals = list(Goal.objects.filter(person=person).select_related("area")
                 .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("created_at", "id")))
                 .order_by("created_at", "id"))
    versions = list(PlanVersion.objects.filter(person=person).select_related("recorded_by", "countersigned_by"))
    reviews = list(PlanReview.objects.filter(person=person).select_related("recorded_by", "plan_version"))
    requests = list(PersonRequest.objects.filter(person=person)
                    .select_related("area", "step__goal", "referral__contract", "recorded_by", "closed_by"))
    return PlanPage(goals, versions, reviews, requests)


@dataclass
class RiskSummary:
    """The case overview's risk panel: RoSH, tier with its reasons, and what is waiting."""

    current: Assessment | None
    open_assessment: Assessment | None
    tier: TierView
    open_requests: int
    oldest_open_request: datetime.date | None
    plan: PlanVersion | None
    conflict_open: bool
    today: datetime.date

    @property
    def review_overdue(self) -> bool:
        return bool(self.current and self.current.review_due and self.current.review_due < self.today)

    @property
    def plan_review_overdue(self) -> bool:
        return bool(self.plan and self.plan.review_due < self.today)

    @property
    def unanswered_days(self) -> int:
        return setting("REQUEST_UNANSWERED_DAYS")

    @property
    def request_overdue(self) -> bool:
        days = self.unanswered_days
        return bool(self.oldest_open_request and self.oldest_open_request < self.today - datetime.timedelta(days=days))


def risk_summary(person, today: datetime.date | None = None) -> RiskSummary:
    """Six queries whatever the case holds."""
    today = today or timezone.localdate()
    latest = list(Assessment.objects.filter(person=person).exclude(status=Assessment.Status.SUPERSEDED)
                  .select_related("completed_by", "countersigned_by").order_by("-number")[:2])
    current = next((a for a in latest if a.status == Assessment.Status.COMPLETE), None)
    open_assessment = next((a for a in latest if a.status in Assessment.OPEN_STATUSES), None)
    unanswered = (PersonRequest.objects.filter(person=person)
                  .exclude(status__in=PersonRequest.CLOSED_STATUSES).order_by("asked_on"))
    requests = list(unanswered.values_list("asked_on", "status"))
    plan = PlanVersion.objects.filter(person=person, status=PlanVersion.Status.CURRENT).first()
    conflict_open = Alert.objects.filter(person=person, reason=reasons.CONFLICT, closed_at__isnull=True).exists()
    return RiskSummary(
        current=current, open_assessment=open_assessment, tier=tier_view(person, today),
        open_requests=len(requests),
        oldest_open_request=min((asked for asked, status in requests if status == PersonRequest.Status.OPEN),
                                default=None),
        plan=plan, conflict_open=conflict_open, today=today)
