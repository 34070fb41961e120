"""The daily sweep for risk flag reviews: an overdue review becomes an alert on the practitioner's list.

``sweep_registration_reviews(today)`` (for ``settings.OPENPROBATION["SWEEPS"]``) walks the people in batches
(``alerts.sync.person_batches``: ranges of person ids) and keeps one alert per active flag whose review date
has passed (reason ``registration_review_overdue``, subject ``registration:<id>``), through
``alerts.sync.sync_people_alerts``. Each batch costs a fixed number of queries: its overdue flags (with their
people and types) and the open alerts of this reason for its people; nothing more when nothing changed. So
only overdue flags are read, not every flag with a review date.

Every open alert of the reason for the batch's people is examined: one whose flag has since been reviewed
(its next review date moved on), removed, left without a review date or deleted is marked cleared, never
closed. An alert answered by a decision is not raised again for the same missed date (its onset is the
review date). A flag whose case has nobody to own its alert keeps the alert it has (counted ``no_owner``).

The wording holds dates, not day counts ("was due for review on 1 November 2026 and has not been reviewed
since"), so an overdue alert reads the same every day and the daily run writes nothing for it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from openprobation.alerts.models import Severity
from openprobation.alerts.routing import owner_of, team_managers
from openprobation.alerts.sync import AlertSpec, person_batches, sync_people_alerts
from openprobation.core.calendar import format_date
from openprobation.staff.models import Team

from .models import FlagLevel, Registration

REASON = "registration_review_overdue"
BATCH_SIZE = 2000
GRACE_DAYS = 14  # the practitioner's time to review before the alert itself is overdue and escalates


def subject_key(registration_id: int) -> str:
    return f"registration:{registration_id}"


def spec_for(registration: Registration, today: date | None = None, *, managers) -> AlertSpec:
    """The alert an overdue flag review calls for; its owner is None when the case has nobody to own it.
    The words hold dates only, so they are the same whatever day the sweep runs (``today`` is unused)."""
    person = registration.person
    name = registration.register_type.description
    level = f" ({registration.level_label})" if registration.level else ""
    return AlertSpec(
        person=person, subject_key=subject_key(registration.pk), owner=owner_of(person, managers),
        due=registration.next_review_date + timedelta(days=GRACE_DAYS),
        title=f"{name} flag review overdue",
        summary=(f"The {name}{level} flag was due for review on {format_date(registration.next_review_date)} "
                 "and has not been reviewed since."),
        next_step="Review the flag: record what the review found and the next review date, or remove the flag "
                  "if it no longer applies.",
        onset=registration.next_review_date,
        severity=Severity.HIGH if registration.register_type.flag_level == FlagLevel.HIGH else Severity.ROUTINE,
        evidence={"registration": registration.pk, "type": registration.register_type.code,
                  "next_review_date": registration.next_review_date},
        reason=REASON,
    )


def sweep_registration_reviews(today: date | str | None = None, *, person_ids=None,
                               batch_size: int = BATCH_SIZE) -> dict:
    """Raise, refresh or clear the overdue-review alerts of every active flag (or of these people's)."""
    today = date.fromisoformat(today) if isinstance(today, str) else (today or timezone.localdate())
    counts: Counter = Counter()
    managers = team_managers(Team.objects.values_list("pk", flat=True))
    for people in person_batches(person_ids, batch_size):
        overdue = list(Registration.objects.filter(people, deregistered_on__isnull=True,
                                                   next_review_date__lt=today)
                       .select_related("person__practitioner", "register_type").order_by("pk"))
        specs = [spec_for(registration, today, managers=managers) for registration in overdue]
        counts.update(sync_people_alerts(reasons=[REASON], people=people, specs=specs, today=today))
        counts["batches"] += 1
        counts["overdue"] += len(overdue)
    return dict(counts)
