"""Configurable periods for assessments, plans, requests and the tier notice.

Each can be overridden in ``settings.OPENPROBATION["ASSESSMENTS"]`` (a dict with the same keys); the
defaults below are ours, chosen where no national standard could be verified (see docs/assessments.md).
"""

from django.conf import settings

DEFAULTS = {
    # A draft assessment older than this many days is "incomplete work" in the attention lists.
    "DRAFT_OVERDUE_DAYS": 14,
    # A case with a current order or licence needs a completed assessment within this many working days of
    # its start (the 2007 National Standards' 15 working days for a sentence plan).
    "ASSESSMENT_DUE_WORKING_DAYS": 15,
    # The review date offered when an assessment is completed, by overall risk of serious harm (months).
    "REVIEW_MONTHS": {"low": 6, "medium": 6, "high": 3, "very_high": 3},
    # How long a plan version stays current before a review is due (months), unless the review sets a date.
    "PLAN_REVIEW_MONTHS": 6,
    # A request still unanswered after this many days raises an alert to the practitioner.
    "REQUEST_UNANSWERED_DAYS": 14,
    # Other assessments and reports count as current for conflict checks for this many days after their date.
    "EXTERNAL_CURRENT_DAYS": 730,
    # Two risk of serious harm conclusions conflict when they are at least this many levels apart.
    "CONFLICT_LEVELS": 1,
    # "Tier changed from X to Y" shows on the case overview for this many days after the change.
    "TIER_CHANGE_NOTICE_DAYS": 14,
    # An alert to countersign is due this many days after the work was sent for countersignature.
    "COUNTERSIGN_DUE_DAYS": 5,
}


def setting(name: str):
    overrides = getattr(settings, "OPENPROBATION", {}).get("ASSESSMENTS", {})
    return overrides.get(name, DEFAULTS[name])
