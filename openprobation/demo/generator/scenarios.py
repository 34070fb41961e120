"""Compliance situations a case can be in, and how often each occurs.

A scenario decides where enforceable failures, absences awaiting evidence and missing outcomes fall in
a case's history; `enforcement.py` then answers the failures the way `supervision.rules` decides (a
warning first, a breach for a failure while a warning is live), so enforcement follows from the history.
"""

COMPLIANT = "compliant"
LIVE_WARNING = "live_warning"
BREACH = "breach"
BREACH_CONCLUDED = "breach_concluded"
IMMEDIATE_BREACH = "immediate_breach"
RECALL = "recall"
AWAITING_EVIDENCE = "awaiting_evidence"
EVIDENCE_OVERDUE = "evidence_overdue"
OUTCOMES_OVERDUE = "outcomes_overdue"
ENFORCEMENT_PENDING = "enforcement_pending"
WARNING_WITHDRAWN = "warning_withdrawn"

COMMUNITY_WEIGHTS = [
    (COMPLIANT, 54),
    (LIVE_WARNING, 14),
    (BREACH, 6),
    (BREACH_CONCLUDED, 4),
    (IMMEDIATE_BREACH, 1),
    (AWAITING_EVIDENCE, 3),
    (EVIDENCE_OVERDUE, 3),
    (OUTCOMES_OVERDUE, 9),
    (ENFORCEMENT_PENDING, 4),
    (WARNING_WITHDRAWN, 2),
]
LICENCE_WEIGHTS = [
    (COMPLIANT, 55),
    (LIVE_WARNING, 17),
    (RECALL, 4),
    (AWAITING_EVIDENCE, 4),
    (EVIDENCE_OVERDUE, 3),
    (OUTCOMES_OVERDUE, 10),
    (ENFORCEMENT_PENDING, 5),
    (WARNING_WITHDRAWN, 2),
]
PSS_WEIGHTS = [
    (COMPLIANT, 60),
    (LIVE_WARNING, 15),
    (AWAITING_EVIDENCE, 5),
    (EVIDENCE_OVERDUE, 5),
    (OUTCOMES_OVERDUE, 10),
    (ENFORCEMENT_PENDING, 5),
]
WEIGHTS = {"CO": COMMUNITY_WEIGHTS, "SSO": COMMUNITY_WEIGHTS, "LIC": LICENCE_WEIGHTS, "PSS": PSS_WEIGHTS}

# How long a case must have been running for its scenario's history to fit.
MIN_AGE_DAYS = {
    COMPLIANT: 3,
    LIVE_WARNING: 100,
    BREACH: 90,
    BREACH_CONCLUDED: 330,
    IMMEDIATE_BREACH: 30,
    RECALL: 290,
    AWAITING_EVIDENCE: 14,
    EVIDENCE_OVERDUE: 30,
    OUTCOMES_OVERDUE: 30,
    ENFORCEMENT_PENDING: 14,
    WARNING_WITHDRAWN: 60,
}

# The fixed demo practitioner's first cases, so every situation is one click away when signed in.
FIXED_PRACTITIONER_CASES = [
    (BREACH, "CO"),
    (LIVE_WARNING, "CO"),
    (AWAITING_EVIDENCE, "SSO"),
    (EVIDENCE_OVERDUE, "CO"),
    (OUTCOMES_OVERDUE, "LIC"),
    (RECALL, "LIC"),
    (LIVE_WARNING, "LIC"),
    (BREACH_CONCLUDED, "SSO"),
    (ENFORCEMENT_PENDING, "CO"),
    (WARNING_WITHDRAWN, "CO"),
    (IMMEDIATE_BREACH, "SSO"),
    (COMPLIANT, "CO"),
    (COMPLIANT, "LIC"),
    (COMPLIANT, "PSS"),
]
