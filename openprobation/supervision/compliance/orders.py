"""Compliance per order or licence: ``order_compliance(person, today)``."""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from openprobation.core.calendar import format_date
from openprobation.people.models import Person
from openprobation.sentences.models import Sentence

from .. import rules
from ..models import Breach, Contact, EnforcementRecord
from .breach import BreachRequired, breach_required_on
from .outcomes import (
    ACCEPTABLE_ABSENCE,
    AWAITING_EVIDENCE,
    COMPLIED,
    FAILED_TO_COMPLY,
    FAILURE,
    IN_A_RUN,
    KEPT,
    NO_OUTCOME,
    NOT_RESCHEDULED,
    RESCHEDULED_BY_PERSON,
    RESCHEDULED_BY_SERVICE,
    SENT_HOME,
    UNACCEPTABLE_ABSENCE,
    counting_moment,
    local_midnight,
    twelve_months_ending,
)

# Breach statuses in which the papers have not yet gone to court.
PACK_PENDING_STATUSES = frozenset(
    {Breach.Status.INITIATED, Breach.Status.PACK_REQUESTED, Breach.Status.RECALL_REQUESTED}
)
RECENT_APPOINTMENTS = 20


@dataclass(frozen=True)
class ActivityCounts:
    """National Standards appointments on one order that have started, by what happened."""

    appointments: int = 0  # all of them except the rescheduled ones
    complied: int = 0
    acceptable_absences: int = 0
    unacceptable_absences: int = 0
    failed_to_comply: int = 0  # attended but failed to comply
    sent_home: int = 0
    awaiting_evidence: int = 0
    no_outcome: int = 0
    rescheduled_by_person: int = 0
    rescheduled_by_service: int = 0


@dataclass(frozen=True)
class Progress:
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def total_days(self) -> int:
        return max((self.end - self.start).days, 1)

    @property
    def elapsed_days(self) -> int:
        return min(max((self.today - self.start).days, 0), self.total_days)

    @property
    def percent(self) -> int:
        return round(100 * self.elapsed_days / self.total_days)

    @property
    def remaining_days(self) -> int:
        return self.total_days - self.elapsed_days


@dataclass(frozen=True)
class LiveWarning:
    record: EnforcementRecord
    live_until: datetime.date


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # "evidence", "response" or "breach pack"
    due: datetime.date
    description: str
    contact_id: int | None = None


@dataclass(frozen=True)
class Engagement:
    """The positive side of the record, which compliance pages too often leave out."""

    recent_attended: int = 0
    recent_total: int = 0  # the last RECENT_APPOINTMENTS appointments with an outcome, at most
    longest_run: int = 0  # complied appointments in a row; acceptable absences do not end a run
    current_run: int = 0
    last_failure_on: datetime.date | None = None


@dataclass
class OrderCompliance:
    sentence: Sentence
    progress: Progress
    counts: ActivityCounts
    failures_since_breach: int
    counting_from: datetime.date  # the later of the sentence date and the end of the last breach
    failures_last_12_months: int
    engagement: Engagement
    live_warnings: list[LiveWarning] = field(default_factory=list)
    breach_in_progress: Breach | None = None
    prior_breaches: list[Breach] = field(default_factory=list)
    breach_required: BreachRequired | None = None
    overdue: list[OverdueItem] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.sentence.is_active

    @property
    def ftc_limit(self) -> int:
        return self.sentence.sentence_type.ftc_limit

    @property
    def ftc_limit_reached(self) -> bool:
        return self.failures_since_breach >= self.ftc_limit

    @property
    def counting_from_breach(self) -> bool:
        return self.counting_from != self.sentence.sentence_date


