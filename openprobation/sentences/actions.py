"""Record events, orders, licences and requirements; every statutory limit is checked on entry."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from simple_history.utils import bulk_update_with_history

from openprobation.audit.record import record

from . import rules
from .models import Event, Offence, Requirement, Sentence, SentenceKind, StatutoryLimit


def _recalculate_tier(person, *, by, trigger: str):
    """Orders are tier inputs (imported here: the assessments app imports this one)."""
    from openprobation.assessments.tiering.calculate import recalculate_tier_after_commit

    recalculate_tier_after_commit(person, by=by, trigger=trigger)


def limits() -> list[rules.Limit]:
    return [
        rules.Limit(
            subject=row.subject, minimum=row.minimum, maximum=row.maximum, unit=row.unit, basis=row.basis,
            valid_from=row.valid_from, valid_to=row.valid_to, condition=row.condition, source=row.source,
        )
        for row in StatutoryLimit.objects.all()
    ]


def _raise(problems: list[rules.Problem], field_map: dict | None = None):
    if problems:
        errors: dict[str, list[str]] = {}
        for p in problems:
            field = (field_map or {}).get(p.field, p.field)
            errors.setdefault(field, []).append(p.message)
        raise ValidationError(errors)


def record_sentence(person, *, by, sentence_type, court, conviction_date: datetime.date, offence_type,
                    offence_date: datetime.date, sentence_date: datetime.date, start_date: datetime.date,
                    expected_end_date: datetime.date | None = None, length_months: int | None = None,
                    custodial_term_months: int | None = None, operational_months: int | None = None,
                    supervision_months: int | None = None, licence_expiry_date: datetime.date | None = None,
                    sentence_expiry_date: datetime.date | None = None, today: datetime.date | None = None) -> Sentence:
    """A new event (conviction with its main offence) and the order or licence that follows it."""
    today = today or datetime.date.today()
    errors = {}
    if offence_date > conviction_date:
        errors["offence_date"] = "The offence date must be on or before the conviction date"
    if conviction_date > today:
        errors["conviction_date"] = "The conviction date must be today or in the past"
    if sentence_date < conviction_date:
        errors["sentence_date"] = "The sentence date must be on or after the conviction date"
    if start_date < sentence_date and sentence_type.kind == SentenceKind.COMMUNITY:
        errors["start_date"] = "The order cannot start before it was made"
    if errors:
        raise ValidationError(errors)
    dates = rules.LegalDates(conviction=conviction_date, sentence=sentence_date, offence=offence_date)
    extra = {}
    if sentence_type.code == "CO":
        if length_months is None:
            raise ValidationError({"length_months": "Enter the length of the order in months"})
        expected_end_date = rules.add_months(start_date, length_months)
        _raise(rules.check_community_order(start_date, expected_end_date, dates, limits()),
               {"expected_end_date": "length_months"})
    elif sentence_type.code == "SSO":
        to_dec = lambda v: None if v is None else Decimal(v)  # noqa: E731
        _raise(rules.check_suspended_sentence(to_dec(custodial_term_months), to_dec(operational_months),
                                              to_dec(supervision_months), dates, limits()))
        expected_end_date = rules.add_months(start_date, operational_months)
        extra = {
            "custodial_term_months": custodial_term_months,
            "operational_period_end": expected_end_date,
            "supervision_period_end": rules.add_months(start_date, supervision_months),
        }
        length_months = operational_months
    else:  # licences and post-sentence supervision
        if licence_expiry_date is None:
            raise ValidationError({"licence_expiry_date": "Enter the licence expiry date"})
        if licence_expiry_date <= start_date:
            raise ValidationError({"licence_expiry_date": "The licence expiry date must be after the licence start"})
        if sentence_expiry_date and sentence_expiry_date < licence_expiry_date:
            raise ValidationError({"sentence_expiry_date":
                                   "The sentence expiry date must be on or after the licence expiry date"})
        expected_end_date = licence_expiry_date
        extra = {"licence_expiry_date": licence_expiry_date, "sentence_expiry_date": sentence_expiry_date}
    with transaction.atomic():
        number = (Event.objects.filter(person=person).aggregate(n=Max("number"))["n"] or 0) + 1
        event = Event.objects.create(person=person, number=number, conviction_date=conviction_date, court=court)
        Offence.objects.create(event=event, offence_type=offence_type, offence_date=offence_date, main=True)
        sentence = Sentence.objects.create(
            event=event, person=person, sentence_type=sentence_type, sentence_date=sentence_date,
            start_date=start_date, expected_end_date=expected_end_date, length_months=length_months,
            two_thirds_date=rules.two_thirds_date(start_date, expected_end_date), **extra,
        )
        record("sentence_recorded", sentence, by=by, crn=person.crn, type=sentence_type.code,
               start=start_date, end=expected_end_date)
        _recalculate_tier(person, by=by, trigger=f"{sentence_type} recorded")
    return sentence


def add_requirement(sentence: Sentence, *, by, requirement_type, length: Decimal | None, start_date: datetime.date,
                    expected_end_date: datetime.date | None = None, subtype: str = "") -> Requirement:
    if requirement_type.is_licence_condition != sentence.is_licence:
        raise ValidationError({"requirement_type": "Licence conditions belong on licences, and requirements on "
                                                   "community orders and suspended sentence orders"})
    if requirement_type.unit == "none":
        length = None
    elif length is None:
        raise ValidationError({"length": f"Enter the length in {requirement_type.get_unit_display()}"})
    if start_date < sentence.start_date:
        raise ValidationError({"start_date": "A requirement cannot start before its order"})
    main = sentence.event.offences.filter(main=True).first()
    dates = rules.LegalDates(conviction=sentence.event.conviction_date, sentence=sentence.sentence_date,
                             offence=main.offence_date if main else None)
    _raise(rules.check_requirement(requirement_type.code, requirement_type.description, length, start_date,
                                   expected_end_date, sentence.expected_end_date, dates, limits()))
    with transaction.atomic():
        requirement = Requirement.objects.create(
            sentence=sentence, requirement_type=requirement_type, subtype=subtype, length=length,
            start_date=start_date, expected_end_date=expected_end_date,
        )
        record("requirement_added", requirement, by=by, crn=sentence.person.crn,
               type=requirement_type.code, length=length)
        # A live requirement is a tier input (the order's mandate for change, or a restrictive one).
        _recalculate_tier(sentence.person, by=by, trigger=f"{requirement_type} added")
    return requirement


def terminate_sentence(sentence: Sentence, *, by, terminated_on: datetime.date, reason: str, expected_version: int,
                       today: datetime.date | None = None) -> Sentence:
    today = today or datetime.date.today()
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason the order or licence ended"})
    if terminated_on < sentence.start_date:
        raise ValidationError({"terminated_on": "The end date cannot be before the order started"})
    if terminated_on > today:
        raise ValidationError({"terminated_on": "The end date must be today or in the past"})
    with transaction.atomic():
        current = Sentence.objects.select_for_update().get(pk=sentence.pk)
        if current.version != expected_version:
            raise ValidationError("Someone else changed this sentence while you were looking at it. "
                                  "Check it and try again.", code="stale")
        if current.terminated_on:
            raise ValidationError("This order or licence has already ended.")
        Sentence.objects.filter(pk=sentence.pk).update(terminated_on=terminated_on, termination_reason=reason.strip(),
                                                       version=F("version") + 1)
        open_requirements = list(current.requirements.filter(terminated_on__isnull=True))
        for requirement in open_requirements:
            requirement.terminated_on = terminated_on
            requirement.termination_reason = f"Order ended: {reason.strip()}"[:200]
        # With history, so each requirement's version history shows why it ended.
        bulk_update_with_history(open_requirements, Requirement, ["terminated_on", "termination_reason"],
                                 default_user=by, default_change_reason="sentence_terminated")
        record("sentence_terminated", current, by=by, crn=current.person.crn, on=terminated_on, reason=reason)
        _recalculate_tier(current.person, by=by, trigger=f"{current.sentence_type} ended")
    sentence.refresh_from_db()
    return sentence
