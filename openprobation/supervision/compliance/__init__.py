"""Compliance read models: the per-order compliance page and the caseload status column.

Two entry points, both read-only and both a fixed number of queries however long the history:

``order_compliance(person, today, *, now=None) -> list[OrderCompliance]``
    One ``OrderCompliance`` per order or licence of the person (active first, then previous), with
    the activity counts, the failure-to-comply count since the last breach, live warnings, breach or
    recall proceedings, overdue items and the positive side of the record (attendance, runs of
    complied appointments).  Eight queries (nine when a breach-required candidate turns up).

``caseload_compliance(person_ids, today, *, now=None) -> dict[int, ComplianceStatus]``
    One ``ComplianceStatus`` per person for a caseload list: a single GOV.UK tag (label, colour,
    priority, detail) and the number of outcomes to record.  At most three queries for any list.

Only National Standards appointments count towards compliance (domain.md §2.3).  An appointment
counts once it has started: before ``now``, which defaults to the current time when ``today`` is the
current date and to the end of ``today`` otherwise.  Whether a failure calls for breach is decided by
``supervision.rules.decide_enforcement``, so these pages and the outcome journey cannot disagree.
See docs/activity-and-compliance.md.
"""

from .breach import BreachRequired, breach_required_on
from .caseload import ComplianceStatus, caseload_compliance
from .orders import (
    ActivityCounts,
    Engagement,
    LiveWarning,
    OrderCompliance,
    OverdueItem,
    Progress,
    order_compliance,
)
from .outcomes import counting_moment, local_midnight, twelve_months_ending

__all__ = [
    "ActivityCounts",
    "BreachRequired",
    "ComplianceStatus",
    "Engagement",
    "LiveWarning",
    "OrderCompliance",
    "OverdueItem",
    "Progress",
    "breach_required_on",
    "caseload_compliance",
    "counting_moment",
    "local_midnight",
    "order_compliance",
    "twelve_months_ending",
]
