"""The JSON Lines contract of `openprobation rules ogrs3` and `openprobation rules tier` (docs/rules-cli.md).

One JSON object a line in, one JSON object a line out, in order, flushed as it goes; a bad line
(invalid JSON included) gives `{"error": "..."}` and the run continues. Pure: no clock, no database.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from datetime import date
from decimal import Decimal

from . import ogrs3, tier
from .tier_inputs import FROM_REGISTRATIONS, TierError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InputError(ValueError):
    """A line that is not the right shape: not an object, a wrong type, a malformed date."""


def _reject_constant(name):
    raise InputError(f"{name} is not a JSON number")


def parse_line(line: str) -> dict:
    try:
        value = json.loads(line, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"the line is not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(value, dict):
        raise InputError("each line must be a JSON object")
    return value


def _date(value, name: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise InputError(f"{name} must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} is not a real calendar date: {value}") from None


def _integer(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number")
    return value


def _number(value, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InputError(f"{name} must be a number")
    return Decimal(value)


def _text(value, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be text")
    return value


def _bool(value, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InputError(f"{name} must be true or false")
    return value


def _object(value, name: str) -> dict | None:
    if value is not None and not isinstance(value, dict):
        raise InputError(f"{name} must be an object")
    return value


def _list(value, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{name} must be a list")
    return value


# --- OGRS3 ------------------------------------------------------------------------------------------


def ogrs3_input(obj: dict) -> ogrs3.OGRS3Input:
    gender = _text(obj.get("gender"), "gender")
    if gender is not None and gender not in ("male", "female"):
        raise InputError('gender must be "male" or "female"')
    _date(obj.get("assessment_date"), "assessment_date")  # accepted and ignored, but must be a date
    return ogrs3.OGRS3Input(
        gender=gender,
        date_of_birth=_date(obj.get("date_of_birth"), "date_of_birth"),
        date_of_current_conviction=_date(obj.get("date_of_current_conviction"), "date_of_current_conviction"),
        date_at_start_of_followup=_date(obj.get("date_at_start_of_followup"), "date_at_start_of_followup"),
        total_number_of_sanctions=_integer(obj.get("total_number_of_sanctions"), "total_number_of_sanctions"),
        age_at_first_sanction=_integer(obj.get("age_at_first_sanction"), "age_at_first_sanction"),
        offence_group=_text(obj.get("offence_group"), "offence_group"),
    )


def ogrs3_output(result: ogrs3.OGRS3Result) -> dict:
    return {
        "ogrs3_1y": result.one_year,
        "ogrs3_2y": result.two_year,
        "band": result.band.value,
        "feature_values": result.feature_values,
        "reasons": list(result.reasons),
    }


def answer_ogrs3(line: str) -> dict:
    try:
        return ogrs3_output(ogrs3.calculate_ogrs3(ogrs3_input(parse_line(line))))
    except InputError as error:
        return {"error": str(error), "error_type": ogrs3.ErrorType.INVALID_INPUT.value}
    except ogrs3.OGRS3Error as error:
        return {"error": str(error), "error_type": error.error_type.value}


# --- tier -------------------------------------------------------------------------------------------


def _registration(obj, at: str) -> tier.Registration:
    obj = _object(obj, at)
    if obj is None or not isinstance(obj.get("code"), str) or not obj["code"]:
        raise InputError(f"{at} needs a code")
    return tier.Registration(
        code=obj["code"], level=_text(obj.get("level"), f"{at}.level"),
        category=_text(obj.get("category"), f"{at}.category"), date=_date(obj.get("date"), f"{at}.date"),
    )


def _conviction(obj, at: str) -> tier.Conviction:
    obj = _object(obj, at) or {}
    requirements = []
    for n, req in enumerate(_list(obj.get("requirements"), f"{at}.requirements")):
        where = f"{at}.requirements[{n}]"
        req = _object(req, where) or {}
        category = _text(req.get("main_category"), f"{where}.main_category")
        if category is None:
            raise InputError(f"{where} needs a main_category")
        requirements.append(tier.Requirement(category, _bool(req.get("restrictive"), f"{where}.restrictive", False)))
    return tier.Conviction(
        sentence_type=_text(obj.get("sentence_type"), f"{at}.sentence_type"),
        termination_date=_date(obj.get("termination_date"), f"{at}.termination_date"),
        requirements=tuple(requirements),
    )


def _needs_assessment(obj) -> tier.NeedsAssessment | None:
    obj = _object(obj, "needs_assessment")
    if obj is None:
        return None
    needs = _object(obj.get("needs"), "needs_assessment.needs") or {}
    answers = _object(obj.get("need_answers"), "needs_assessment.need_answers") or {}
    for area, section in answers.items():
        for question, answer in (_object(section, f"need_answers.{area}") or {}).items():
            _text(answer, f"need_answers.{area}.{question}")
    for area, severity in needs.items():
        _text(severity, f"needs.{area}")
    return tier.NeedsAssessment(
        type=_text(obj.get("type"), "needs_assessment.type") or "layer3",
        status=_text(obj.get("status"), "needs_assessment.status") or "complete",
        completed_date=_date(obj.get("completed_date"), "needs_assessment.completed_date"),
        san_indicator=_bool(obj.get("san_indicator"), "needs_assessment.san_indicator", False),
        needs=needs,
        need_answers={area: section or {} for area, section in answers.items()},
        parental_responsibilities=_text(obj.get("parental_responsibilities"), "parental_responsibilities") or "unknown",
        impulsivity=_text(obj.get("impulsivity"), "impulsivity") or "missing",
        temper_control=_text(obj.get("temper_control"), "temper_control") or "missing",
    )


def _predictor(obj, at: str) -> tier.Predictor | None:
    obj = _object(obj, at)
    if obj is None:
        return None
    return tier.Predictor(score=_number(obj.get("score"), f"{at}.score"),
                          static_or_dynamic=_text(obj.get("static_or_dynamic"), f"{at}.static_or_dynamic"),
                          band=_text(obj.get("band"), f"{at}.band"))


def _predictors(obj) -> tier.Predictors | None:
    obj = _object(obj, "predictors")
    if obj is None:
        return None
    dc_srp = _object(obj.get("dc_srp"), "predictors.dc_srp")
    return tier.Predictors(
        arp=_predictor(obj.get("arp"), "predictors.arp"),
        csrp=_predictor(obj.get("csrp"), "predictors.csrp"),
        dc_srp=None if dc_srp is None else tier.SexualPredictor(
            score=_number(dc_srp.get("score"), "predictors.dc_srp.score"),
            band=_text(dc_srp.get("band"), "predictors.dc_srp.band")),
    )


def tier_input(obj: dict) -> tier.TierInput:
    calculation_date = _date(obj.get("calculation_date"), "calculation_date")
    if calculation_date is None:
        raise InputError("calculation_date is required (YYYY-MM-DD)")
    rosh = _text(obj["rosh"], "rosh") if "rosh" in obj else FROM_REGISTRATIONS
    return tier.TierInput(
        calculation_date=calculation_date,
        scheme=_text(obj.get("scheme"), "scheme"),
        gender=_text(obj.get("gender"), "gender") or "male",
        rsr=_number(obj.get("rsr"), "rsr"),
        ogrs=_integer(obj.get("ogrs"), "ogrs"),
        rosh=rosh,
        registrations=tuple(_registration(r, f"registrations[{n}]")
                            for n, r in enumerate(_list(obj.get("registrations"), "registrations"))),
        convictions=tuple(_conviction(c, f"convictions[{n}]")
                          for n, c in enumerate(_list(obj.get("convictions"), "convictions"))),
        previous_enforcement_activity=_bool(obj.get("previous_enforcement_activity"),
                                            "previous_enforcement_activity", False),
        has_active_event=_bool(obj.get("has_active_event"), "has_active_event", True),
        latest_release_date=_date(obj.get("latest_release_date"), "latest_release_date"),
        needs_assessment=_needs_assessment(obj.get("needs_assessment")),
        predictors=_predictors(obj.get("predictors")),
        ever_committed_sexual_offence=_bool(obj.get("ever_committed_sexual_offence"),
                                            "ever_committed_sexual_offence", False),
    )


def _plain_number(value: Decimal):
    """A decimal as the JSON number it was given as: 7.25 stays 7.25, 20 stays 20."""
    return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)


def tier_output(result) -> dict:
    out = result.as_dict()
    out["derived"]["rsr"] = _plain_number(out["derived"]["rsr"])
    return out


def answer_tier(line: str) -> dict:
    try:
        return tier_output(tier.calculate_tier(tier_input(parse_line(line))))
    except (InputError, TierError) as error:
        return {"error": str(error)}


# --- the command ------------------------------------------------------------------------------------

ANSWERS = {"ogrs3": answer_ogrs3, "tier": answer_tier}


def _lines(stream):
    """Lines of the input; undecodable bytes spoil only their own line."""
    source = getattr(stream, "buffer", None)
    for raw in source if source is not None else stream:
        if isinstance(raw, bytes):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield None
        else:
            yield raw


def run(kind: str, stdin=None, stdout=None, stderr=None) -> int:
    """Answer every non-blank line of `stdin` on `stdout`; return the exit status (0 unless the command failed)."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    answer = ANSWERS[kind]
    for number, line in enumerate(_lines(stdin), start=1):
        if line is None:
            result = {"error": "the line is not valid UTF-8"}
        elif not line.strip():
            continue
        else:
            try:
                result = answer(line)
            except Exception as error:  # a bug must not stop the other lines; the trace goes to stderr
                print(f"line {number}: unexpected failure", file=stderr)
                traceback.print_exc(file=stderr)
                result = {"error": f"unexpected failure: {error}"}
        if kind == "ogrs3" and "error" in result and "error_type" not in result:
            result["error_type"] = ogrs3.ErrorType.INVALID_INPUT.value
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
