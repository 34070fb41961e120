"""Every change to a person's record goes through these functions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from openprobation.audit.record import record

from .models import NO_FIXED_ABODE_POSTCODE, Address, AddressStatus, Person
from .search import normalise, search_keys

CRN_PREFIX = "N"  # new cases created here; the demo and imports use other letters


def _next_crn() -> str:
    latest = Person.objects.filter(crn__startswith=CRN_PREFIX).order_by("-crn").values_list("crn", flat=True).first()
    number = int(latest[1:]) + 1 if latest else 1
    if number > 999_999:
        raise ValidationError("No CRNs are left with the prefix %(prefix)s.", params={"prefix": CRN_PREFIX})
    return f"{CRN_PREFIX}{number:06d}"


def possible_duplicates(first_name: str, surname: str, date_of_birth: datetime.date):
    """People already recorded with the same date of birth and the same (normalised) names."""
    return Person.objects.filter(
        date_of_birth=date_of_birth, search_first=normalise(first_name), search_surname=normalise(surname)
    )


def create_person(*, by, first_name, surname, date_of_birth, gender, crn=None, pnc_number=None,
                  middle_names="", preferred_name="", phone="", mobile="", email="", address=None,
                  today=None) -> Person:
    """Record a new person. A CRN is generated unless one is given (an import); duplicates are refused."""
    today = today or datetime.date.today()
    if date_of_birth > today:
        raise ValidationError({"date_of_birth": "Date of birth must be in the past."})
    if date_of_birth < today.replace(year=today.year - 120):
        raise ValidationError({"date_of_birth": "Date of birth must be within the last 120 years."})
    if crn and Person.objects.filter(crn=crn).exists():
        raise ValidationError({"crn": f"A person with CRN {crn} already exists."})
    if pnc_number and Person.objects.filter(pnc_number=pnc_number).exists():
        raise ValidationError({"pnc_number": f"A person with PNC number {pnc_number} already exists."})
    for attempt in range(3):
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    crn=crn or _next_crn(), first_name=first_name, middle_names=middle_names, surname=surname,
                    preferred_name=preferred_name, date_of_birth=date_of_birth, gender=gender,
                    pnc_number=pnc_number or None, phone=phone, mobile=mobile, email=email,
                    **search_keys(first_name, surname),
                )
                if address:
                    _add_main_address(person, start_date=today, **address)
                record("person_created", person, by=by, crn=person.crn, name=person.full_name)
                return person
        except IntegrityError:
            if crn or attempt == 2:
                raise ValidationError("The CRN could not be allocated. Try again.") from None
    raise AssertionError("unreachable")


def _check_version(obj, expected_version: int, what: str):
    if expected_version != obj.version:
        raise ValidationError(
            f"Someone else changed these {what} while you were editing. Check the current details and "
            "make your change again.",
            code="stale",
        )


def update_contact_details(person: Person, *, by, expected_version: int, phone: str, mobile: str, email: str):
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        _check_version(current, expected_version, "contact details")
        before = {"phone": current.phone, "mobile": current.mobile, "email": current.email}
        after = {"phone": phone, "mobile": mobile, "email": email}
        Person.objects.filter(pk=person.pk).update(**after, version=F("version") + 1)
        record("contact_details_updated", current, by=by, crn=current.crn,
               before=before, after=after)
    person.refresh_from_db()
    return person


def _add_main_address(person, *, start_date, no_fixed_abode=False, line_1="", line_2="", town="", postcode="",
                      type_description="", verified=False, notes=""):
    if no_fixed_abode:
        line_1, line_2, town, postcode = "", "", "", NO_FIXED_ABODE_POSTCODE
    elif not line_1:
        raise ValidationError({"line_1": "Enter address line 1, or select no fixed abode."})
    return Address.objects.create(
        person=person, status=AddressStatus.MAIN, no_fixed_abode=no_fixed_abode, line_1=line_1, line_2=line_2,
        town=town, postcode=postcode.upper(), type_description=type_description, verified=verified,
        start_date=start_date, notes=notes,
    )


def change_main_address(person: Person, *, by, expected_version: int, start_date: datetime.date, **address):
    """The old main address becomes a previous address ending the day before the new one starts."""
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        _check_version(current, expected_version, "addresses")
        old = current.addresses.filter(status=AddressStatus.MAIN).first()
        if old is not None:
            if start_date <= old.start_date:
                raise ValidationError({"start_date": "The new address must start after the current main address "
                                                     f"started ({old.start_date:%d/%m/%Y})."})
            old.status = AddressStatus.PREVIOUS
            old.end_date = start_date - datetime.timedelta(days=1)
            old.save(update_fields=["status", "end_date"])
        new = _add_main_address(current, start_date=start_date, **address)
        current.version += 1
        current.save(update_fields=["version", "updated_at"])  # save(), so the version history has it
        record("main_address_changed", new, by=by, crn=current.crn,
               before=str(old) if old else None, after=str(new))
    person.refresh_from_db()
    return new


# --- Details recorded about the person: aliases, circumstances, disabilities, contacts, equality data ---

DETAIL_VERBS = {
    "alias": "alias_added",
    "circumstance": "circumstance_added",
    "disability": "disability_added",
    "adjustment": "adjustment_added",
    "personal_contact": "personal_contact_added",
}


def _check_dates(start_date, end_date, today):
    errors = {}
    if start_date and start_date > today:
        errors["start_date"] = "The start date must be today or in the past"
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "The end date must be on or after the start date"
    if errors:
        raise ValidationError(errors)


def add_detail(person: Person, kind: str, *, by, today=None, **fields):
    """Record an alias, circumstance, disability, adjustment or personal contact for the person."""
    from .models import Adjustment, Alias, Disability, PersonalCircumstance, PersonalContact

    model = {"alias": Alias, "circumstance": PersonalCircumstance, "disability": Disability,
             "adjustment": Adjustment, "personal_contact": PersonalContact}[kind]
    today = today or datetime.date.today()
    _check_dates(fields.get("start_date"), fields.get("end_date"), today)
    if kind == "alias":
        fields.update(search_keys(fields["first_name"], fields["surname"]))
    if kind == "adjustment" and fields.get("disability") and fields["disability"].person_id != person.pk:
        raise ValidationError({"disability": "Choose one of this person's disabilities"})
    with transaction.atomic():
        detail = model.objects.create(person=person, **fields)
        record(DETAIL_VERBS[kind], detail, by=by, crn=person.crn, what=str(detail))
    return detail


def end_circumstance(circumstance, *, by, end_date: datetime.date, today=None):
    today = today or datetime.date.today()
    if end_date < circumstance.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    if end_date > today:
        raise ValidationError({"end_date": "The end date must be today or in the past"})
    with transaction.atomic():
        circumstance.end_date = end_date
        circumstance.save(update_fields=["end_date"])
        record("circumstance_ended", circumstance, by=by, crn=circumstance.person.crn, what=str(circumstance),
               end_date=end_date)
    return circumstance


def update_equality_data(person: Person, *, by, **fields):
    """Special-category data: the caller has already checked the role (access.access_equality_data)."""
    from .models import EqualityData

    with transaction.atomic():
        data, created = EqualityData.objects.get_or_create(person=person)
        before = {name: getattr(data, name) for name in fields}
        for name, value in fields.items():
            setattr(data, name, value)
        data.save()
        # The values themselves are special category: the audit records which fields changed, not what to.
        changed = sorted(name for name, value in fields.items() if before[name] != value)
        record("equality_data_updated", data, by=by, crn=person.crn, fields=changed)
    return data
