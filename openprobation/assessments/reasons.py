"""Alert reason codes raised by the assessments app (alerts.Alert.reason), with their subject keys."""

COUNTERSIGN = "assessment_countersignature"  # subject assessment:<id>; owner the team manager
RETURNED = "assessment_returned"  # subject assessment:<id>; owner the author
DRAFT_OVERDUE = "assessment_draft_overdue"  # subject assessment:<id>
REVIEW_OVERDUE = "assessment_review_overdue"  # subject assessment:<id>
MISSING = "assessment_missing"  # subject sentence:<id>
CONFLICT = "assessments_conflict"  # subject conflict:<key>-<key>
PLAN_COUNTERSIGN = "plan_countersignature"  # subject plan:<id>
PLAN_REVIEW_OVERDUE = "plan_review_overdue"  # subject plan:<id>
REQUEST_UNANSWERED = "request_unanswered"  # subject request:<id>

ALL = (COUNTERSIGN, RETURNED, DRAFT_OVERDUE, REVIEW_OVERDUE, MISSING, CONFLICT, PLAN_COUNTERSIGN,
       PLAN_REVIEW_OVERDUE, REQUEST_UNANSWERED)


def assessment_subject(assessment_id) -> str:
    return f"assessment:{assessment_id}"


def plan_subject(plan_id) -> str:
    return f"plan:{plan_id}"


def request_subject(request_id) -> str:
    return f"request:{request_id}"


def sentence_subject(sentence_id) -> str:
    return f"sentence:{sentence_id}"
