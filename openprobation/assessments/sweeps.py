"""The daily sweep that notices what people miss in assessments, plans and requests.

`sweep_assessments(today)` (listed in settings.OPENPROBATION["SWEEPS"]) is idempotent: alerts are raised
through `alerts.raise_alert`, which keeps one open alert per case, reason and subject, and the tier safety net
stores a calculation only when something changed. It raises:

- an unanswered request older than the configured days (default 14) → `request_unanswered` to the practitioner;
- a draft assessment older than the configured days → `assessment_draft_overdue`, escalated to the team manager
  at twice that age;
- a current assessment past its review date → `assessment_review_overdue`;
- an order or licence that started more than the configured working days ago without an assessment completed
  since → `assessment_missing`;
- current assessments that disagree materially about the risk of serious harm → `assessments_conflict`;
- work still waiting for a manager's countersignature → `assessment_countersignature` / `plan_countersignature`
  to the team manager (a safety net: the actions raise these at once);
- a sentence plan past its review date → `plan_review_overdue`;

and recalculates every supervised person's tier, keeping the result only where it changed.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Q
from django.utils import timezone

from openprobation.alerts.actions import raise_alert
from openprobation.alerts.models import Severity
from openprobation.alerts.routing import owner_of, team_managers
from openprobation.core.calendar import default_calendar, format_date
from openprobation.people.models import Person
from openprobation.sentences.models import Sentence
from openprobation.staff.models import Team

from . import reasons
from .config import setting
from .conflicts import (
    assessment_conclusion,
    external_conclusion,
    external_window_start,
    find_conflict,
    raise_conflict_alert,
)
from .models import Assessment, ExternalAssessment, PersonRequest, PlanVersion
from .tiering import recalculate_tiers


class Owners:
    """Who owns an alert about a case: its practitioner, or the team manager while it is unallocated (the
    alerts app's routing rule, with every team's manager read in one query)."""

    def __init__(self):
        self.managers = team_managers(Team.objects.values_list("pk", flat=True))

    def manager(self, person):
        return self.managers.get(person.team_id)

    def owner(self, person):
        return owner_of(person, self.managers)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _raise(counts: Counter, key: str, person, owner, **kwargs) -> None:
    if owner is None:
        counts["no_owner"] += 1
        return
    _, created = raise_alert(person, owner=owner, **kwargs)
    counts[key] += 1
    counts["alerts_raised"] += int(created)


def _requests(today, owners: Owners, counts: Counter, scope: Q) -> None:
    days = setting("REQUEST_UNANSWERED_DAYS")
    for request in (PersonRequest.objects.filter(scope, status=PersonRequest.Status.OPEN, asked_on__lt=today - _days(days))
                    .select_related("person__practitioner").order_by("asked_on", "pk")):
        person = request.person
        waited = (today - request.asked_on).days
        _raise(counts, "requests_unanswered", person, owners.owner(person),
               reason=reasons.REQUEST_UNANSWERED, subject_key=reasons.request_subject(request.pk),
               due=today, title="A request from the person has had no answer",
               summary=(f"On {format_date(request.asked_on)} {person.full_name} asked: \u201c{request.words[:300]}\u201d. "
                        f"Nothing has been done or answered in {waited} days."),
               next_step="Refer them or add a step to the plan, or answer them with the reason.",
               evidence={"request": request.pk, "asked_on": request.asked_on, "days": waited},
               severity=Severity.HIGH if waited > 2 * days else Severity.ROUTINE)


def _drafts(today, now, owners: Owners, counts: Counter, scope: Q) -> None:
    days = setting("DRAFT_OVERDUE_DAYS")
    for draft in (Assessment.objects.filter(scope, status=Assessment.Status.DRAFT, created_at__lt=now - _days(days))
                  .select_related("person__practitioner", "created_by").order_by("created_at", "pk")):
        person = draft.person
        age = (now - draft.created_at).days
        owner = owners.owner(person) or draft.created_by
        manager = owners.manager(person)
        escalate = manager if age >= 2 * days and manager is not None and manager != owner else None
        _raise(counts, "drafts_overdue", person, owner,
               reason=reasons.DRAFT_OVERDUE, subject_key=reasons.assessment_subject(draft.pk), due=today,
               title="An assessment has been a draft for too long",
               summary=f"Assessment {draft.number}, started by {draft.created_by} on "
                       f"{format_date(timezone.localdate(draft.created_at))}, has been a draft for {age} days.",
               next_step="Finish and complete the assessment.",
               evidence={"assessment": draft.pk, "days": age},
               escalate_to=escalate, escalation_reason=f"A draft assessment is {age} days old." if escalate else "")


def _reviews(today, owners: Owners, counts: Counter, scope: Q) -> None:
    days = setting("DRAFT_OVERDUE_DAYS")
    for current in (Assessment.objects.filter(scope, status=Assessment.Status.COMPLETE, review_due__lt=today)
                    .select_related("person__practitioner").order_by("review_due", "pk")):
        person = current.person
        late = (today - current.review_due).days
        manager = owners.manager(person)
        owner = owners.owner(person)
        escalate = manager if late >= days and manager is not None and manager != owner else None
        _raise(counts, "reviews_overdue", person, owner,
               reason=reasons.REVIEW_OVERDUE, subject_key=reasons.assessment_subject(current.pk),
               due=current.review_due, title="The assessment review is overdue",
               summary=f"Assessment {current.number} was due for review on {format_date(current.review_due)}.",
               next_step="Start a review of the assessment.",
               evidence={"assessment": current.pk, "review_due": current.review_due},
               escalate_to=escalate,
               escalation_reason=f"The review is {late} days overdue." if escalate else "")


def _missing(today, owners: Owners, counts: Counter, scope: Q) -> None:
    calendar = default_calendar()
    working_days = setting("ASSESSMENT_DUE_WORKING_DAYS")
    # Working days are never fewer than calendar days, so this narrows the search without missing anyone.
    sentences = list(Sentence.objects.filter(scope, terminated_on__isnull=True, start_date__lt=today - _days(working_days))
                     .select_related("person__practitioner", "sentence_type").order_by("person_id", "start_date"))
    latest_final = defaultdict(lambda: None)
    for person_id, completed_at, countersigned_at in (
            Assessment.objects.filter(person_id__in={s.person_id for s in sentences},
                                      status__in=Assessment.FINAL_STATUSES)
            .values_list("person_id", "completed_at", "countersigned_at")):
        final = timezone.localdate(countersigned_at or completed_at)
        if latest_final[person_id] is None or final > latest_final[person_id]:
            latest_final[person_id] = final
    for sentence in sentences:
        due = calendar.add_working_days(sentence.start_date, working_days)
        last = latest_final[sentence.person_id]
        if due >= today or (last is not None and last >= sentence.start_date):
            continue
        person = sentence.person
        _raise(counts, "missing", person, owners.owner(person),
               reason=reasons.MISSING, subject_key=reasons.sentence_subject(sentence.pk), due=due,
               title="An assessment of risk and needs is missing",
               summary=(f"The {sentence.sentence_type} started on {format_date(sentence.start_date)} and no "
                        f"assessment has been completed since; one was due by {format_date(due)}."),
               next_step="Complete an assessment of risk and needs.",
               evidence={"sentence": sentence.pk, "due": due})


def _conflicts(today, owners: Owners, counts: Counter, scope: Q) -> None:
    from openprobation.alerts.models import Alert, Decision

    reports = defaultdict(list)
    for report in ExternalAssessment.objects.filter(
            scope, set_aside_at__isnull=True, assessed_on__gte=external_window_start(today),
            assessed_on__lte=today).exclude(rosh_level=""):
        reports[report.person_id].append(external_conclusion(report))
    if not reports:
        return
    currents = {a.person_id: a for a in Assessment.objects.filter(
        person_id__in=list(reports), status=Assessment.Status.COMPLETE).select_related("completed_by")}
    reconciled = set(Alert.objects.filter(person_id__in=list(reports), reason=reasons.CONFLICT,
                                          decision=Decision.RECONCILED).values_list("person_id", "subject_key"))
    people = Person.objects.in_bulk(list(reports))
    for person_id, found in reports.items():
        if person_id in currents:
            found = [*found, assessment_conclusion(currents[person_id])]
        conflict = find_conflict(found, min_levels=setting("CONFLICT_LEVELS"))
        if conflict is None or (person_id, conflict.subject_key) in reconciled:
            continue
        person = people[person_id]
        if owners.owner(person) is None:
            counts["no_owner"] += 1
            continue
        _, created = raise_conflict_alert(person, conflict, today=today)
        counts["conflicts"] += 1
        counts["alerts_raised"] += int(created)


def _countersignatures(today, owners: Owners, counts: Counter, scope: Q) -> None:
    due = today + _days(setting("COUNTERSIGN_DUE_DAYS"))
    for waiting in (Assessment.objects.filter(scope, status=Assessment.Status.AWAITING_COUNTERSIGNATURE)
                    .select_related("person__practitioner", "completed_by")):
        person = waiting.person
        _raise(counts, "countersign_waiting", person, owners.manager(person) or owners.owner(person),
               reason=reasons.COUNTERSIGN, subject_key=reasons.assessment_subject(waiting.pk),
               due=min(due, timezone.localdate(waiting.completed_at) + _days(setting("COUNTERSIGN_DUE_DAYS"))),
               title="Countersign a risk of serious harm assessment",
               summary=(f"Assessment {waiting.number} by {waiting.completed_by} rates the risk of serious harm as "
                        f"{waiting.get_overall_rosh_display().lower()}. It is not final until a manager "
                        "countersigns it."),
               next_step="Read the assessment, then countersign it or return it to the author with your reasons.",
               evidence={"assessment": waiting.pk, "overall_rosh": waiting.overall_rosh}, severity=Severity.HIGH)
    for waiting in (PlanVersion.objects.filter(scope, status=PlanVersion.Status.AWAITING_COUNTERSIGNATURE)
                    .select_related("person__practitioner")):
        person = waiting.person
        _raise(counts, "countersign_waiting", person, owners.manager(person) or owners.owner(person),
               reason=reasons.PLAN_COUNTERSIGN, subject_key=reasons.plan_subject(waiting.pk),
               due=timezone.localdate(waiting.recorded_at) + _days(setting("COUNTERSIGN_DUE_DAYS")),
               title="Countersign a sentence plan",
               summary=f"Version {waiting.number} of the sentence plan needs countersigning: "
                       f"{waiting.countersignature_reason}.",
               next_step="Read the plan and countersign it.", evidence={"plan_version": waiting.pk})


def _plan_reviews(today, owners: Owners, counts: Counter, scope: Q) -> None:
    for version in (PlanVersion.objects.filter(scope, status=PlanVersion.Status.CURRENT, review_due__lt=today)
                    .select_related("person__practitioner")):
        person = version.person
        _raise(counts, "plan_reviews_overdue", person, owners.owner(person),
               reason=reasons.PLAN_REVIEW_OVERDUE, subject_key=reasons.plan_subject(version.pk),
               due=version.review_due, title="The sentence plan review is overdue",
               summary=f"Version {version.number} of the plan was due for review on {format_date(version.review_due)}.",
               next_step="Review the plan with the person and record the review.",
               evidence={"plan_version": version.pk, "review_due": version.review_due})


def sweep_assessments(today: datetime.date | str | None = None, *, person_ids=None) -> dict:
    """Run every check; ``person_ids`` narrows it to some people (for a task after a change, or tests)."""
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    today = today or timezone.localdate()
    now = timezone.now()
    owners = Owners()
    counts = Counter()
    scope = Q() if person_ids is None else Q(person_id__in=list(person_ids))
    _requests(today, owners, counts, scope)
    _drafts(today, now, owners, counts, scope)
    _reviews(today, owners, counts, scope)
    _missing(today, owners, counts, scope)
    _conflicts(today, owners, counts, scope)
    _countersignatures(today, owners, counts, scope)
    _plan_reviews(today, owners, counts, scope)
    supervised = Person.objects.filter(
        Q(sentences__terminated_on__isnull=True) | Q(tier_calculations__isnull=False)).distinct()
    if person_ids is not None:
        supervised = supervised.filter(pk__in=list(person_ids))
    tiers = recalculate_tiers(supervised, today=today)
    counts.update({f"tiers_{key}": value for key, value in tiers.items()})
    return dict(sorted(counts.items()))
