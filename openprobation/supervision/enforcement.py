"""The enforcement decision for one contact, read from the database.

``supervision.rules`` decides on plain data; this module builds that data for one contact's order
or licence in a fixed number of queries (four, whatever the length of the history), and turns the
decision into words for the pages.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone

from openprobation.sentences.models import Sentence

from . import rules
from .models import Breach, Contact, EnforcementRecord

ENFORCEMENT_REVIEW_CODE = "ARWS"
ENFORCEMENT_ACTION_CODE = "ENFA"
BREACH_INITIATED_CODE = "BRIN"

# Post-sentence supervision is breached at a magistrates' court, never by recall (docs/enforcement-rules.md).
NO_RECALL_SENTENCE_TYPES = frozenset({"PSS"})

# The warning letters and the rung of the warning ladder each one is.
WARNING_KINDS = {
    rules.Action.FIRST_WARNING_LETTER: rules.WarningKind.FIRST,
    rules.Action.SECOND_WARNING_LETTER: rules.WarningKind.SECOND,
    rules.Action.LICENCE_COMPLIANCE_LETTER: rules.WarningKind.FINAL,
}

STATUS_WORDS = {
    rules.EnforcementStatus.NO_ACTION: "No enforcement action is needed",
    rules.EnforcementStatus.AWAITING_EVIDENCE: "Waiting for evidence of an acceptable absence",
    rules.EnforcementStatus.WARNING_OR_BREACH: "Give a warning or start breach proceedings",
    rules.EnforcementStatus.BREACH_REQUIRED: "Breach referral is mandatory",
    rules.EnforcementStatus.RECALL_REVIEW_REQUIRED: "A recall review is required",
    rules.EnforcementStatus.BREACH_IN_PROGRESS: "Breach or recall is already in progress",
}

DUE_DATE_WORDS = {
    "evidence_due": "Evidence due by",
    "response_due": "Response due by",
    "breach_pack_due": "Breach pack due at court by",
}


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def enforcement_history(sentence: Sentence, *, excluding: Contact | None = None) -> rules.EnforcementHistory:
    """Everything the rules need to know about enforcement so far on ``sentence``.

    ``excluding`` is the contact being decided: its own failure is passed to the rules separately.
    """
    warnings = tuple(
        rules.IssuedWarning(given_on=decided_on, kind=WARNING_KINDS[code], withdrawn=withdrawn_on is not None)
        for decided_on, code, withdrawn_on in EnforcementRecord.objects.filter(
            sentence=sentence, action__code__in=[str(code) for code in WARNING_KINDS]
        ).values_list("decided_on", "action__code", "withdrawn_on")
    )
    breach_ends = list(Breach.objects.filter(sentence=sentence).values_list("ended_on", flat=True))
    ended = [day for day in breach_ends if day is not None]
    last_breach_ended_on = max(ended) if ended else None

    failures = Contact.objects.filter(
        sentence=sentence,
        contact_type__national_standards=True,
        outcome__enforceable=True,
        outcome__acceptable=False,
    )
    if excluding is not None:
        failures = failures.exclude(pk=excluding.pk)
    failure_dates = tuple(sorted({local_date(moment) for moment in failures.values_list("starts_at", flat=True)}))

    counting_from = max(filter(None, [sentence.sentence_date, last_breach_ended_on]))
    review_open = Contact.objects.filter(
        sentence=sentence,
        contact_type__code=ENFORCEMENT_REVIEW_CODE,
        starts_at__gte=start_of_day(counting_from),
    ).exists()

    return rules.EnforcementHistory(
        sentence_kind=rules.SentenceKind(sentence.sentence_type.kind),
        sentence_date=sentence.sentence_date,
        ftc_limit=sentence.sentence_type.ftc_limit,
        last_breach_ended_on=last_breach_ended_on,
        warnings=warnings,
        previous_failure_dates=failure_dates,
        breach_in_progress=any(day is None for day in breach_ends),
        enforcement_review_open=review_open,
    )


def _no_decision(reason: str) -> rules.EnforcementDecision:
    return rules.EnforcementDecision(
        status=rules.EnforcementStatus.NO_ACTION,
        allowed_actions=(),
        recommended_action=None,
        requires_rationale_for=(),
        reasons=(reason,),
    )


def decide_for_contact(contact: Contact, *, today: datetime.date) -> rules.EnforcementDecision | None:
    """The enforcement decision for the outcome recorded on ``contact``, or None if it has none yet."""
    outcome = contact.outcome
    if outcome is None:
        return None
    if contact.sentence_id is None:
        return _no_decision(
            "This contact does not count towards an order or licence, so its outcome is never enforced."
        )
    flags = rules.OutcomeFlags(
        code=outcome.code,
        attended=outcome.attended,
        acceptable=outcome.acceptable,
        enforceable=outcome.enforceable,
        awaiting_evidence=outcome.awaiting_evidence,
    )
    decided = rules.ContactOutcome(
        outcome=flags,
        contact_date=local_date(contact.starts_at),
        national_standards=contact.contact_type.national_standards,
    )
    history = enforcement_history(contact.sentence, excluding=contact)
    try:
        decision = rules.decide_enforcement(decided, history, today=today)
    except ValueError as problem:
        # The rules refuse contacts they cannot judge (before the sentence date, or not yet
        # happened); the page shows why rather than failing.
        return _no_decision(str(problem))
    if contact.sentence.sentence_type.code in NO_RECALL_SENTENCE_TYPES:
        decision = dataclasses.replace(
            decision,
            allowed_actions=tuple(a for a in decision.allowed_actions if a != rules.Action.RECALL_REQUESTED),
            requires_rationale_for=tuple(
                a for a in decision.requires_rationale_for if a != rules.Action.RECALL_REQUESTED
            ),
        )
    return decision


def status_words(decision: rules.EnforcementDecision) -> str:
    return STATUS_WORDS.get(decision.status, str(decision.status).replace("_", " ").capitalize())


def due_date_rows(due_dates: dict[str, datetime.date]) -> list[tuple[str, datetime.date]]:
    """(label, date) pairs for a decision's or a record's deadlines, in a fixed order."""
    return [(label, due_dates[key]) for key, label in DUE_DATE_WORDS.items() if due_dates.get(key)]
