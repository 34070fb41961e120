"""The daily sweep that notices what people miss in assessments, plans and requests.

`sweep_assessments(today)` (listed in settings.OPENPROBATION["SWEEPS"]) walks the people in batches
(`alerts.sync.person_batches`: ranges of person ids). For each batch every check below reads its candidates in
one query (two for conflicts and missing assessments), and `alerts.sync.sync_people_alerts` reads the batch's
open alerts of all these reasons in one more, then writes only what differs: new alerts in bulk (each with
its audit event), changed ones through `alerts.raise_alert`, nothing at all for an unchanged one. It raises:

- an unanswered request older than the configured days (default 14) → `request_unanswered` to the practitioner;
- a draft assessment older than the configured days → `assessment_draft_overdue`, escalated to the team manager
  at twice that age;
- a current assessment past its review date → `assessment_review_overdue`;
- an order or licence that started more than the configured working days ago without an assessment completed
  since → `assessment_missing`;
- current assessments that disagree materially about the risk of serious harm → `assessments_conflict`;
- work still waiting for a manager's countersignature → `assessment_countersignature` / `plan_countersignature`
  to the team manager (a safety net: the actions raise these at once);
- a sentence plan past its review date → `plan_review_overdue`.

The words and evidence hold dates, never day counts ("asked on 3 March 2026 and not acted on or answered
since"), so an alert reads the same every day and the steady daily run writes nothing.

Every open alert of these reasons for the batch's people is examined: one whose cause the sweep no longer
finds (an order ended, a report aged out of the conflict window, a change made outside the actions) is marked
cleared for a person to close with "Resolved", never closed by the machine. A decision answers the problem it
was made about: a subject whose alert was closed on or after the problem's onset is not raised again until a
later onset. Checks that escalate have a second onset at the escalation (a draft twice the configured age, a
review the configured days late, a request twice the configured days old), so an early decision does not
silence the escalation.

Then the tier safety net (`tiering.daily.check_tiers`) recalculates only the people whose date-driven tier
inputs crossed a boundary since they were last checked, and supervised people with no tier yet.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from openprobation.alerts.models import Decision, Severity
from openprobation.alerts.routing import owner_of, team_managers
from openprobation.alerts.sync import PERSON_BATCH, AlertSpec, person_batches, sync_people_alerts
from openprobation.core.calendar import default_calendar, format_date
from openprobation.people.models import Person
from openprobation.sentences.models import Sentence
from openprobation.staff.models import Team

from . import reasons
from .config import setting
from .conflicts import assessment_conclusion, external_conclusion, external_window_start, find_conflict
from .models import COUNTERSIGN_LEVELS, Assessment, ExternalAssessment, PersonRequest, PlanVersion
from .tiering import check_tiers

# The reasons this sweep raises and examines (a returned assessment's alert is the action's alone).
SWEPT = (reasons.REQUEST_UNANSWERED, reasons.DRAFT_OVERDUE, reasons.REVIEW_OVERDUE, reasons.MISSING,
         reasons.CONFLICT, reasons.COUNTERSIGN, reasons.PLAN_COUNTERSIGN, reasons.PLAN_REVIEW_OVERDUE)


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


def _spec(counts: Counter, key: str, person, owner, *, reason: str, **kwargs) -> AlertSpec:
    counts[key] += 1
    kwargs.setdefault("severity", Severity.ROUTINE)  # raise_alert's default
    return AlertSpec(person=person, owner=owner, reason=reason, **kwargs)


def _requests(today, now, owners: Owners, counts: Counter, scope: Q):
    days = setting("REQUEST_UNANSWERED_DAYS")
    for request in (PersonRequest.objects.filter(scope, status=PersonRequest.Status.OPEN, asked_on__lt=today - _days(days))
                    .select_related("person__practitioner").order_by("asked_on", "pk")):
        person = request.person
        late = request.asked_on + _days(2 * days) < today  # older than twice the days: more serious
        yield _spec(counts, "requests_unanswered", person, owners.owner(person),
                    reason=reasons.REQUEST_UNANSWERED, subject_key=reasons.request_subject(request.pk),
                    due=today, title="A request from the person has had no answer",
                    summary=(f"On {format_date(request.asked_on)} {person.full_name} asked: "
                             f"\u201c{request.words[:300]}\u201d. It has not been acted on or answered since."),
                    next_step="Refer them or add a step to the plan, or answer them with the reason.",
                    evidence={"request": request.pk, "asked_on": request.asked_on},
                    onset=request.asked_on + _days(2 * days + 1 if late else days + 1),
                    severity=Severity.HIGH if late else Severity.ROUTINE)


def _drafts(today, now, owners: Owners, counts: Counter, scope: Q):
    days = setting("DRAFT_OVERDUE_DAYS")
    for draft in (Assessment.objects.filter(scope, status=Assessment.Status.DRAFT, created_at__lt=now - _days(days))
                  .select_related("person__practitioner", "created_by").order_by("created_at", "pk")):
        person = draft.person
        started = timezone.localdate(draft.created_at)
        owner = owners.owner(person) or draft.created_by
        manager = owners.manager(person)
        old = now - draft.created_at >= _days(2 * days)
        escalate = manager if old and manager is not None and manager != owner else None
        yield _spec(counts, "drafts_overdue", person, owner,
                    reason=reasons.DRAFT_OVERDUE, subject_key=reasons.assessment_subject(draft.pk), due=today,
                    title="An assessment has been a draft for too long",
                    summary=f"Assessment {draft.number}, started by {draft.created_by} on {format_date(started)}, "
                            "is still a draft.",
                    next_step="Finish and complete the assessment.",
                    evidence={"assessment": draft.pk, "started_on": started},
                    onset=started + _days(2 * days if old else days),
                    escalate_to=escalate,
                    escalation_reason=(f"The draft assessment was started on {format_date(started)} and is still "
                                       f"not complete after {2 * days} days." if escalate else ""))


def _reviews(today, now, owners: Owners, counts: Counter, scope: Q):
    days = setting("DRAFT_OVERDUE_DAYS")
    for current in (Assessment.objects.filter(scope, status=Assessment.Status.COMPLETE, review_due__lt=today)
                    .select_related("person__practitioner").order_by("review_due", "pk")):
        person = current.person
        late = (today - current.review_due).days >= days
        manager = owners.manager(person)
        owner = owners.owner(person)
        escalate = manager if late and manager is not None and manager != owner else None
        yield _spec(counts, "reviews_overdue", person, owner,
                    reason=reasons.REVIEW_OVERDUE, subject_key=reasons.assessment_subject(current.pk),
                    due=current.review_due, title="The assessment review is overdue",
                    summary=f"Assessment {current.number} was due for review on {format_date(current.review_due)}.",
                    next_step="Start a review of the assessment.",
                    evidence={"assessment": current.pk, "review_due": current.review_due},
                    onset=current.review_due + _days(days if late else 1),
                    escalate_to=escalate,
                    escalation_reason=(f"The review was due on {format_date(current.review_due)} and is still not "
                                       f"started {days} days later." if escalate else ""))


@lru_cache(maxsize=4096)
def _assessment_due(start: datetime.date, working_days: int) -> datetime.date:
    return default_calendar().add_working_days(start, working_days)


def _missing(today, now, owners: Owners, counts: Counter, scope: Q):
    working_days = setting("ASSESSMENT_DUE_WORKING_DAYS")
    # An assessment that became final on or after the order started answers it (its final date, local time).
    answered = Assessment.objects.filter(person_id=OuterRef("person_id"), status__in=Assessment.FINAL_STATUSES).annotate(
        final_on=TruncDate(Coalesce("countersigned_at", "completed_at"))).filter(final_on__gte=OuterRef("start_date"))
    # Working days are never fewer than calendar days, so this narrows the search without missing anyone.
    for sentence in (Sentence.objects.filter(scope, terminated_on__isnull=True,
                                             start_date__lt=today - _days(working_days))
                     .exclude(Exists(answered))
                     .select_related("person__practitioner", "sentence_type").order_by("person_id", "start_date")):
        due = _assessment_due(sentence.start_date, working_days)
        if due >= today:
            continue
        person = sentence.person
        yield _spec(counts, "missing", person, owners.owner(person),
                    reason=reasons.MISSING, subject_key=reasons.sentence_subject(sentence.pk), due=due,
                    title="An assessment of risk and needs is missing",
                    summary=(f"The {sentence.sentence_type} started on {format_date(sentence.start_date)} and no "
                             f"assessment has been completed since; one was due by {format_date(due)}."),
                    next_step="Complete an assessment of risk and needs.",
                    evidence={"sentence": sentence.pk, "due": due}, onset=due + _days(1))


def _conflicts(today, now, owners: Owners, counts: Counter, scope: Q):
    from openprobation.alerts.models import Alert

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
    people = Person.objects.select_related("practitioner").in_bulk(list(reports))
    for person_id, found in reports.items():
        if person_id in currents:
            found = [*found, assessment_conclusion(currents[person_id])]
        conflict = find_conflict(found, min_levels=setting("CONFLICT_LEVELS"))
        if conflict is None or (person_id, conflict.subject_key) in reconciled:
            continue
        person = people[person_id]
        # The alert `conflicts.raise_conflict_alert` raises (tested to be the same).
        yield _spec(counts, "conflicts", person, owners.owner(person),
                    reason=reasons.CONFLICT, subject_key=conflict.subject_key, due=today + _days(10),
                    title="Assessments disagree about the risk of serious harm",
                    summary=conflict.describe(),
                    next_step="Read both, decide which view the risk management plan follows and record why.",
                    evidence={"high": conflict.high.key, "low": conflict.low.key,
                              "levels": [conflict.high.level, conflict.low.level]},
                    onset=max(conflict.high.on, conflict.low.on),
                    severity=Severity.HIGH if conflict.high.level in COUNTERSIGN_LEVELS else Severity.ROUTINE)


def _countersignatures(today, now, owners: Owners, counts: Counter, scope: Q):
    due = today + _days(setting("COUNTERSIGN_DUE_DAYS"))
    for waiting in (Assessment.objects.filter(scope, status=Assessment.Status.AWAITING_COUNTERSIGNATURE)
                    .select_related("person__practitioner", "completed_by")):
        person = waiting.person
        completed = timezone.localdate(waiting.completed_at)
        yield _spec(counts, "countersign_waiting", person, owners.manager(person) or owners.owner(person),
                    reason=reasons.COUNTERSIGN, subject_key=reasons.assessment_subject(waiting.pk),
                    due=min(due, completed + _days(setting("COUNTERSIGN_DUE_DAYS"))),
                    title="Countersign a risk of serious harm assessment",
                    summary=(f"Assessment {waiting.number} by {waiting.completed_by} rates the risk of serious harm "
                             f"as {waiting.get_overall_rosh_display().lower()}. It is not final until a manager "
                             "countersigns it."),
                    next_step="Read the assessment, then countersign it or return it to the author with your reasons.",
                    evidence={"assessment": waiting.pk, "overall_rosh": waiting.overall_rosh}, severity=Severity.HIGH,
                    onset=completed)
    for waiting in (PlanVersion.objects.filter(scope, status=PlanVersion.Status.AWAITING_COUNTERSIGNATURE)
                    .select_related("person__practitioner")):
        person = waiting.person
        recorded = timezone.localdate(waiting.recorded_at)
        yield _spec(counts, "countersign_waiting", person, owners.manager(person) or owners.owner(person),
                    reason=reasons.PLAN_COUNTERSIGN, subject_key=reasons.plan_subject(waiting.pk),
                    due=recorded + _days(setting("COUNTERSIGN_DUE_DAYS")),
                    title="Countersign a sentence plan",
                    summary=f"Version {waiting.number} of the sentence plan needs countersigning: "
                            f"{waiting.countersignature_reason}.",
                    next_step="Read the plan and countersign it.", evidence={"plan_version": waiting.pk},
                    severity=Severity.ROUTINE, onset=recorded)


def _plan_reviews(today, now, owners: Owners, counts: Counter, scope: Q):
    for version in (PlanVersion.objects.filter(scope, status=PlanVersion.Status.CURRENT, review_due__lt=today)
                    .select_related("person__practitioner")):
        person = version.person
        yield _spec(counts, "plan_reviews_overdue", person, owners.owner(person),
                    reason=reasons.PLAN_REVIEW_OVERDUE, subject_key=reasons.plan_subject(version.pk),
                    due=version.review_due, title="The sentence plan review is overdue",
                    summary=f"Version {version.number} of the plan was due for review on "
                            f"{format_date(version.review_due)}.",
                    next_step="Review the plan with the person and record the review.",
                    evidence={"plan_version": version.pk, "review_due": version.review_due},
                    severity=Severity.ROUTINE, onset=version.review_due + _days(1))


CHECKS = (_requests, _drafts, _reviews, _missing, _conflicts, _countersignatures, _plan_reviews)


def sweep_batch(scope: Q, today: datetime.date, now, owners: Owners, counts: Counter) -> None:
    """Every check over one batch of people (``scope`` filters on ``person_id``), then one sync."""
    specs = [spec for check in CHECKS for spec in check(today, now, owners, counts, scope)]
    synced = sync_people_alerts(reasons=SWEPT, people=scope, specs=specs, today=today)
    counts.update(synced)
    counts["alerts_raised"] += synced["raised"]


def sweep_assessments(today: datetime.date | str | None = None, *, person_ids=None,
                      batch_size: int = PERSON_BATCH) -> dict:
    """Run every check; ``person_ids`` narrows it to some people (for a task after a change, or tests)."""
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    today = today or timezone.localdate()
    now = timezone.now()
    owners = Owners()
    counts = Counter()
    for scope in person_batches(person_ids, batch_size):
        counts["batches"] += 1
        sweep_batch(scope, today, now, owners, counts)
    tiers = check_tiers(today, person_ids=person_ids)
    counts.update({f"tiers_{key}": value for key, value in tiers.items()})
    return dict(sorted(counts.items()))
