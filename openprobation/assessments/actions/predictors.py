"""Calculate OGRS3 for an assessment with the pure rule, keeping the inputs and terms to show the working."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from openprobation.audit.record import record

from ..rules.ogrs3 import OGRS3Error, OGRS3Input, calculate_ogrs3
from .assessments import _lock
from .common import bump, require_assessor

GENDERS = {"M": "male", "F": "female"}
# Where the rule names a field the form asks for, the error goes on that field.
FORM_FIELDS = ("offence_group", "total_number_of_sanctions", "age_at_first_sanction", "date_of_current_conviction",
               "date_at_start_of_followup")


def _validation_error(error: OGRS3Error) -> ValidationError:
    found = {}
    for problem in error.problems:
        message = problem.message[:1].upper() + problem.message[1:].replace("_", " ")
        field = next((f for f in problem.fields if f in FORM_FIELDS), None)
        found.setdefault(field or "__all__", []).append(message)
    return ValidationError(found)


def calculate_ogrs3_for(assessment, *, by, offence_group: str, total_number_of_sanctions: int,
                        age_at_first_sanction: int, date_of_current_conviction: datetime.date,
                        date_at_start_of_followup: datetime.date, expected_version):
    """OGRS3 from the person's date of birth and gender and the criminal history given; stored on the draft."""
    require_assessor(by)
    with transaction.atomic():
        current = _lock(assessment, expected_version)
        person = current.person
        gender = GENDERS.get(person.gender)
        if gender is None:
            raise ValidationError("OGRS3 is only defined for men and women: record the person's gender first, or "
                                  "enter the score from the predictor tool.", code="gender")
        data = OGRS3Input(gender=gender, date_of_birth=person.date_of_birth,
                          date_of_current_conviction=date_of_current_conviction,
                          date_at_start_of_followup=date_at_start_of_followup,
                          total_number_of_sanctions=total_number_of_sanctions,
                          age_at_first_sanction=age_at_first_sanction, offence_group=offence_group)
        try:
            result = calculate_ogrs3(data)
        except OGRS3Error as error:
            raise _validation_error(error) from None
        current.ogrs3_one_year, current.ogrs3_two_year = result.one_year, result.two_year
        current.ogrs3_working = {
            "inputs": {"gender": gender, "date_of_birth": person.date_of_birth.isoformat(),
                       "date_of_current_conviction": date_of_current_conviction.isoformat(),
                       "date_at_start_of_followup": date_at_start_of_followup.isoformat(),
                       "total_number_of_sanctions": total_number_of_sanctions,
                       "age_at_first_sanction": age_at_first_sanction, "offence_group": offence_group},
            "band": result.band.value, "reasons": list(result.reasons)}
        current.predictors_entered = True
        bump(current, ["ogrs3_one_year", "ogrs3_two_year", "ogrs3_working", "predictors_entered"])
        record("assessment_ogrs3_calculated", current, by=by, crn=person.crn, number=current.number,
               one_year=result.one_year, two_year=result.two_year, band=result.band.value)
    return current, result
