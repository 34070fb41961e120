"""Protective-service continuity: pure rules over plain data.

A practitioner marks a referral as protective (it manages a risk factor) and says how often it must
happen. ``assess(service, today)`` says whether that protection is at risk, why, with the evidence,
how urgent it is and whether a manager must know:

- no session has happened for longer than the expected interval plus a tolerance;
- the contract behind it is suspended, in dispute, ended, or ends within 14 days;
- the referral was cancelled or ended early and nothing replaced it;
- the provider caseworker left and nobody took the referral over.

At a critical transition (leaving approved premises, licence start, change of address, end of a
requirement: any within 14 days either side of today) the tolerance is dropped, so a lapse is noticed
sooner, and any alert goes to the manager as well. No database, no request: the sweep
(``interventions.sweeps``) builds the data and acts on the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from openprobation.core.calendar import WorkingDayCalendar, default_calendar, format_date

# The tolerance on top of the expected interval between sessions: half the interval, at least 2 days.
TOLERANCE_SHARE = 0.5
MIN_TOLERANCE_DAYS = 2
# A transition this many days ahead or behind tightens the threshold and escalates any alert.
TRANSITION_WINDOW_DAYS = 14
# A contract ending within this many days puts every service depending on it at risk.
CONTRACT_ENDING_DAYS = 14
# Working days the practitioner has to answer an alert: sooner at a critical transition.
DUE_WORKING_DAYS = 2
DUE_WORKING_DAYS_AT_TRANSITION = 1


class ContractState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    IN_DISPUTE = "in_dispute"
    ENDED = "ended"


class ReferralState(StrEnum):
    LIVE = "live"  # sent and not concluded
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"  # cancelled or ended early


class Code(StrEnum):
    NO_RECENT_SESSION = "no_recent_session"
    CONTRACT_SUSPENDED = "contract_suspended"
    CONTRACT_IN_DISPUTE = "contract_in_dispute"
    CONTRACT_ENDING = "contract_ending"
    CONTRACT_ENDED = "contract_ended"
    REFERRAL_WITHDRAWN = "referral_withdrawn"
    CASEWORKER_LEFT = "caseworker_left"


class Severity(StrEnum):
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True)
class TransitionDate:
    kind: str  # a TransitionKind value, or "licence_start", "address", "requirement_end"
    label: str  # "Leaving approved premises", "Licence start", ...
    on: date


@dataclass(frozen=True)
class ProtectiveService:
    """Everything the rules need about one protective referral, as plain values."""

    referral: str  # its reference, e.g. R0000042
    service: str  # the contract's service name
    provider: str
    contract: str  # the contract reference
    contract_state: ContractState
    contract_state_since: date
    contract_end: date
    referral_state: ReferralState
    protective_since: date
    sessions_per_week: float
    last_session: date | None = None
    withdrawn_on: date | None = None
    withdrawn_reason: str = ""
    replaced: bool = False
    caseworker: str = ""
    caseworker_left_on: date | None = None
    transitions: tuple[TransitionDate, ...] = ()

    def __post_init__(self):
        if not self.sessions_per_week > 0:
            raise ValueError("A protective service needs an expected frequency above zero.")
        if self.referral_state == ReferralState.WITHDRAWN and self.withdrawn_on is None:
            raise ValueError("A withdrawn referral needs the date it was withdrawn.")


@dataclass(frozen=True)
class Reason:
    code: Code
    text: str
    since: date  # when the problem began: a decision recorded after this answers it
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...]
    threshold_days: int  # the longest gap between sessions accepted today
    expected_interval_days: float
    transition: TransitionDate | None  # the critical transition in the window, if any
    escalate: bool
    escalation_reason: str
    severity: Severity
    due: date
    last_session: date | None

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def onset(self) -> date | None:
        """When the newest problem began; None when there is none."""
        return max((reason.since for reason in self.reasons), default=None)


def expected_interval_days(sessions_per_week: float) -> float:
    return 7 / sessions_per_week


def gap_threshold_days(sessions_per_week: float, *, tightened: bool) -> int:
    """The longest gap in days between sessions that is not yet a lapse."""
    interval = expected_interval_days(sessions_per_week)
    if tightened:
        return max(1, math.ceil(interval))
    tolerance = max(MIN_TOLERANCE_DAYS, interval * TOLERANCE_SHARE)
    return math.ceil(interval + tolerance)


def frequency_words(sessions_per_week: float) -> str:
    """'twice a week', 'once a fortnight', '3 times a week'."""
    per_week = float(sessions_per_week)
    if per_week == 1:
        return "once a week"
    if per_week == 2:
        return "twice a week"
    if per_week > 1 and per_week == int(per_week):
        return f"{int(per_week)} times a week"
    if per_week == 0.5:
        return "once a fortnight"
    if per_week == 0.25:
        return "once every 4 weeks"
    return f"{per_week:g} times a week"


def critical_transition(transitions, today: date) -> TransitionDate | None:
    """The transition within the window nearest to today (an upcoming one wins a tie)."""
    window = timedelta(days=TRANSITION_WINDOW_DAYS)
    near = [t for t in transitions if today - window <= t.on <= today + window]
    if not near:
        return None
    return min(near, key=lambda t: (abs((t.on - today).days), t.on < today, t.label))


def _when(transition: TransitionDate, today: date) -> str:
    days = (transition.on - today).days
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} ago"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _session_gap(service: ProtectiveService, today: date, threshold: int) -> Reason | None:
    if service.referral_state != ReferralState.LIVE:
        return None
    counted_from = max(filter(None, [service.last_session, service.protective_since]))
    gap = (today - counted_from).days
    if gap <= threshold:
        return None
    since = counted_from + timedelta(days=threshold + 1)
    expected = frequency_words(service.sessions_per_week)
    # The words and evidence stay the same from one day to the next while nothing changes, so a daily
    # sweep does not rewrite the alert; pages work out "how many days ago" when they show it.
    if service.last_session is None:
        text = (f"No session with {service.provider} has happened since it became protective on "
                f"{format_date(counted_from)}; it is expected {expected}, so the longest accepted gap is "
                f"{_days(threshold)}.")
    else:
        text = (f"No session with {service.provider} since {format_date(service.last_session)}; it is expected "
                f"{expected}, so the longest accepted gap is {_days(threshold)}.")
    return Reason(Code.NO_RECENT_SESSION, text, since, {
        "last_session": service.last_session, "threshold_days": threshold,
        "expected_per_week": float(service.sessions_per_week),
    })


def _contract(service: ProtectiveService, today: date) -> Reason | None:
    if service.referral_state != ReferralState.LIVE:
        return None
    name = f"The contract {service.contract} ({service.service}, {service.provider})"
    evidence = {"contract": service.contract, "contract_status": str(service.contract_state),
                "contract_status_since": service.contract_state_since, "contract_end": service.contract_end}
    state, since = service.contract_state, service.contract_state_since
    if state == ContractState.IN_DISPUTE:
        return Reason(Code.CONTRACT_IN_DISPUTE, f"{name} has been in dispute since {format_date(since)}.",
                      since, evidence)
    if state == ContractState.SUSPENDED:
        return Reason(Code.CONTRACT_SUSPENDED, f"{name} has been suspended since {format_date(since)}.",
                      since, evidence)
    if state == ContractState.ENDED or service.contract_end < today:
        ended = since if state == ContractState.ENDED else service.contract_end
        return Reason(Code.CONTRACT_ENDED, f"{name} ended on {format_date(ended)}, but the referral is still open.",
                      ended, evidence)
    if service.contract_end <= today + timedelta(days=CONTRACT_ENDING_DAYS):
        return Reason(Code.CONTRACT_ENDING,
                      f"{name} ends on {format_date(service.contract_end)}, within {CONTRACT_ENDING_DAYS} days.",
                      service.contract_end - timedelta(days=CONTRACT_ENDING_DAYS), evidence)
    return None


def _withdrawn(service: ProtectiveService) -> Reason | None:
    if service.referral_state != ReferralState.WITHDRAWN or service.replaced:
        return None
    why = f" ({service.withdrawn_reason})" if service.withdrawn_reason else ""
    return Reason(
        Code.REFERRAL_WITHDRAWN,
        f"The referral {service.referral} was ended on {format_date(service.withdrawn_on)}{why} and nothing "
        "has replaced it.",
        service.withdrawn_on,
        {"withdrawn_on": service.withdrawn_on, "withdrawn_reason": service.withdrawn_reason},
    )


def _caseworker(service: ProtectiveService, today: date) -> Reason | None:
    left = service.caseworker_left_on
    if service.referral_state != ReferralState.LIVE or left is None or left > today:
        return None
    return Reason(
        Code.CASEWORKER_LEFT,
        f"The caseworker {service.caseworker} left {service.provider} on {format_date(left)} and nobody has "
        "taken the referral over.",
        left,
        {"caseworker": service.caseworker, "left_on": left},
    )


def assess(service: ProtectiveService, today: date, calendar: WorkingDayCalendar | None = None) -> Verdict:
    calendar = calendar or default_calendar()
    transition = critical_transition(service.transitions, today)
    threshold = gap_threshold_days(service.sessions_per_week, tightened=transition is not None)
    if service.replaced or service.referral_state == ReferralState.COMPLETED:
        found = ()  # the protection passed to a replacement, or the service finished as planned
    else:
        found = tuple(
            reason
            for reason in (
                _contract(service, today),
                _withdrawn(service),
                _caseworker(service, today),
                _session_gap(service, today, threshold),
            )
            if reason is not None
        )
    escalate = bool(found) and transition is not None
    escalation_reason = (
        f"{transition.label} on {format_date(transition.on)}, {_when(transition, today)}: "
        "the protective service must not lapse now." if escalate else ""
    )
    working_days = DUE_WORKING_DAYS_AT_TRANSITION if transition is not None else DUE_WORKING_DAYS
    return Verdict(
        reasons=found,
        threshold_days=threshold,
        expected_interval_days=expected_interval_days(service.sessions_per_week),
        transition=transition,
        escalate=escalate,
        escalation_reason=escalation_reason,
        severity=Severity.CRITICAL if transition is not None else Severity.HIGH,
        due=calendar.add_working_days(today, working_days),
        last_session=service.last_session,
    )


# --- service levels of the referral lifecycle -------------------------------------------------------

INITIAL_ASSESSMENT_WORKING_DAYS = 10
ACTION_PLAN_WORKING_DAYS = 5
END_OF_SERVICE_REPORT_WORKING_DAYS = 5


def initial_assessment_due(sent_on: date, calendar: WorkingDayCalendar | None = None) -> date:
    """The initial assessment is due within 10 working days of the referral being sent."""
    return (calendar or default_calendar()).add_working_days(sent_on, INITIAL_ASSESSMENT_WORKING_DAYS)


def action_plan_due(assessed_on: date, calendar: WorkingDayCalendar | None = None) -> date:
    """The action plan is due within 5 working days of the initial assessment."""
    return (calendar or default_calendar()).add_working_days(assessed_on, ACTION_PLAN_WORKING_DAYS)


def end_of_service_report_due(ended_on: date, calendar: WorkingDayCalendar | None = None) -> date:
    """The end-of-service report is due within 5 working days of the last session or the early end."""
    return (calendar or default_calendar()).add_working_days(ended_on, END_OF_SERVICE_REPORT_WORKING_DAYS)
