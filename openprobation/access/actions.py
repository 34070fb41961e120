"""Every change to who may see what: limited-access lists and messages, partner shares, inspection samples.

Each action takes `by=`, runs in one transaction, validates (raising ValidationError keyed by form field where
a field is at fault) and writes an AuditEvent through `audit.record.record`. Entries are ended, never deleted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.people.models import Person

from . import permissions
from .models import CaseShare, Exclusion, InspectionSample, LimitedAccessMessages, Restriction, active_on

SAMPLE_MAX_PEOPLE = 1000


def _check_dates(start_date: datetime.date, end_date: datetime.date | None) -> None:
    if end_date is not None and end_date <= start_date:
        raise ValidationError({"end_date": "The end date must be after the start date"})


def _open_from(day):
    """Entries not over by `day`: ones still running on it or starting later."""
    return Q(end_date__isnull=True) | Q(end_date__gt=day)


def _refuse_stale(entry, expected_version: int) -> None:
    if entry.version != expected_version:
        raise ValidationError(
            "Someone else changed this entry while you were looking at it. Check it as it is now and try again."
        )


def _end(entry, *, by, today) -> datetime.date:
    """Set the entry's end to today (a future entry ends on its start date, so it never comes into force)."""
    if entry.end_date is not None and entry.end_date <= today:
        raise ValidationError("This entry has already ended.")
    end_date = max(today, entry.start_date)
    type(entry).objects.filter(pk=entry.pk).update(
        end_date=end_date, ended_by=by, ended_at=timezone.now(), version=F("version") + 1
    )
    entry.refresh_from_db()
    return end_date


def _summary(entry, **extra) -> dict:
    return {
        "start_date": entry.start_date,
        "end_date": entry.end_date,
        "reason": entry.reason,
        **extra,
    }


# ---------------------------------------------------------------------------
# Limited access: exclusions


def exclude_user(person: Person, *, user, start_date, end_date=None, reason="", by) -> Exclusion:
    """Bar `user` from seeing this case from `start_date` (until `end_date`, if given)."""
    _check_dates(start_date, end_date)
    if user.pk == by.pk:
        raise ValidationError({"user": "You cannot exclude yourself from a case"})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        clash = Exclusion.objects.filter(_open_from(start_date), person=person, user=user)
        if end_date is not None:
            clash = clash.filter(start_date__lt=end_date)
        if clash.exists():
            raise ValidationError({"user": f"{user} is already excluded from this case for some of those dates"})
        entry = Exclusion.objects.create(
            person=person, user=user, start_date=start_date, end_date=end_date, reason=reason, added_by=by
        )
        record("exclude_user", entry, by=by, crn=person.crn, **_summary(entry, user=user.username))
    return entry


def end_exclusion(entry: Exclusion, *, by, expected_version: int, today=None) -> Exclusion:
    today = today or timezone.localdate()
    with transaction.atomic():
        entry = Exclusion.objects.select_for_update().select_related("person", "user").get(pk=entry.pk)
        _refuse_stale(entry, expected_version)
        _end(entry, by=by, today=today)
        record("end_exclusion", entry, by=by, crn=entry.person.crn, **_summary(entry, user=entry.user.username))
    return entry


# ---------------------------------------------------------------------------
# Limited access: restrictions


def _still_listed(person, user, day, *, without=None) -> bool:
    """Is `user` on the restriction list of `person` from `day` on (leaving out the entry `without`)?"""
    entries = Restriction.objects.filter(_open_from(day), person=person, user=user, start_date__lte=day)
    if without is not None:
        entries = entries.exclude(pk=without.pk)
    return entries.exists()


def restrict_to_user(person: Person, *, user, start_date, end_date=None, reason="", by) -> Restriction:
    """Put `user` on the restriction list: while any restriction is in force, only listed users see the case.

    The one adding entries must be on the list themselves first, so that nobody locks themselves out.
    """
    _check_dates(start_date, end_date)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if user.pk != by.pk and not _still_listed(person, by, start_date):
            raise ValidationError({
                "user": "Add yourself to the restriction list first: once a restriction is in force, only the "
                        "people on the list can see or manage this case"
            })
        clash = Restriction.objects.filter(_open_from(start_date), person=person, user=user)
        if end_date is not None:
            clash = clash.filter(start_date__lt=end_date)
        if clash.exists():
            raise ValidationError({"user": f"{user} is already on the restriction list for some of those dates"})
        entry = Restriction.objects.create(
            person=person, user=user, start_date=start_date, end_date=end_date, reason=reason, added_by=by
        )
        record("restrict_case", entry, by=by, crn=person.crn, **_summary(entry, user=entry.user.username))
    return entry


def end_restriction(entry: Restriction, *, by, expected_version: int, today=None) -> Restriction:
    """Take a user off the restriction list. Refused if it would leave the one ending it locked out."""
    today = today or timezone.localdate()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=entry.person_id).first()
        entry = Restriction.objects.select_for_update().select_related("person", "user").get(pk=entry.pk)
        _refuse_stale(entry, expected_version)
        others = Restriction.objects.filter(active_on(today), person=entry.person).exclude(pk=entry.pk)
        if others.exists() and not _still_listed(entry.person, by, today, without=entry):
            raise ValidationError(
                "You would lose access to this case: other restrictions stay in force and you would not be on "
                "the list. End the others first, or ask someone on the list to do this."
            )
        _end(entry, by=by, today=today)
        record("end_restriction", entry, by=by, crn=entry.person.crn, **_summary(entry, user=entry.user.username))
    return entry


