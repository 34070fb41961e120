"""Read models for the services pages: a fixed, small number of queries whatever the list length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.supervision.models import Contact

from . import rules
from .actions.common import ENFORCEABLE_SESSION_CODE, SESSION_CODE
from .actions.rescheduling import REQUESTED_BY_WORDS
from .continuity import ALERT_REASON, subject_for
from .models import ActionPlan, Referral, ReferralStatus, Session, Transition
from .models.referrals import LIVE_STATUSES

RECENT_DAYS = 28


@dataclass
class ServiceRow:
    """One service in a person's life, as the Services tab shows it."""

    referral: Referral
    delivered: int = 0
    last_delivered: datetime.date | None = None
    recent: int = 0  # delivered in the last RECENT_DAYS days
    next_session: datetime.datetime | None = None
    planned_sessions: int | None = None
    open_alert: Alert | None = None

    @property
    def since(self) -> datetime.date | None:
        return self.referral.sent_on

    @property
    def who(self) -> str:
        caseworker = self.referral.caseworker
        provider = self.referral.contract.provider
        return f"{caseworker}, {provider}" if caseworker else f"{provider} (no caseworker yet)"

    @property
    def expected(self) -> str:
        referral = self.referral
        if referral.protective and referral.sessions_per_week:
            return rules.frequency_words(float(referral.sessions_per_week)).capitalize()
        if self.planned_sessions:
            return f"{self.planned_sessions} sessions planned"
        return "Not set"

    @property
    def actual(self) -> str:
        per_week = self.recent / (RECENT_DAYS / 7)
        return f"{per_week:g} a week ({self.recent} in the last 4 weeks)"

    def below_expected(self, today: datetime.date | None = None) -> bool:
        """Fewer sessions than expected, judged once delivery has run for two weeks of the window."""
        referral = self.referral
        if not (referral.protective and referral.sessions_per_week and referral.status == ReferralStatus.IN_PROGRESS):
            return False
        today = today or timezone.localdate()
        watched = min(RECENT_DAYS, (today - referral.protective_since).days)
        if watched < 14:
            return False
        return self.recent / (watched / 7) < float(referral.sessions_per_week)


def _session_stats(referral_ids, today: datetime.date) -> dict[int, dict]:
    now = timezone.now()
    return {
        row["referral_id"]: row
        for row in Session.objects.filter(referral_id__in=referral_ids)
        .values("referral_id")
        .annotate(
            delivered=Count("pk", filter=Q(happened=True)),
            last_delivered=Max("delivered_on"),
            recent=Count("pk", filter=Q(happened=True, delivered_on__gt=today - datetime.timedelta(days=RECENT_DAYS))),
            next_session=Min("contact__starts_at", filter=Q(happened__isnull=True, contact__starts_at__gte=now)),
        )
    }


def _planned(referral_ids) -> dict[int, int]:
    planned = {}
    for referral_id, sessions in (
        ActionPlan.objects.filter(referral_id__in=referral_ids, approved_on__isnull=False)
        .order_by("referral_id", "approved_on", "id").values_list("referral_id", "number_of_sessions")
    ):
        planned[referral_id] = sessions  # the latest approved plan wins
    return planned


def service_rows(referrals, today: datetime.date | None = None) -> list[ServiceRow]:
    """Rows for these referrals: four queries in all (the referrals, sessions, plans, open alerts)."""
    today = today or timezone.localdate()
    referrals = list(referrals)
    ids = [r.pk for r in referrals]
    stats = _session_stats(ids, today)
    planned = _planned(ids)
    person_ids = {r.person_id for r in referrals}
    alerts = {
        (a.person_id, a.subject_key): a
        for a in Alert.objects.filter(person_id__in=person_ids, reason=ALERT_REASON, closed_at__isnull=True,
                                      subject_key__in=[subject_for(pk) for pk in ids])
    }
    rows = []
    for referral in referrals:
        stat = stats.get(referral.pk, {})
        rows.append(ServiceRow(
            referral=referral,
            delivered=stat.get("delivered", 0),
            last_delivered=stat.get("last_delivered"),
            recent=stat.get("recent", 0),
            next_session=stat.get("next_session"),
            planned_sessions=planned.get(referral.pk),
            open_alert=alerts.get((referral.person_id, subject_for(referral))),
        ))
    return rows


