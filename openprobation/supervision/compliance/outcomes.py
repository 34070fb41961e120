"""What outcomes mean for compliance: conditions on Contact rows, and the dates counts start from.

The buckets are mutually exclusive: every National Standards appointment that has started falls in
exactly one of them, and all but the two rescheduled ones add up to the number of appointments.
The activity log's compliance filter and tags use the same conditions.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from openprobation.core.calendar import end_of_months_beginning_with

from ..models import Contact

# Outcome codes with a meaning the outcome flags do not carry.
SENT_HOME_CODES = frozenset({"ATSH", "ATSS"})
RESCHEDULED_BY_PERSON_CODES = frozenset({"RSOF"})

RESCHEDULED = Q(rescheduled_to__isnull=False) | Q(outcome__reschedule=True)
NOT_RESCHEDULED = Q(rescheduled_to__isnull=True) & (Q(outcome__isnull=True) | Q(outcome__reschedule=False))
# Who asked is recorded on the contact; older records only say it in the outcome code (RSOF).
RESCHEDULED_BY_PERSON = RESCHEDULED & (
    Q(reschedule_requested_by=Contact.RequestedBy.PERSON)
    | (Q(reschedule_requested_by="") & Q(outcome__code__in=RESCHEDULED_BY_PERSON_CODES))
)
RESCHEDULED_BY_SERVICE = RESCHEDULED & (
    Q(reschedule_requested_by=Contact.RequestedBy.SERVICE)
    | (
        Q(reschedule_requested_by="")
        & (Q(outcome__isnull=True) | ~Q(outcome__code__in=RESCHEDULED_BY_PERSON_CODES))
    )
)
NO_OUTCOME = NOT_RESCHEDULED & Q(outcome__isnull=True)
AWAITING_EVIDENCE = NOT_RESCHEDULED & Q(outcome__awaiting_evidence=True)
SENT_HOME = NOT_RESCHEDULED & Q(outcome__code__in=SENT_HOME_CODES)
_DECIDED = NOT_RESCHEDULED & Q(outcome__awaiting_evidence=False) & ~Q(outcome__code__in=SENT_HOME_CODES)
COMPLIED = _DECIDED & Q(outcome__attended=True, outcome__acceptable=True)
FAILED_TO_COMPLY = _DECIDED & Q(outcome__attended=True, outcome__acceptable=False)
ACCEPTABLE_ABSENCE = _DECIDED & Q(outcome__attended=False, outcome__acceptable=True)
UNACCEPTABLE_ABSENCE = _DECIDED & Q(outcome__attended=False, outcome__acceptable=False)
# An unacceptable failure: what the failure-to-comply count and enforcement answer.
FAILURE = NOT_RESCHEDULED & Q(outcome__enforceable=True)
# Runs of kept appointments: attended and acceptable (being sent home for service reasons does not end
# a run; being sent home for behaviour does).  An acceptable absence neither adds to a run nor ends it.
IN_A_RUN = (
    NOT_RESCHEDULED
    & Q(outcome__awaiting_evidence=False)
    & (Q(outcome__attended=True) | Q(outcome__acceptable=False))
)
KEPT = Q(outcome__attended=True, outcome__acceptable=True)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counting_moment(today: datetime.date, now: datetime.datetime | None = None) -> datetime.datetime:
    """Appointments starting before this moment have happened: now, or the end of a day in the past."""
    if now is not None:
        return now
    current = timezone.now()
    if timezone.localdate(current) == today:
        return current
    return local_midnight(today + datetime.timedelta(days=1))


def twelve_months_ending(today: datetime.date) -> datetime.date:
    """The first day of the 12 months ending with ``today`` (10 March 2025 for 9 March 2026)."""
    tomorrow = today + datetime.timedelta(days=1)
    try:
        start = tomorrow.replace(year=tomorrow.year - 1)
    except ValueError:  # tomorrow is 29 February: the period begins on 1 March a year earlier
        start = datetime.date(tomorrow.year - 1, 3, 1)
    assert end_of_months_beginning_with(start, 12) == today
    return start
