"""Enforcement decisions: what must happen after an outcome is recorded on a contact.

Pure rules over plain data: no models, no database, no clock (callers pass ``today``).  Every
decision carries the sentences that justify it, naming the dates and counts it used.  The rules, their
sources and the choices made where the sources are silent are in ``docs/enforcement-rules.md``.

Community orders and suspended sentence orders (``community``) follow the statute: after an
unacceptable failure the responsible officer must warn or refer, and must refer while a warning is
live (Sentencing Act 2020 Sch 10 para 6; Sch 16 for SSOs).  Licences and post-sentence supervision
(``licence``) follow practice: up to three warnings (first, second, final), then a recall review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from openprobation.core.calendar import (
    WorkingDayCalendar,
    default_calendar,
    end_of_months_beginning_with,
    format_date,
)

EVIDENCE_WORKING_DAYS = 5
RESPONSE_CALENDAR_DAYS = 7
BREACH_PACK_WORKING_DAYS = 10
WARNING_MONTHS = 12
LICENCE_WARNING_LIMIT = 3


class SentenceKind(StrEnum):
    COMMUNITY = "community"  # community orders and suspended sentence orders
    LICENCE = "licence"  # licences and post-sentence supervision


class WarningKind(StrEnum):
    FIRST = "first"
    SECOND = "second"
    FINAL = "final"


_WARNING_ORDER = tuple(WarningKind)


class EnforcementStatus(StrEnum):
    NO_ACTION = "no_action"
    AWAITING_EVIDENCE = "awaiting_evidence"
    WARNING_OR_BREACH = "warning_or_breach"
    BREACH_REQUIRED = "breach_required"
    RECALL_REVIEW_REQUIRED = "recall_review_required"
    BREACH_IN_PROGRESS = "breach_in_progress"


class Action(StrEnum):
    """The nDelius enforcement action codes these rules choose between."""

    FIRST_WARNING_LETTER = "EA02"
    SECOND_WARNING_LETTER = "EA03"
    LICENCE_COMPLIANCE_LETTER = "LCL"  # the final warning on a licence
    BREACH_LETTER = "EA08"
    BREACH_OR_RECALL_INITIATED = "IBR"
    IMMEDIATE_BREACH_OR_RECALL = "IMB"
    RECALL_REQUESTED = "EA11"
    DECISION_PENDING_RESPONSE = "EA12"
    REFER_TO_OFFENDER_MANAGER = "ROM"
    NO_FURTHER_ACTION = "NFA"
    WITHDRAW_WARNING_LETTER = "EA06"


_A = Action
WARNING_LETTERS = frozenset({_A.FIRST_WARNING_LETTER, _A.SECOND_WARNING_LETTER, _A.LICENCE_COMPLIANCE_LETTER})
_RESPONSE_ACTIONS = WARNING_LETTERS | {_A.DECISION_PENDING_RESPONSE}
_BREACH_PACK_ACTIONS = frozenset(
    {_A.BREACH_OR_RECALL_INITIATED, _A.IMMEDIATE_BREACH_OR_RECALL, _A.BREACH_LETTER}
)
_FIRST_BREACH = (_A.BREACH_OR_RECALL_INITIATED, _A.IMMEDIATE_BREACH_OR_RECALL, _A.BREACH_LETTER)
_EARLY_RECALL = (_A.BREACH_OR_RECALL_INITIATED, _A.IMMEDIATE_BREACH_OR_RECALL, _A.RECALL_REQUESTED)
# Indexed by the number of licence warning rungs already used.
_LICENCE_LADDER = (_A.FIRST_WARNING_LETTER, _A.SECOND_WARNING_LETTER, _A.LICENCE_COMPLIANCE_LETTER)
_WARNING_RANK = {WarningKind.FIRST: 1, WarningKind.SECOND: 2, WarningKind.FINAL: 3}
_STATUTE = "Sentencing Act 2020 Sch 10 para 6; Sch 16 for suspended sentence orders"


@dataclass(frozen=True)
class OutcomeFlags:
    """The outcome being recorded, as its reference data describes it."""

    code: str
    attended: bool
    acceptable: bool  # complied, or an acceptable absence
    enforceable: bool
    awaiting_evidence: bool = False  # AFTA: failed to attend, evidence awaited

    def __post_init__(self):
        if self.awaiting_evidence and self.acceptable:
            raise ValueError(f"Outcome {self.code} cannot be both acceptable and awaiting evidence")


@dataclass(frozen=True)
class ContactOutcome:
    """An outcome recorded on one contact."""

    outcome: OutcomeFlags
    contact_date: date
    national_standards: bool  # the contact type counts toward compliance and is enforced


@dataclass(frozen=True)
class IssuedWarning:
    """A warning given on the order or licence (EA02, EA03 or LCL)."""

    given_on: date
    kind: WarningKind = WarningKind.FIRST
    withdrawn: bool = False

    def __post_init__(self):
        object.__setattr__(self, "kind", WarningKind(self.kind))


@dataclass(frozen=True)
class EnforcementHistory:
    """What is already recorded about enforcement on the order or licence."""

    sentence_kind: SentenceKind
    sentence_date: date
    ftc_limit: int  # distinct failure dates that trigger an enforcement review
    last_breach_ended_on: date | None = None
    warnings: tuple[IssuedWarning, ...] = ()
    # Unacceptable failures on National Standards contacts, not counting the contact being decided.
    previous_failure_dates: tuple[date, ...] = ()
    breach_in_progress: bool = False
    enforcement_review_open: bool = False  # an open review dated on or after the last breach end

    def __post_init__(self):
        object.__setattr__(self, "sentence_kind", SentenceKind(self.sentence_kind))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "previous_failure_dates", tuple(self.previous_failure_dates))
        if self.ftc_limit < 1:
            raise ValueError(f"ftc_limit must be at least 1, not {self.ftc_limit}")

    @property
    def counting_from(self) -> date:
        """The later of the sentence date and the end of the last breach: counts restart here."""
        if self.last_breach_ended_on is None:
            return self.sentence_date
        return max(self.sentence_date, self.last_breach_ended_on)


@dataclass(frozen=True)
class EnforcementDecision:
    status: EnforcementStatus
    allowed_actions: tuple[Action, ...]
    recommended_action: Action | None
    requires_rationale_for: tuple[Action, ...]
    reasons: tuple[str, ...]
    due_dates: dict[str, date] = field(default_factory=dict)
    failures_since_breach: int = 0
    enforcement_review_due: bool = False


def warning_live_until(warning: IssuedWarning) -> date:
    """The last day the warning is live: the end of the 12 calendar months beginning with its date."""
    return end_of_months_beginning_with(warning.given_on, WARNING_MONTHS)


def warning_is_live(warning: IssuedWarning, on_date: date) -> bool:
    """True if the warning is not withdrawn and ``on_date`` falls in its 12 months (its own day included)."""
    if warning.withdrawn:
        return False
    return warning.given_on <= on_date <= warning_live_until(warning)


def evidence_due_date(contact_date: date, calendar: WorkingDayCalendar | None = None) -> date:
    """When evidence for a failed-to-attend (AFTA) absence is due: 5 working days after the contact."""
    return (calendar or default_calendar()).add_working_days(contact_date, EVIDENCE_WORKING_DAYS)


def due_dates_for_action(
    action_code: str, action_date: date, calendar: WorkingDayCalendar | None = None
) -> dict[str, date]:
    """The deadlines an enforcement action creates when it is taken on ``action_date``.

    Warning letters (EA02, EA03, LCL) and EA12 give the person 7 calendar days to respond; starting a
    breach (IBR, IMB, EA08) gives 10 working days to get the breach pack to court.  Any other code
    creates no deadline: the result is an empty dict.
    """
    if action_code in _RESPONSE_ACTIONS:
        return {"response_due": action_date + timedelta(days=RESPONSE_CALENDAR_DAYS)}
    if action_code in _BREACH_PACK_ACTIONS:
        working_days = calendar or default_calendar()
        return {"breach_pack_due": working_days.add_working_days(action_date, BREACH_PACK_WORKING_DAYS)}
    return {}


@dataclass
class _Verdict:
    status: EnforcementStatus
    reasons: list[str]
    allowed: tuple[Action, ...] = ()
    recommended: Action | None = None
    rationale: tuple[Action, ...] = ()
    due: dict[str, date] = field(default_factory=dict)


def decide_enforcement(
    contact: ContactOutcome,
    history: EnforcementHistory,
    *,
    today: date,
    calendar: WorkingDayCalendar | None = None,
) -> EnforcementDecision:
    """Decide what enforcement the outcome recorded on ``contact`` calls for, on ``today``."""
    calendar = calendar or default_calendar()
    if today < contact.contact_date:
        raise ValueError(
            f"Cannot decide on a contact dated {format_date(contact.contact_date)} before it happens "
            f"(today is {format_date(today)})"
        )
    if contact.contact_date < history.sentence_date:
        raise ValueError(
            f"The contact on {format_date(contact.contact_date)} is before the sentence date, "
            f"{format_date(history.sentence_date)}"
        )

    outcome = contact.outcome
    failed = not (outcome.acceptable or outcome.awaiting_evidence) and outcome.enforceable
    if not contact.national_standards:
        verdict = _Verdict(
            EnforcementStatus.NO_ACTION,
            [
                f"The contact on {format_date(contact.contact_date)} is not a National Standards contact, "
                "so its outcome is never enforced."
            ],
        )
    elif outcome.awaiting_evidence:
        verdict = _awaiting_evidence(contact, today, calendar)
    elif outcome.acceptable:
        verdict = _acceptable(contact, history)
    elif not outcome.enforceable:
        verdict = _Verdict(
            EnforcementStatus.NO_ACTION,
            [f"Outcome {outcome.code} is not acceptable, but it is not enforceable, so nothing is enforced."],
        )
    elif history.breach_in_progress:
        verdict = _breach_in_progress(contact)
    elif history.sentence_kind is SentenceKind.COMMUNITY:
        verdict = _community_failure(contact, history)
    else:
        verdict = _licence_failure(contact, history)

    if verdict.recommended is not None:
        _add_due_dates(verdict, today, calendar)
    count, review_due, count_reasons = _failure_count(contact, history, failed=failed)
    return EnforcementDecision(
        status=verdict.status,
        allowed_actions=verdict.allowed,
        recommended_action=verdict.recommended,
        requires_rationale_for=verdict.rationale,
        reasons=tuple(verdict.reasons + count_reasons),
        due_dates=verdict.due,
        failures_since_breach=count,
        enforcement_review_due=review_due,
    )


def _awaiting_evidence(contact: ContactOutcome, today: date, calendar: WorkingDayCalendar) -> _Verdict:
    due = evidence_due_date(contact.contact_date, calendar)
    reasons = [
        f"Outcome {contact.outcome.code} is the 'failed to attend' holding state: the person has "
        f"{EVIDENCE_WORKING_DAYS} working days after the contact on {format_date(contact.contact_date)} "
        f"to give evidence of an acceptable absence, so it is due by {format_date(due)}"
        f"{_skipped_holidays(calendar, contact.contact_date, due)}.",
        "No warning or breach is decided yet: when the evidence arrives or the deadline passes, change "
        "the outcome to an acceptable or an unacceptable one.",
    ]
    if today > due:
        reasons.append(
            f"The evidence deadline has passed (today is {format_date(today)}): change the outcome now."
        )
    return _Verdict(
        EnforcementStatus.AWAITING_EVIDENCE,
        reasons,
        allowed=(_A.DECISION_PENDING_RESPONSE, _A.REFER_TO_OFFENDER_MANAGER),
        due={"evidence_due": due},
    )


def _acceptable(contact: ContactOutcome, history: EnforcementHistory) -> _Verdict:
    verdict = _Verdict(
        EnforcementStatus.NO_ACTION,
        [f"Outcome {contact.outcome.code} is acceptable, so there is nothing to enforce."],
    )
    # A warning dated on or after this contact may have been given for it before the outcome changed.
    later = sorted(
        w.given_on for w in history.warnings if not w.withdrawn and w.given_on >= contact.contact_date
    )
    if later:
        verdict.allowed = (_A.WITHDRAW_WARNING_LETTER,)
        verdict.reasons.append(
            f"A warning given on {_listed(later)}, on or after this contact, stands: if it was given "
            "for this contact, withdraw it (EA06) now that the outcome is acceptable, even if breach "
            "has started."
        )
    return verdict


def _breach_in_progress(contact: ContactOutcome) -> _Verdict:
    return _Verdict(
        EnforcementStatus.BREACH_IN_PROGRESS,
        [
            f"Outcome {contact.outcome.code} on {format_date(contact.contact_date)} is an unacceptable "
            "failure, but a breach or recall is already in progress on this order, so it is recorded "
            "and no new enforcement action is forced.",
            "Refer it to the offender manager (ROM) so it can be added to the breach or recall as further "
            "evidence; 'no further action' (NFA) needs a written rationale.",
        ],
        allowed=(_A.REFER_TO_OFFENDER_MANAGER, _A.NO_FURTHER_ACTION),
        recommended=_A.REFER_TO_OFFENDER_MANAGER,
        rationale=(_A.NO_FURTHER_ACTION,),
    )


def _warnings_live_at(
    contact: ContactOutcome, warnings, *, given_since: date | None = None
) -> list[IssuedWarning]:
    """Warnings given before the failure date (and on or after ``given_since``) and live on it, oldest first
    (warnings given on the same day in the order first, second, final, so the order they were recorded in
    never changes the reasons).

    A warning dated the same day as the failure is taken to answer that day's failures, never to
    precede them: failures are counted by date, so one day holds at most one failure.
    """
    live = [
        w
        for w in warnings
        if w.given_on < contact.contact_date
        and (given_since is None or w.given_on >= given_since)
        and warning_is_live(w, contact.contact_date)
    ]
    return sorted(live, key=lambda w: (w.given_on, _WARNING_ORDER.index(w.kind)))


def _community_failure(contact: ContactOutcome, history: EnforcementHistory) -> _Verdict:
    failed_on = format_date(contact.contact_date)
    reasons = [_failure_sentence(contact)]
    live = _warnings_live_at(contact, history.warnings)
    if live:
        reasons.append(
            f"The warning given on {format_date(live[-1].given_on)} is live until "
            f"{format_date(warning_live_until(live[-1]))} and this failure happened while it was live, so "
            f"referral for breach is mandatory and no further warning may be given ({_STATUTE})."
        )
        return _Verdict(
            EnforcementStatus.BREACH_REQUIRED,
            reasons,
            allowed=(_A.BREACH_OR_RECALL_INITIATED, _A.BREACH_LETTER, _A.REFER_TO_OFFENDER_MANAGER),
            recommended=_A.BREACH_OR_RECALL_INITIATED,
        )

    reasons += [
        f"No warning given before {failed_on} is live on that date (a warning lasts for the {WARNING_MONTHS} "
        "months beginning with the day it is given), so this is a first failure: give a warning (EA02) or "
        "refer for breach. 'No further action' is not an option once a failure is unacceptable "
        f"({_STATUTE}).",
        "Breach on a first failure (IBR, IMB or EA08) is for serious failures and needs a written rationale.",
    ]
    earlier = sorted(
        {
            d
            for d in history.previous_failure_dates
            if d < contact.contact_date <= end_of_months_beginning_with(d, WARNING_MONTHS)
        }
    )
    if earlier:
        reasons.append(
            f"There {'was' if len(earlier) == 1 else 'were'} "
            f"{_plural(len(earlier), 'other unacceptable failure')} in the {WARNING_MONTHS} months "
            f"before this one ({_listed(earlier)}) and no live warning; policy expects breach after two "
            "failures to comply within 12 months, so consider referral."
        )
    return _Verdict(
        EnforcementStatus.WARNING_OR_BREACH,
        reasons,
        allowed=(_A.FIRST_WARNING_LETTER, *_FIRST_BREACH, _A.REFER_TO_OFFENDER_MANAGER),
        recommended=_A.FIRST_WARNING_LETTER,
        rationale=_FIRST_BREACH,
    )


def _licence_failure(contact: ContactOutcome, history: EnforcementHistory) -> _Verdict:
    failed_on = format_date(contact.contact_date)
    since = history.counting_from
    reasons = [
        _failure_sentence(contact),
        f"On a licence, practice allows up to {LICENCE_WARNING_LIMIT} warnings (first, second and "
        "final) before a recall review.",
    ]
    live = _warnings_live_at(contact, history.warnings, given_since=since)
    if live:
        listed = ", ".join(f"{w.kind} on {format_date(w.given_on)}" for w in live)
        reasons.append(f"Live warnings given since {format_date(since)}: {listed}.")
    else:
        reasons.append(f"No warning given since {format_date(since)} is live on {failed_on}.")
    # Count rungs by number and by kind, so that a final warning on its own uses up the ladder.
    rungs = min(LICENCE_WARNING_LIMIT, max([len(live), *(_WARNING_RANK[w.kind] for w in live)]))

    if rungs == LICENCE_WARNING_LIMIT:
        reasons.append(
            "The warnings are used up, so a recall review is required: start it with IBR (breach/recall "
            "initiated) or request recall (EA11)."
        )
        return _Verdict(
            EnforcementStatus.RECALL_REVIEW_REQUIRED,
            reasons,
            allowed=(_A.BREACH_OR_RECALL_INITIATED, _A.RECALL_REQUESTED, _A.REFER_TO_OFFENDER_MANAGER),
            recommended=_A.BREACH_OR_RECALL_INITIATED,
        )
    letter = _LICENCE_LADDER[rungs]
    reasons += [
        f"The next step is the {('first', 'second', 'final')[rungs]} warning ({letter}), or a recall if the "
        "failure is serious. 'No further action' is not offered for an unacceptable failure.",
        "Starting a recall before the warnings are used up (IBR, IMB or EA11) needs a written rationale.",
    ]
    return _Verdict(
        EnforcementStatus.WARNING_OR_BREACH,
        reasons,
        allowed=(letter, *_EARLY_RECALL, _A.REFER_TO_OFFENDER_MANAGER),
        recommended=letter,
        rationale=_EARLY_RECALL,
    )


def _add_due_dates(verdict: _Verdict, today: date, calendar: WorkingDayCalendar) -> None:
    """Add the deadlines the recommended action creates if it is taken today, and say so."""
    verdict.due.update(due_dates_for_action(verdict.recommended, today, calendar))
    if "response_due" in verdict.due:
        verdict.reasons.append(
            f"If the warning letter is sent today ({format_date(today)}), the person has "
            f"{RESPONSE_CALENDAR_DAYS} days, until {format_date(verdict.due['response_due'])}, to respond "
            "with evidence or a reasonable excuse."
        )
    if "breach_pack_due" in verdict.due:
        pack_due = verdict.due["breach_pack_due"]
        verdict.reasons.append(
            f"If breach or recall is initiated today ({format_date(today)}), the breach pack is due by "
            f"{format_date(pack_due)}, {BREACH_PACK_WORKING_DAYS} working days later"
            f"{_skipped_holidays(calendar, today, pack_due)}."
        )


def _failure_count(
    contact: ContactOutcome, history: EnforcementHistory, *, failed: bool
) -> tuple[int, bool, list[str]]:
    """The failure-to-comply count: distinct dates of unacceptable NS failures since the counting date."""
    since = history.counting_from
    dates = {d for d in history.previous_failure_dates if d >= since}
    this_counts = failed and contact.national_standards and contact.contact_date >= since
    if this_counts:
        dates.add(contact.contact_date)
    origin = "the sentence date" if since == history.sentence_date else "the end of the last breach"
    reasons = [
        f"{_plural(len(dates), 'distinct date')} with an unacceptable failure on a National Standards "
        f"contact since {format_date(since)} ({origin}){', including this one' if this_counts else ''}; the "
        f"failure-to-comply limit for this sentence type is {history.ftc_limit}."
    ]
    if len(dates) < history.ftc_limit:
        return len(dates), False, reasons
    if history.enforcement_review_open:
        reasons.append("The limit is reached, but an enforcement review is already open.")
        return len(dates), False, reasons
    reasons.append(
        f"The limit is reached and no enforcement review has been opened since {origin}, so an "
        "enforcement review is due."
    )
    return len(dates), True, reasons


def _failure_sentence(contact: ContactOutcome) -> str:
    return (
        f"Outcome {contact.outcome.code} on {format_date(contact.contact_date)} is an unacceptable failure "
        "on a National Standards contact."
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _listed(dates) -> str:
    return ", ".join(format_date(d) for d in sorted(dates))


def _skipped_holidays(calendar: WorkingDayCalendar, start: date, end: date) -> str:
    """' (skipping Good Friday on 3 April 2026)', or '' when no bank holiday falls in the period."""
    skipped = [f"{name} on {format_date(d)}" for d, name in calendar.holidays_between(start, end)]
    if not skipped:
        return ""
    return f" (skipping {', '.join(skipped[:-1]) + ' and ' if len(skipped) > 1 else ''}{skipped[-1]})"