def order_compliance(
    person: Person, today: datetime.date, *, now: datetime.datetime | None = None
) -> list[OrderCompliance]:
    """Compliance for each of the person's orders and licences, active ones first.

    Eight queries however many orders and contacts the person has (nine when an unanswered failure
    after a warning needs ``breach_required_on`` to read the order's warnings).
    """
    moment = counting_moment(today, now)
    sentences = list(
        Sentence.objects.filter(person=person)
        .select_related("sentence_type")
        .order_by(F("terminated_on").desc(nulls_first=True), "-start_date", "-id")
    )
    if not sentences:
        return []
    ids = [s.pk for s in sentences]
    breaches = defaultdict(list)
    for breach in Breach.objects.filter(sentence__in=ids).order_by("-started_on", "-id"):
        breaches[breach.sentence_id].append(breach)
    counting_from = {}
    for sentence in sentences:
        ended = [b.ended_on for b in breaches[sentence.pk] if b.ended_on is not None]
        counting_from[sentence.pk] = max([sentence.sentence_date, *ended])

    counts = _counts(ids, counting_from, today, moment)
    engagement = _engagement(ids, counts, moment)
    required = breach_required_on(Q(sentence__in=ids), today)
    warnings, responses = _enforcement(ids, today)
    overdue = _overdue_evidence(ids, today, moment)
    for sentence_id, items in responses.items():
        overdue[sentence_id].extend(items)

    orders = []
    for sentence in sentences:
        row = counts.get(sentence.pk, {})
        open_breach = next((b for b in breaches[sentence.pk] if b.ended_on is None), None)
        if open_breach and open_breach.status in PACK_PENDING_STATUSES and open_breach.pack_due < today:
            overdue[sentence.pk].append(
                OverdueItem(
                    "breach pack",
                    open_breach.pack_due,
                    f"{open_breach.get_status_display()}: papers to court",
                )
            )
        ends = sentence.terminated_on or sentence.expected_end_date
        orders.append(
            OrderCompliance(
                sentence=sentence,
                progress=Progress(sentence.start_date, sentence.expected_end_date, min(today, ends)),
                counts=ActivityCounts(**{k: row.get(k, 0) for k in ActivityCounts.__dataclass_fields__}),
                failures_since_breach=row.get("failures_since_breach", 0),
                counting_from=counting_from[sentence.pk],
                failures_last_12_months=row.get("failures_last_12_months", 0),
                engagement=engagement.get(sentence.pk, Engagement()),
                live_warnings=warnings[sentence.pk],
                breach_in_progress=open_breach,
                prior_breaches=[b for b in breaches[sentence.pk] if b.ended_on is not None],
                breach_required=required.get(sentence.pk),
                overdue=sorted(overdue[sentence.pk], key=lambda item: item.due),
            )
        )
    return orders


def _ns_appointments(sentence_ids, moment):
    return Contact.objects.filter(
        sentence__in=sentence_ids, contact_type__national_standards=True, starts_at__lt=moment
    )


def _counts(sentence_ids, counting_from, today, moment) -> dict[int, dict]:
    """One grouped aggregate: every count on the page for every order."""
    # Grouped by order, each group only meets its own order's branch of this condition.
    since_breach = functools.reduce(
        operator.or_,
        (Q(sentence_id=pk, starts_at__gte=local_midnight(day)) for pk, day in counting_from.items()),
    )
    day = TruncDate("starts_at")
    rows = (
        _ns_appointments(sentence_ids, moment)
        .values("sentence_id")
        .annotate(
            appointments=Count("pk", filter=NOT_RESCHEDULED),
            complied=Count("pk", filter=COMPLIED),
            acceptable_absences=Count("pk", filter=ACCEPTABLE_ABSENCE),
            unacceptable_absences=Count("pk", filter=UNACCEPTABLE_ABSENCE),
            failed_to_comply=Count("pk", filter=FAILED_TO_COMPLY),
            sent_home=Count("pk", filter=SENT_HOME),
            awaiting_evidence=Count("pk", filter=AWAITING_EVIDENCE),
            no_outcome=Count("pk", filter=NO_OUTCOME),
            rescheduled_by_person=Count("pk", filter=RESCHEDULED_BY_PERSON),
            rescheduled_by_service=Count("pk", filter=RESCHEDULED_BY_SERVICE),
            failures_since_breach=Count(day, distinct=True, filter=FAILURE & since_breach),
            failures_last_12_months=Count(
                day,
                distinct=True,
                filter=FAILURE & Q(starts_at__gte=local_midnight(twelve_months_ending(today))),
            ),
            breaks=Count("pk", filter=IN_A_RUN & Q(outcome__acceptable=False)),
            last_failure=Max("starts_at", filter=FAILURE),
        )
        .order_by()
    )
    return {row["sentence_id"]: row for row in rows}


def _engagement(sentence_ids, counts, moment) -> dict[int, Engagement]:
    """Recent attendance and runs of complied appointments: two queries using window functions."""
    recent = (
        _ns_appointments(sentence_ids, moment)
        .filter(NOT_RESCHEDULED, outcome__isnull=False)
        .annotate(
            recency=Window(
                RowNumber(), partition_by=[F("sentence_id")], order_by=[F("starts_at").desc(), F("id").desc()]
            )
        )
        .filter(recency__lte=RECENT_APPOINTMENTS)
        .values_list("sentence_id", "outcome__attended")
    )
    attended, total = defaultdict(int), defaultdict(int)
    for sentence_id, was_attended in recent:
        total[sentence_id] += 1
        attended[sentence_id] += bool(was_attended)

    longest, current = _runs(sentence_ids, counts, moment)
    result = {}
    for sentence_id in sentence_ids:
        last_failure = counts.get(sentence_id, {}).get("last_failure")
        result[sentence_id] = Engagement(
            recent_attended=attended[sentence_id],
            recent_total=total[sentence_id],
            longest_run=longest.get(sentence_id, 0),
            current_run=current.get(sentence_id, 0),
            last_failure_on=timezone.localdate(last_failure) if last_failure else None,
        )
    return result


