"""Add, review and remove registrations ("risk flags"). Every change is audited."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from openprobation.access import permissions
from openprobation.audit.record import record
from openprobation.sentences.rules import add_months

from .models import RegisterType, Registration, RegistrationReview

PART = "risk-flags"  # the access part of the case these pages and actions touch
ROSH_CODES = {"very_high": "RVHR", "high": "RHRH", "medium": "RMRH", "low": "RLRH"}


def may_change_registrations(user) -> bool:
    """The access matrix decides: flags are case record (practitioners, managers, case administrators)."""
    return permissions.is_signed_in_staff(user) and permissions.may_change_part(user, PART)


def _recalculate_tier_after_commit(person, *, by, trigger: str):
    """Registrations are tier inputs (imported here: the assessments app imports this one)."""
    from openprobation.assessments.tiering.calculate import recalculate_tier_after_commit

    recalculate_tier_after_commit(person, by=by, trigger=trigger)


def _check_may_change(user):
    if not may_change_registrations(user):
        raise PermissionDenied("Your role cannot change risk flags.")


def suggested_review_date(register_type: RegisterType, since: datetime.date) -> datetime.date | None:
    return add_months(since, register_type.review_months) if register_type.review_months else None


def _check_level_and_category(register_type: RegisterType, level: str, category: str) -> dict:
    errors = {}
    allowed_levels = {code for code, _ in register_type.levels}
    allowed_categories = {code for code, _ in register_type.categories}
    if level and level not in allowed_levels:
        errors["level"] = f"{register_type} does not have a level {level}" if allowed_levels else \
            f"{register_type} does not take a level"
    elif not level and register_type.level_required:
        errors["level"] = f"Select the {register_type} level"
    if category and category not in allowed_categories:
        errors["category"] = f"{register_type} does not have a category {category}" if allowed_categories else \
            f"{register_type} does not take a category"
    elif not category and register_type.category_required:
        errors["category"] = f"Select the {register_type} category"
    return errors


def _check_version(registration: Registration, expected_version: int | None):
    if expected_version is not None and registration.version != expected_version:
        raise ValidationError("Someone else changed this flag while you were working on it. "
                              "Check the flag as it is now and try again.")


def add_registration(person, *, by, register_type: RegisterType, registered_on: datetime.date, level: str = "",
                     category: str = "", next_review_date: datetime.date | None = None, notes: str = "",
                     today: datetime.date | None = None) -> Registration:
    """Register a flag on the case. Without a review date, the type's review period sets one."""
    _check_may_change(by)
    today = today or datetime.date.today()
    errors = {}
    if not register_type.selectable:
        errors["register_type"] = f"{register_type} is no longer used: choose another type"
    if registered_on > today:
        errors["registered_on"] = "The registration date must be today or in the past"
    elif registered_on < person.date_of_birth:
        errors["registered_on"] = "The registration date must be after the person's date of birth"
    errors.update(_check_level_and_category(register_type, level, category))
    if next_review_date is None and "registered_on" not in errors:
        next_review_date = suggested_review_date(register_type, registered_on)
    if next_review_date is not None and next_review_date < registered_on:
        errors["next_review_date"] = "The next review date must be on or after the registration date"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        active = Registration.objects.select_for_update().filter(person=person, deregistered_on__isnull=True)
        if active.filter(register_type=register_type).exists():
            raise ValidationError({"register_type": f"The case already has an active {register_type} flag: "
                                                    "review it instead"})
        if register_type.exclusive_group:
            clash = active.filter(register_type__exclusive_group=register_type.exclusive_group) \
                .select_related("register_type").first()
            if clash:
                raise ValidationError({"register_type": f"The case already has a {clash.register_type} flag: "
                                                        "remove it before adding another of its kind"})
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    person=person, register_type=register_type, level=level, category=category,
                    registered_on=registered_on, next_review_date=next_review_date, notes=notes, registered_by=by,
                )
        except IntegrityError:  # another user added the same flag a moment ago
            raise ValidationError({"register_type": f"The case already has an active {register_type} flag"}) \
                from None
        record("registration_added", registration, by=by, crn=person.crn, type=register_type.code, level=level,
               category=category, registered_on=registered_on, next_review_date=next_review_date)
        _recalculate_tier_after_commit(person, by=by, trigger=f"{register_type} flag added")
    return registration


