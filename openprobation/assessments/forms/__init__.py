from .assessment import (
    CompleteForm,
    CountersignForm,
    ExternalAssessmentForm,
    NeedForm,
    OGRS3Form,
    PredictorsForm,
    ReconcileForm,
    RiskToSelfForm,
    RoshForm,
    SetAsideForm,
    StartForm,
)
from .plan import (
    AgreementForm,
    AnswerForm,
    GoalForm,
    GoalStatusForm,
    LinkReferralForm,
    LinkStepForm,
    MetForm,
    PlanCountersignForm,
    PlanReviewForm,
    RequestForm,
    StepForm,
)

__all__ = [
    "AgreementForm", "AnswerForm", "CompleteForm", "CountersignForm", "ExternalAssessmentForm", "GoalForm",
    "GoalStatusForm", "LinkReferralForm", "LinkStepForm", "MetForm", "NeedForm", "OGRS3Form", "PlanCountersignForm",
    "PlanReviewForm", "PredictorsForm", "ReconcileForm", "RequestForm", "RiskToSelfForm", "RoshForm",
    "SetAsideForm", "StartForm", "StepForm",
]