def _runs(sentence_ids, counts, moment) -> tuple[dict[int, int], dict[int, int]]:
    """Longest and current runs of complied appointments per order ("gaps and islands").

    Each appointment is numbered by how many non-complied ones precede it (inclusive); complied
    appointments sharing a number form one run.  The database groups them, so one row comes back per
    run, not per appointment.
    """
    numbered = (
        _ns_appointments(sentence_ids, moment)
        .filter(IN_A_RUN)
        .annotate(
            kept=Case(When(KEPT, then=Value(1)), default=Value(0), output_field=IntegerField()),
            breaks=Window(
                Sum(Case(When(KEPT, then=Value(0)), default=Value(1), output_field=IntegerField())),
                partition_by=[F("sentence_id")],
                order_by=[F("starts_at").asc(), F("id").asc()],
            ),
        )
        .values("sentence_id", "kept", "breaks")
        .order_by()
    )
    inner_sql, params = numbered.query.sql_with_params()
    sql = (
        "SELECT numbered.sentence_id, numbered.breaks, COUNT(*) "  # noqa: S608 - inner_sql is ORM-built
        f"FROM ({inner_sql}) numbered WHERE numbered.kept = 1 "
        "GROUP BY numbered.sentence_id, numbered.breaks"
    )
    longest, current = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sentence_id, breaks, length in cursor.fetchall():
            longest[sentence_id] = max(longest.get(sentence_id, 0), length)
            if breaks == counts.get(sentence_id, {}).get("breaks", 0):
                current[sentence_id] = length
    return longest, current


def _enforcement(sentence_ids, today) -> tuple[dict[int, list[LiveWarning]], dict[int, list[OverdueItem]]]:
    """Live warnings, and responses overdue: one query over recent warnings and overdue responses.

    A warning's response window closing is not an overdue item (the warning stands and shows as live);
    any other action with a response date (EA12, WLS) is overdue once the date passes with no later
    action recorded against the same appointment.
    """
    later = EnforcementRecord.objects.filter(contact=OuterRef("contact")).filter(
        Q(decided_on__gt=OuterRef("decided_on")) | Q(decided_on=OuterRef("decided_on"), pk__gt=OuterRef("pk"))
    )
    recent_warning = Q(
        action__is_warning=True,
        withdrawn_on__isnull=True,
        decided_on__lte=today,
        decided_on__gte=today - datetime.timedelta(days=366),
    )
    overdue_response = Q(
        action__is_warning=False, withdrawn_on__isnull=True, response_due__lt=today
    ) & ~Exists(later)
    records = (
        EnforcementRecord.objects.filter(sentence__in=sentence_ids)
        .filter(recent_warning | overdue_response)
        .select_related("action", "contact__contact_type")
        .order_by("-decided_on", "-id")
    )
    warnings, responses = defaultdict(list), defaultdict(list)
    for record in records:
        if record.action.is_warning:
            issued = rules.IssuedWarning(given_on=record.decided_on)
            if rules.warning_is_live(issued, today):
                warnings[record.sentence_id].append(LiveWarning(record, rules.warning_live_until(issued)))
        else:
            responses[record.sentence_id].append(
                OverdueItem(
                    "response",
                    record.response_due,
                    f"{record.action}: response from the person after the appointment on "
                    f"{format_date(timezone.localdate(record.contact.starts_at))}",
                    record.contact_id,
                )
            )
    return warnings, responses


def _overdue_evidence(sentence_ids, today, moment) -> dict[int, list[OverdueItem]]:
    """Absences still awaiting evidence after the evidence due date (5 working days by default)."""
    overdue = defaultdict(list)
    awaiting = (
        _ns_appointments(sentence_ids, moment)
        .filter(AWAITING_EVIDENCE)
        .filter(Q(evidence_due__lt=today) | Q(evidence_due__isnull=True))
        .select_related("contact_type")
        .order_by("starts_at")
    )
    for contact in awaiting:
        held_on = timezone.localdate(contact.starts_at)
        due = contact.evidence_due or rules.evidence_due_date(held_on)
        if due < today:
            overdue[contact.sentence_id].append(
                OverdueItem(
                    "evidence",
                    due,
                    f"Evidence for the absence from {contact.contact_type} on {format_date(held_on)}",
                    contact.pk,
                )
            )
    return overdue