# ---------------------------------------------------------------------------
# Limited access: messages


def set_limited_access_messages(
    person: Person, *, exclusion_message: str, restriction_message: str, expected_version: int, by
) -> LimitedAccessMessages:
    """What excluded and restricted users are told when they try to open the case."""
    exclusion_message = exclusion_message.strip()
    restriction_message = restriction_message.strip()
    with transaction.atomic():
        current = LimitedAccessMessages.objects.select_for_update().filter(person=person).first()
        current_version = current.version if current else 0
        if expected_version != current_version:
            raise ValidationError(
                "Someone else changed these messages while you were editing them. Check them as they are now "
                "and try again."
            )
        before = {
            "exclusion_message": current.exclusion_message if current else "",
            "restriction_message": current.restriction_message if current else "",
        }
        after = {"exclusion_message": exclusion_message, "restriction_message": restriction_message}
        if current is None:
            current = LimitedAccessMessages.objects.create(person=person, updated_by=by, **after)
        else:
            LimitedAccessMessages.objects.filter(pk=current.pk).update(
                updated_by=by, updated_at=timezone.now(), version=F("version") + 1, **after
            )
            current.refresh_from_db()
        record("set_limited_access_messages", current, by=by, crn=person.crn, before=before, after=after)
    return current


# ---------------------------------------------------------------------------
# Sharing with public protection partners


def share_case(person: Person, *, partner, start_date, end_date=None, reason, by) -> CaseShare:
    """Let a partner agency user read this case (never change it) between the dates."""
    _check_dates(start_date, end_date)
    if not permissions.may_share_with(partner):
        raise ValidationError({"partner": "Cases can only be shared with an active public protection partner"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is being shared"})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        clash = CaseShare.objects.filter(_open_from(start_date), person=person, partner=partner)
        if end_date is not None:
            clash = clash.filter(start_date__lt=end_date)
        if clash.exists():
            raise ValidationError({"partner": f"The case is already shared with {partner} for some of those dates"})
        share = CaseShare.objects.create(
            person=person, partner=partner, start_date=start_date, end_date=end_date, reason=reason.strip(),
            added_by=by,
        )
        record("share_case", share, by=by, crn=person.crn, **_summary(share, partner=partner.username))
    return share


def end_case_share(share: CaseShare, *, by, expected_version: int, today=None) -> CaseShare:
    today = today or timezone.localdate()
    with transaction.atomic():
        share = CaseShare.objects.select_for_update().select_related("person", "partner").get(pk=share.pk)
        _refuse_stale(share, expected_version)
        _end(share, by=by, today=today)
        record("end_case_share", share, by=by, crn=share.person.crn, **_summary(share, partner=share.partner.username))
    return share


# ---------------------------------------------------------------------------
# Inspection samples


def create_inspection_sample(*, name, start_date, end_date, inspectors, crns, by) -> InspectionSample:
    """An inspection's sample: its inspectors may read its cases, read-only, from start_date until end_date."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the inspection"})
    if end_date is None:
        raise ValidationError({"end_date": "Enter the date the inspectors' access ends"})
    _check_dates(start_date, end_date)
    inspectors = list(inspectors)
    if not inspectors:
        raise ValidationError({"inspectors": "Choose at least one inspector"})
    not_inspectors = [str(u) for u in inspectors if not permissions.may_inspect(u)]
    if not_inspectors:
        raise ValidationError({"inspectors": f"Not an active inspector: {', '.join(not_inspectors)}"})
    wanted = sorted({crn.strip().upper() for crn in crns if crn.strip()})
    if not wanted:
        raise ValidationError({"crns": "Enter the CRNs of the cases in the sample"})
    if len(wanted) > SAMPLE_MAX_PEOPLE:
        raise ValidationError({"crns": f"A sample can hold at most {SAMPLE_MAX_PEOPLE} cases"})
    people = list(Person.objects.filter(crn__in=wanted).only("pk", "crn"))
    missing = sorted(set(wanted) - {p.crn for p in people})
    if missing:
        raise ValidationError({"crns": f"No case with CRN {', '.join(missing)}"})
    with transaction.atomic():
        sample = InspectionSample.objects.create(name=name, start_date=start_date, end_date=end_date, created_by=by)
        sample.inspectors.set(inspectors)
        sample.people.set(people)
        record(
            "create_inspection_sample", sample, by=by, name=name, start_date=start_date, end_date=end_date,
            inspectors=sorted(u.username for u in inspectors), crns=wanted,
        )
    return sample


def end_inspection_sample(sample: InspectionSample, *, by, expected_version: int, today=None) -> InspectionSample:
    """Stop the inspectors' access today."""
    today = today or timezone.localdate()
    with transaction.atomic():
        sample = InspectionSample.objects.select_for_update().get(pk=sample.pk)
        _refuse_stale(sample, expected_version)
        if sample.end_date <= today:
            raise ValidationError("This inspection's access has already ended.")
        before = sample.end_date
        end_date = max(today, sample.start_date)
        InspectionSample.objects.filter(pk=sample.pk).update(end_date=end_date, version=F("version") + 1)
        sample.refresh_from_db()
        record("end_inspection_sample", sample, by=by, name=sample.name, before={"end_date": before},
               after={"end_date": end_date})
    return sample