def review_registration(registration: Registration, *, by, reviewed_on: datetime.date, notes: str,
                        next_review_date: datetime.date | None = None, level: str | None = None,
                        category: str | None = None, expected_version: int | None = None,
                        today: datetime.date | None = None) -> RegistrationReview:
    """Record a review; it may change the level or category, and sets the next review date."""
    _check_may_change(by)
    today = today or datetime.date.today()
    register_type = registration.register_type
    level = registration.level if level is None else level
    category = registration.category if category is None else category
    errors = {}
    if not notes.strip():
        errors["notes"] = "Enter what the review found"
    if reviewed_on > today:
        errors["reviewed_on"] = "The review date must be today or in the past"
    elif reviewed_on < registration.registered_on:
        errors["reviewed_on"] = "The review date must be on or after the registration date"
    errors.update(_check_level_and_category(register_type, level, category))
    if next_review_date is None and "reviewed_on" not in errors:
        next_review_date = suggested_review_date(register_type, reviewed_on)
    if next_review_date is not None and next_review_date < reviewed_on:
        errors["next_review_date"] = "The next review date must be on or after the review date"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_version(current, expected_version)
        if not current.active:
            raise ValidationError("This flag has been removed, so it cannot be reviewed")
        last = current.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
        if last and reviewed_on < last:
            raise ValidationError({"reviewed_on": f"The review date must be on or after the last review "
                                                  f"({last:%-d %B %Y})"})
        review = RegistrationReview.objects.create(
            registration=current, reviewed_on=reviewed_on, due_on=current.next_review_date, notes=notes,
            level=level, category=category, next_review_date=next_review_date, reviewed_by=by,
        )
        changes = {field: (getattr(current, field), value) for field, value in
                   (("level", level), ("category", category)) if getattr(current, field) != value}
        current.level, current.category, current.next_review_date = level, category, next_review_date
        current.version += 1
        current.save(update_fields=["level", "category", "next_review_date", "version"])
        record("registration_reviewed", current, by=by, crn=current.person.crn, type=register_type.code,
               reviewed_on=reviewed_on, next_review_date=next_review_date,
               **{f"{field}_changed": f"{old or '-'} to {new or '-'}" for field, (old, new) in changes.items()})
        if changes:
            _recalculate_tier_after_commit(current.person, by=by, trigger=f"{register_type} flag reviewed")
    registration.refresh_from_db()
    return review


def remove_registration(registration: Registration, *, by, removed_on: datetime.date, reason: str,
                        expected_version: int | None = None, today: datetime.date | None = None) -> Registration:
    """De-register the flag: it stays on the record as removed, with the date, reason and who."""
    _check_may_change(by)
    today = today or datetime.date.today()
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why the flag is being removed"
    if removed_on > today:
        errors["removed_on"] = "The date it was removed must be today or in the past"
    elif removed_on < registration.registered_on:
        errors["removed_on"] = "The date it was removed must be on or after the registration date"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_version(current, expected_version)
        if not current.active:
            raise ValidationError("This flag has already been removed")
        current.deregistered_on, current.deregistration_reason, current.deregistered_by = removed_on, reason, by
        current.version += 1
        current.save(update_fields=["deregistered_on", "deregistration_reason", "deregistered_by", "version"])
        record("registration_removed", current, by=by, crn=current.person.crn,
               type=current.register_type.code, removed_on=removed_on, reason=reason)
        _recalculate_tier_after_commit(current.person, by=by, trigger=f"{current.register_type} flag removed")
    registration.refresh_from_db()
    return registration


def set_rosh_registration(person, *, by, rosh: str | None, on: datetime.date, notes: str = "",
                          today: datetime.date | None = None) -> Registration | None:
    """Mirror a completed RoSH assessment as the case's RoSH flag, as nDelius does.

    `rosh` is "low", "medium", "high", "very_high" or None (no RoSH). A different active RoSH flag is
    removed first; the same one is left alone. Returns the active RoSH registration afterwards.
    """
    code = ROSH_CODES[rosh] if rosh else None
    with transaction.atomic():
        current = Registration.objects.select_for_update().filter(
            person=person, deregistered_on__isnull=True, register_type__exclusive_group="rosh",
        ).select_related("register_type").first()
        if current and current.register_type.code == code:
            return current
        if current:
            remove_registration(current, by=by, removed_on=max(on, current.registered_on),
                                reason="Replaced by the latest risk of serious harm assessment", today=today)
        if code is None:
            return None
        return add_registration(person, by=by, register_type=RegisterType.objects.get(code=code), registered_on=on,
                                notes=notes or "Set from the risk of serious harm assessment", today=today)
