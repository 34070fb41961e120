"""Whether breach (or a recall review) is required and nobody has acted yet."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from .. import rules
from ..enforcement import WARNING_KINDS
from ..models import Breach, Contact, EnforcementRecord
from .outcomes import FAILURE


@dataclass(frozen=True)
class BreachRequired:
    """An unacceptable failure during a live warning that nobody has acted on since."""

    contact_id: int
    person_id: int
    failed_on: datetime.date
    reasons: tuple[str, ...]


def breach_required_on(scope: Q, today: datetime.date) -> dict[int, BreachRequired]:
    """Active orders on which breach (or recall review) is required and nothing has been done yet.

    A candidate is an unacceptable failure on a National Standards appointment, on an active order,
    after a warning that is not withdrawn, with no enforcement action on the order and no breach
    started on or after the failure date.  ``rules.decide_enforcement`` then says whether the warnings
    live on that date make breach (community) or a recall review (licence) mandatory.  Two queries.
    ``scope`` narrows the contacts, e.g. ``Q(person__in=ids)``.
    """
    failure_day = TruncDate("starts_at")
    acted_since = EnforcementRecord.objects.filter(
        sentence=OuterRef("sentence"), decided_on__gte=OuterRef("failure_day")
    )
    breached_since = Breach.objects.filter(
        sentence=OuterRef("sentence"), started_on__gte=OuterRef("failure_day")
    )
    warned_before = EnforcementRecord.objects.filter(
        sentence=OuterRef("sentence"),
        action__is_warning=True,
        withdrawn_on__isnull=True,
        decided_on__lt=OuterRef("failure_day"),
    )
    last_breach_end = (
        Breach.objects.filter(sentence=OuterRef("sentence"), ended_on__isnull=False)
        .order_by("-ended_on")
        .values("ended_on")[:1]
    )
    candidates = list(
        Contact.objects.filter(scope)
        .filter(FAILURE, contact_type__national_standards=True, sentence__terminated_on__isnull=True)
        .annotate(failure_day=failure_day)
        .filter(Exists(warned_before), ~Exists(acted_since), ~Exists(breached_since))
        .annotate(last_breach_end=Subquery(last_breach_end))
        .values(
            "pk",
            "person_id",
            "failure_day",
            "last_breach_end",
            "sentence_id",
            "sentence__sentence_date",
            "sentence__sentence_type__kind",
            "sentence__sentence_type__ftc_limit",
            "outcome__code",
            "outcome__attended",
            "outcome__acceptable",
            "outcome__enforceable",
        )
        .order_by("starts_at")
    )
    if not candidates:
        return {}
    warnings = defaultdict(list)
    for sentence_id, given_on, code, withdrawn_on in EnforcementRecord.objects.filter(
        sentence__in={c["sentence_id"] for c in candidates}, action__is_warning=True
    ).values_list("sentence_id", "decided_on", "action__code", "withdrawn_on"):
        kind = WARNING_KINDS.get(code, rules.WarningKind.FIRST)
        warnings[sentence_id].append(rules.IssuedWarning(given_on, kind, withdrawn=withdrawn_on is not None))

    required = {}
    for c in candidates:
        if (
            c["sentence_id"] in required
            or c["failure_day"] < c["sentence__sentence_date"]
            or c["failure_day"] > today
        ):
            continue
        decision = rules.decide_enforcement(
            rules.ContactOutcome(
                rules.OutcomeFlags(
                    c["outcome__code"],
                    c["outcome__attended"],
                    c["outcome__acceptable"],
                    c["outcome__enforceable"],
                ),
                c["failure_day"],
                national_standards=True,
            ),
            rules.EnforcementHistory(
                sentence_kind=c["sentence__sentence_type__kind"],
                sentence_date=c["sentence__sentence_date"],
                ftc_limit=c["sentence__sentence_type__ftc_limit"],
                last_breach_ended_on=c["last_breach_end"],
                warnings=tuple(warnings[c["sentence_id"]]),
            ),
            today=today,
        )
        if decision.status in (
            rules.EnforcementStatus.BREACH_REQUIRED,
            rules.EnforcementStatus.RECALL_REVIEW_REQUIRED,
        ):
            required[c["sentence_id"]] = BreachRequired(
                c["pk"], c["person_id"], c["failure_day"], decision.reasons
            )
    return required
