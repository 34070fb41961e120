"""The caseload's compliance column: ``caseload_compliance(person_ids, today)``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.db.models.lookups import IsNull
from django.utils import timezone

from openprobation.core.calendar import format_date
from openprobation.people.models import Person
from openprobation.sentences.models import Sentence

from .. import rules
from ..models import Breach, Contact, EnforcementRecord
from .breach import BreachRequired, breach_required_on
from .outcomes import counting_moment


@dataclass(frozen=True)
class ComplianceStatus:
    """One caseload row's compliance: a GOV.UK tag, why, and how many outcomes are waiting."""

    label: str
    colour: str  # a GOV.UK tag colour: red, orange, yellow, blue, green, grey
    priority: int  # 1 is the most urgent; sort a caseload by it
    detail: str = ""
    outcomes_due: int = 0

    @property
    def tag_class(self) -> str:
        """The tag's classes: GOV.UK's default tag is the blue one, with no modifier."""
        return "govuk-tag" if self.colour == "blue" else f"govuk-tag govuk-tag--{self.colour}"


BREACH_IN_PROGRESS = ("Breach in progress", "red", 1)
BREACH_REQUIRED = ("Breach required", "red", 2)
DECISION_DUE = ("Enforcement decision due", "red", 3)
WARNING_LIVE = ("Warning live", "orange", 4)
AWAITING_EVIDENCE_STATUS = ("Awaiting evidence", "yellow", 5)
OUTCOME_TO_RECORD = ("Outcome to record", "blue", 6)
COMPLIANT = ("Compliant", "green", 7)
NO_ACTIVE_ORDER = ("No active order", "grey", 8)


