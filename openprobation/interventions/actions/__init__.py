"""Every change to providers, contracts, referrals, sessions and transitions.

Each action takes the acting user as ``by=``, runs in one transaction, raises ``ValidationError`` (keyed by
the parameter at fault where there is one), writes an AuditEvent and, where protection may be affected,
runs the protective-service sweep over what changed once the transaction commits.
"""

from .common import STALE_MESSAGE
from .continuity import record_replacement, record_transition, withdraw_transition
from .contracts import change_contract_status, create_contract
from .delivery import (
    assign_referral,
    enforceable_outcome_code,
    record_caseworker_left,
    record_initial_assessment,
    record_session_feedback,
    schedule_session,
    submit_action_plan,
    submit_end_of_service_report,
)
from .referrals import (
    AMENDABLE,
    SESSIONS_PER_WEEK_CHOICES,
    amend_referral,
    approve_action_plan,
    create_referral,
    send_referral,
    set_protective,
    withdraw_referral,
)
from .rescheduling import reschedule_session

__all__ = [
    "AMENDABLE",
    "SESSIONS_PER_WEEK_CHOICES",
    "STALE_MESSAGE",
    "amend_referral",
    "approve_action_plan",
    "assign_referral",
    "change_contract_status",
    "create_contract",
    "create_referral",
    "enforceable_outcome_code",
    "record_caseworker_left",
    "record_initial_assessment",
    "record_replacement",
    "record_session_feedback",
    "record_transition",
    "reschedule_session",
    "schedule_session",
    "send_referral",
    "set_protective",
    "submit_action_plan",
    "submit_end_of_service_report",
    "withdraw_referral",
    "withdraw_transition",
]
