"""Every change to appointments, contacts, outcomes, notes and enforcement.

Each action takes the acting user as ``by=``, runs in one transaction, raises ``ValidationError``
(keyed by the parameter at fault where there is one) and writes one AuditEvent.  Editable contacts
carry ``version``: actions that change one take the version the user saw and refuse a stale one.
"""

from .appointments import (
    PlannedAppointment,
    add_note,
    arrange_appointments,
    plan_appointments,
    record_contact,
    repeat_dates,
    reschedule_appointment,
)
from .common import STALE_MESSAGE
from .outcomes import enforcement_summary, record_outcome, take_enforcement_action

__all__ = [
    "STALE_MESSAGE",
    "PlannedAppointment",
    "add_note",
    "arrange_appointments",
    "enforcement_summary",
    "plan_appointments",
    "record_contact",
    "record_outcome",
    "repeat_dates",
    "reschedule_appointment",
    "take_enforcement_action",
]
