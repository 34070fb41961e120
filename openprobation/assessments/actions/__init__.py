"""Every change to assessments, the sentence plan and the person's requests.

Views, the demo generator and other apps call these; each takes the acting user as ``by=``, runs in one
transaction, validates with ``ValidationError`` and writes an AuditEvent.
"""

from .assessments import (
    complete_assessment,
    countersign_assessment,
    current_assessment,
    missing_sections,
    return_assessment,
    start_assessment,
    suggested_review_date,
    update_need,
    update_predictors,
    update_risk_to_self,
    update_rosh,
)
from .external import record_external_assessment, set_aside_external_assessment
from .plan import (
    add_goal,
    add_step,
    change_goal_status,
    countersign_plan,
    plan_countersignature_reason,
    record_agreement,
    record_plan_review,
    update_goal,
    update_step,
)
from .predictors import calculate_ogrs3_for
from .requests import (
    answer_request,
    link_request_to_referral,
    link_request_to_step,
    mark_request_met,
    record_request,
)

__all__ = [
    "add_goal", "add_step", "answer_request", "calculate_ogrs3_for", "change_goal_status", "complete_assessment",
    "countersign_assessment", "countersign_plan", "current_assessment", "link_request_to_referral",
    "link_request_to_step", "mark_request_met", "missing_sections", "plan_countersignature_reason",
    "record_agreement", "record_external_assessment", "record_plan_review", "record_request",
    "return_assessment", "set_aside_external_assessment", "start_assessment", "suggested_review_date",
    "update_goal", "update_need", "update_predictors", "update_risk_to_self", "update_rosh", "update_step",
]
