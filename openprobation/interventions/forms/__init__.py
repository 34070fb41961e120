"""Forms for the services pages. They shape input; the rules live in ``interventions.actions``."""

from .contracts import ContractForm, ContractStatusForm
from .practitioner import (
    AmendForm,
    ProtectiveForm,
    ReferralForm,
    ReplacementForm,
    TransitionForm,
    WithdrawForm,
    WithdrawTransitionForm,
)
from .provider import (
    ActionPlanForm,
    AssessmentForm,
    AssignForm,
    EndOfServiceReportForm,
    FeedbackForm,
    LeaverForm,
    RescheduleSessionForm,
    SessionForm,
)

__all__ = [
    "ActionPlanForm",
    "AmendForm",
    "AssessmentForm",
    "AssignForm",
    "ContractForm",
    "ContractStatusForm",
    "EndOfServiceReportForm",
    "FeedbackForm",
    "LeaverForm",
    "ProtectiveForm",
    "ReferralForm",
    "ReplacementForm",
    "RescheduleSessionForm",
    "SessionForm",
    "TransitionForm",
    "WithdrawForm",
    "WithdrawTransitionForm",
]