def caseload_compliance(
    person_ids: Iterable[int], today: datetime.date, *, now: datetime.datetime | None = None
) -> dict[int, ComplianceStatus]:
    """The compliance status of each person in ``person_ids``, in at most three queries.

    Every id given gets a status; the first that applies wins:

    1. "Breach in progress" (red): a breach or recall on any of the person's orders has not ended.
    2. "Breach required" (red): on an active order, an unacceptable failure on a National Standards
       appointment happened while a warning was live (community orders; on a licence, once the
       warnings are used up), and no breach has started and no enforcement action has been recorded on
       the order since (see ``breach_required_on``).
    3. "Enforcement decision due" (red): an unacceptable failure on a National Standards appointment on
       an active order has no enforcement action recorded against it (the law allows a warning or a
       breach referral, never silence).
    4. "Warning live" (orange): a warning (EA02, EA03, LCL) on an active order, not withdrawn, given
       within the 12 months ending today.
    5. "Awaiting evidence" (yellow): an appointment's outcome is the "failed to attend" holding state.
    6. "Outcome to record" (blue): an appointment that needs an outcome started before now without one.
    7. "Compliant" (green): an active order and none of the above.
    8. "No active order" (grey): no order or licence without a termination date.

    ``outcomes_due`` is the number of appointments in (6) whatever the status.  ``detail`` is a short
    explanation for the tag (the pack due date, the warning's last live day, and so on).
    """
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    moment = counting_moment(today, now)
    on_person = Q(sentence__person=OuterRef("pk"))
    open_breach = Breach.objects.filter(on_person, ended_on__isnull=True).order_by("pack_due")
    latest_warning = (
        EnforcementRecord.objects.filter(
            on_person,
            sentence__terminated_on__isnull=True,
            action__is_warning=True,
            withdrawn_on__isnull=True,
            decided_on__lte=today,
        )
        .order_by("-decided_on")
        .values("decided_on")[:1]
    )
    awaiting = Q(outcome__awaiting_evidence=True)
    # The checks that need another table come last, so they run only for the rare unacceptable failures
    # (a join to the sentence would be one lookup for every contact of the caseload).
    undecided = (
        Q(outcome__enforceable=True, contact_type__national_standards=True)
        & ~Q(Exists(Sentence.objects.filter(pk=OuterRef("sentence_id"), terminated_on__isnull=False)))
        # IS NULL of a first row, not NOT EXISTS, which PostgreSQL answers by hashing every record.
        & Q(IsNull(Subquery(EnforcementRecord.objects.filter(contact=OuterRef("pk")).values("pk")[:1]), True))
    )
    # What the column needs from the person's contacts, gathered in one pass over them (one object per
    # person) rather than one subquery, and one scan of every contact, for each of the four.
    contact_facts = (
        Contact.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(
            facts=JSONObject(
                awaiting=Count("pk", filter=awaiting),
                evidence_due=Min("evidence_due", filter=awaiting),
                undecided_on=Min("starts_at", filter=undecided),
                outcomes_due=Count(
                    "pk",
                    filter=Q(contact_type__outcome_required=True, outcome__isnull=True, starts_at__lt=moment),
                ),
            )
        )
        .values("facts")
    )
    # A first active order, not EXISTS: PostgreSQL answers EXISTS for a long list by hashing every
    # active order in the country; this is one index probe per person.
    active_order = Sentence.objects.filter(person=OuterRef("pk"), terminated_on__isnull=True).values("pk")[:1]
    rows = (
        Person.objects.filter(pk__in=ids)
        .annotate(
            active_order=Subquery(active_order),
            breach_status=Subquery(open_breach.values("status")[:1]),
            breach_pack_due=Subquery(open_breach.values("pack_due")[:1]),
            warned_on=Subquery(latest_warning),
            contact_facts=Subquery(contact_facts),
        )
        .values("pk", "active_order", "breach_status", "breach_pack_due", "warned_on", "contact_facts")
    )
    required_by_person = {}
    for item in breach_required_on(Q(person__in=ids), today).values():
        required_by_person.setdefault(item.person_id, item)

    statuses = {pk: ComplianceStatus(*NO_ACTIVE_ORDER) for pk in ids}
    for row in rows:
        facts = row.pop("contact_facts") or {}
        row.update(
            has_active=row.pop("active_order") is not None,
            awaiting=bool(facts.get("awaiting")),
            evidence_due=_day(facts.get("evidence_due")),
            undecided_on=_moment(facts.get("undecided_on")),
            outcomes_due=facts.get("outcomes_due") or 0,
        )
        statuses[row["pk"]] = _status(row, required_by_person.get(row["pk"]), today)
    return statuses


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def _moment(value) -> datetime.datetime | None:
    """A timestamp from the JSON object: ISO 8601 with its offset (PostgreSQL) or naive UTC (SQLite)."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _status(row: dict, required: BreachRequired | None, today: datetime.date) -> ComplianceStatus:
    outcomes_due = row["outcomes_due"]
    if row["breach_status"]:
        status = Breach.Status(row["breach_status"]).label
        return ComplianceStatus(
            *BREACH_IN_PROGRESS, f"{status}; papers due {format_date(row['breach_pack_due'])}", outcomes_due
        )
    if required:
        return ComplianceStatus(
            *BREACH_REQUIRED,
            f"Failure to comply on {format_date(required.failed_on)} during a live warning",
            outcomes_due,
        )
    if row["undecided_on"]:
        failed_on = timezone.localdate(row["undecided_on"])
        return ComplianceStatus(
            *DECISION_DUE, f"No enforcement action for the failure on {format_date(failed_on)}", outcomes_due
        )
    if row["warned_on"]:
        live_until = rules.warning_live_until(rules.IssuedWarning(row["warned_on"]))
        if live_until >= today:
            return ComplianceStatus(*WARNING_LIVE, f"Live until {format_date(live_until)}", outcomes_due)
    if row["awaiting"]:
        detail = f"Evidence due {format_date(row['evidence_due'])}" if row["evidence_due"] else ""
        return ComplianceStatus(*AWAITING_EVIDENCE_STATUS, detail, outcomes_due)
    if outcomes_due:
        plural = "outcome" if outcomes_due == 1 else "outcomes"
        return ComplianceStatus(*OUTCOME_TO_RECORD, f"{outcomes_due} {plural} to record", outcomes_due)
    if row["has_active"]:
        return ComplianceStatus(*COMPLIANT, "", outcomes_due)
    return ComplianceStatus(*NO_ACTIVE_ORDER, "", outcomes_due)
