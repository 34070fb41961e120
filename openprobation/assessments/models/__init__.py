from .assessment import (
    COUNTERSIGN_LEVELS,
    ROSH_MEANING,
    ROSH_ORDER,
    Assessment,
    Concern,
    Motivation,
    NeedArea,
    NeedRating,
    PredictorType,
    ProblemLevel,
    RiskGroup,
    RiskToSelf,
    RoshLevel,
    RoshRating,
    Setting,
    Severity,
    SrpBand,
    YesNoUnknown,
    highest_rosh,
    rosh_rank,
)
from .external import ExternalAssessment
from .plan import Goal, PersonRequest, PlanReview, PlanVersion, Step
from .tier import TierCalculation

__all__ = [
    "COUNTERSIGN_LEVELS", "ROSH_MEANING", "ROSH_ORDER", "Assessment", "Concern", "ExternalAssessment", "Goal",
    "Motivation", "NeedArea", "NeedRating", "PersonRequest", "PlanReview", "PlanVersion", "PredictorType",
    "ProblemLevel", "RiskGroup", "RiskToSelf", "RoshLevel", "RoshRating", "Setting", "Severity", "SrpBand",
    "Step", "TierCalculation", "YesNoUnknown", "highest_rosh", "rosh_rank",
]