@dataclass(frozen=True)
class Reschedule:
    """An earlier time of a session: the appointment closed as rescheduled, who asked and why."""

    starts_at: datetime.datetime
    requested_by: str  # Contact.RequestedBy
    reason: str

    @property
    def asked(self) -> str:
        return REQUESTED_BY_WORDS.get(self.requested_by, "")


def attach_reschedules(sessions, person) -> None:
    """Give each session ``reschedules``: its earlier times, oldest first. One query for all of them.

    A rescheduled session's old appointments are closed (RSOF or RSSR) and each points at the next one
    (``Contact.rescheduled_to``); the session points at the last. Walking back from it gives the history.
    """
    sessions = list(sessions)
    if not sessions:
        return
    moved = {
        row["rescheduled_to_id"]: row
        for row in Contact.objects.filter(person=person, rescheduled_to__isnull=False,
                                          contact_type__code__in=(ENFORCEABLE_SESSION_CODE, SESSION_CODE))
        .values("pk", "starts_at", "rescheduled_to_id", "reschedule_requested_by", "reschedule_reason")
    }
    for session in sessions:
        history, at = [], session.contact_id
        while at in moved and len(history) < len(moved):
            row = moved[at]
            history.append(Reschedule(row["starts_at"], row["reschedule_requested_by"], row["reschedule_reason"]))
            at = row["pk"]
        session.reschedules = history[::-1]


def case_referrals(person):
    return (
        Referral.objects.filter(person=person)
        .select_related("contract__provider", "contract__category", "caseworker", "end_reason", "replaces")
        .order_by("-created_at")
    )


@dataclass
class CaseServices:
    current: list[ServiceRow]
    drafts: list[Referral]
    past: list[ServiceRow]
    transitions: list[Transition]


def case_services(person, today: datetime.date | None = None) -> CaseServices:
    """Everything the Services tab shows: five queries."""
    today = today or timezone.localdate()
    referrals = list(case_referrals(person))
    drafts = [r for r in referrals if r.status == ReferralStatus.DRAFT]
    rows = service_rows([r for r in referrals if r.status != ReferralStatus.DRAFT], today)
    transitions = list(
        Transition.objects.filter(person=person, withdrawn_at__isnull=True,
                                  date__gte=today - datetime.timedelta(days=rules.TRANSITION_WINDOW_DAYS))
        .select_related("recorded_by").order_by("date")
    )
    return CaseServices(
        current=[row for row in rows if row.referral.status in LIVE_STATUSES],
        drafts=drafts,
        past=[row for row in rows if row.referral.status not in LIVE_STATUSES],
        transitions=transitions,
    )


@dataclass
class ProviderRow:
    referral: Referral
    next_due_label: str = ""
    next_due: datetime.date | None = None

    def overdue(self, today):
        return self.next_due is not None and self.next_due < today


def _next_due(referral: Referral) -> tuple[str, datetime.date | None]:
    status = referral.status
    if status in (ReferralStatus.SENT, ReferralStatus.ASSIGNED):
        return "Initial assessment due", referral.initial_assessment_due
    if status == ReferralStatus.ASSESSED:
        return "Action plan due", referral.action_plan_due
    delivering = status in (ReferralStatus.IN_PROGRESS, ReferralStatus.ENDED_EARLY)
    if delivering and referral.end_of_service_report_due and not hasattr(referral, "end_of_service_report"):
        return "End-of-service report due", referral.end_of_service_report_due
    return "", None


PROVIDER_FILTERS = {
    "open": ("Open", Q(status__in=LIVE_STATUSES)),
    "mine": ("Assigned to me", None),
    "unassigned": ("Not assigned", Q(status=ReferralStatus.SENT)),
    "closed": ("Closed", ~Q(status__in=LIVE_STATUSES)),
}


def provider_referrals(referrals, user, which: str = "open"):
    """The provider's referrals under one of PROVIDER_FILTERS, oldest first, with what each row shows."""
    condition = PROVIDER_FILTERS.get(which, PROVIDER_FILTERS["open"])[1]
    if which == "mine":
        condition = Q(caseworker=user, status__in=LIVE_STATUSES)
    return (
        referrals.filter(condition)
        .select_related("person", "contract__category", "caseworker", "end_of_service_report")
        .order_by("sent_on", "pk")
    )


def provider_rows(referrals) -> list[ProviderRow]:
    return [ProviderRow(referral, *_next_due(referral)) for referral in referrals]
