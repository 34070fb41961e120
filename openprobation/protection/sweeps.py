"""The daily sweep for risk flag reviews: an overdue review becomes an alert on the practitioner's list.

``sweep_registration_reviews(today)`` (for ``settings.OPENPROBATION["SWEEPS"]``) walks the active flags that
have a review date, in batches by primary key, and keeps one alert per flag whose review date has passed
(reason ``registration_review_overdue``, subject ``registration:<id>``), through ``alerts.sync.sync_alerts``:
idempotent, a fixed number of queries per batch, an alert answered by a decision is not raised again for
the same missed date. A flag that has since been reviewed or removed has its open alert marked cleared.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from openprobation.alerts.models import Alert, Severity
from openprobation.alerts.routing import owner_of, team_managers
from openprobation.alerts.sync import AlertSpec, sync_alerts
from openprobation.core.calendar import format_date

from .models import FlagLevel, Registration

REASON = "registration_review_overdue"
BATCH_SIZE = 2000
GRACE_DAYS = 14  # the practitioner's time to review before the alert itself is overdue and escalates


def subject_key(registration_id: int) -> str:
    return f"registration:{registration_id}"


def spec_for(registration: Registration, today: date, *, managers) -> AlertSpec | None:
    person = registration.person
    owner = owner_of(person, managers)
    if owner is None:
        return None
    name = registration.register_type.description
    days = (today - registration.next_review_date).days
    level = f" ({registration.level_label})" if registration.level else ""
    return AlertSpec(
        person=person, subject_key=subject_key(registration.pk), owner=owner,
        due=registration.next_review_date + timedelta(days=GRACE_DAYS),
        title=f"{name} flag review overdue",
        summary=(f"The {name}{level} flag was due for review on {format_date(registration.next_review_date)}, "
                 f"{days} day{'s' if days != 1 else ''} ago."),
        next_step="Review the flag: record what the review found and the next review date, or remove the flag "
                  "if it no longer applies.",
        onset=registration.next_review_date,
        severity=Severity.HIGH if registration.register_type.flag_level == FlagLevel.HIGH else Severity.ROUTINE,
        evidence={"registration": registration.pk, "type": registration.register_type.code,
                  "next_review_date": registration.next_review_date},
    )


def _sync_batch(batch: list[Registration], today: date, counts: Counter) -> None:
    managers = team_managers({r.person.team_id for r in batch})
    examined = {subject_key(r.pk): r.person_id for r in batch}
    specs = []
    for registration in batch:
        if registration.active and registration.next_review_date and registration.next_review_date < today:
            spec = spec_for(registration, today, managers=managers)
            if spec is None:
                counts["no_owner"] += 1
            else:
                specs.append(spec)
    counts.update(sync_alerts(reason=REASON, examined=examined, specs=specs, today=today))
    counts["examined"] += len(batch)


def sweep_registration_reviews(today: date | str | None = None, *, person_ids=None,
                               batch_size: int = BATCH_SIZE) -> dict:
    """Raise, refresh or clear the overdue-review alerts of every active flag (or of these people's)."""
    today = date.fromisoformat(today) if isinstance(today, str) else (today or timezone.localdate())
    counts: Counter = Counter()
    flags = (Registration.objects.filter(deregistered_on__isnull=True, next_review_date__isnull=False)
             .select_related("person__practitioner", "register_type").order_by("pk"))
    # Flags removed, or left without a review date, while their alert was open: examined so it is cleared.
    open_alert = Alert.objects.filter(
        person_id=OuterRef("person_id"), reason=REASON, closed_at__isnull=True,
        subject_key=Concat(Value("registration:"), Cast(OuterRef("pk"), output_field=CharField())))
    stale = (Registration.objects.exclude(deregistered_on__isnull=True, next_review_date__isnull=False)
             .filter(Exists(open_alert))
             .select_related("person__practitioner", "register_type").order_by("pk"))
    if person_ids is not None:
        flags, stale = flags.filter(person_id__in=person_ids), stale.filter(person_id__in=person_ids)
    for queryset in (flags, stale):
        last = 0
        while True:
            batch = list(queryset.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            counts["batches"] += 1
            _sync_batch(batch, today, counts)
    return dict(counts)
