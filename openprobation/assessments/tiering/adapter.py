"""From the case record to the tier rules' input: one `openprobation rules tier` line per person.

The input is built as the JSON object the command reads (docs/rules-cli.md) and parsed by the same code, so
every stored calculation can be checked by piping its `inputs` into `openprobation rules tier`. Everything is
read for a whole batch of people in a fixed number of queries, so the daily sweep scales with the number of
batches, not of people.

Where the inputs come from:

- RoSH, needs (with their severity), the women's factors, predictors and sexual offending history: the
  person's current (final) assessment. With no final assessment the RoSH is read from the RoSH registrations,
  as the national service does, and the needs assessment is missing.
- Registrations (MAPPA, domestic abuse, child protection, complexity factors...): `protection` registrations
  that are active, through `protection_registrations` below.
- Convictions (mandate for change): every order and licence. Licences follow custody, so they count as
  custodial (`SC`); requirements map to nDelius main categories with their restrictive flag.
- Previous enforcement activity: a breach or recall started in the last 365 days (not re-sentenced).
- Active event: any order or licence not terminated. Latest release: the start of the latest licence.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from openprobation.sentences.models import Requirement, Sentence, SentenceKind
from openprobation.supervision.models import Breach

from ..models import Assessment, NeedRating
from ..rules.tier import ASSESSMENT_VALID_DAYS, V3_FROM
from ..rules.tier_v3 import minus_years

# Licences follow a custodial sentence: the national service sees them as custodial events.
CUSTODIAL_CODE = "SC"
# Requirements that only restrict (they give no mandate for change), by our requirement type code.
RESTRICTIVE_REQUIREMENTS = frozenset({
    "PROH", "CURF", "EXCL", "FTP", "ECM", "EWM", "LC-EXCL", "LC-CURF", "LC-EM", "LC-CONT",
})
# Our requirement codes whose nDelius main category differs from the code itself.
MAIN_CATEGORIES = {"UPW": "W"}
ENFORCEMENT_WINDOW_DAYS = 365
NOT_ENFORCEMENT = frozenset({Breach.Status.PROVEN_RESENTENCED})


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _whole(value: Decimal | None) -> int | None:
    return None if value is None else int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _registration_rows(person_ids) -> dict[int, list]:
    """Every registration of these people (future and removed ones too), newest first (one query)."""
    from openprobation.protection.models import Registration
    from openprobation.protection.queries import RegistrationRow

    rows = defaultdict(list)
    for person_id, *row in (Registration.objects.filter(person_id__in=person_ids)
                            .order_by("-registered_on", "-pk")
                            .values_list("person_id", "register_type__code", "level", "category", "registered_on",
                                         "deregistered_on")):
        rows[person_id].append(RegistrationRow(*row))
    return rows


def _active_registrations(found, today: datetime.date) -> list[dict]:
    from openprobation.protection.queries import registrations_for_tier

    return [{"code": r.code, "level": r.level, "category": r.category, "date": _iso(r.date)}
            for r in registrations_for_tier(found, today)]


def protection_registrations(person_ids, today: datetime.date) -> dict[int, list[dict]]:
    """The registrations active on ``today``, by person, as the rules' registration objects (one query)."""
    return {person_id: _active_registrations(found, today)
            for person_id, found in _registration_rows(person_ids).items()}


def _predictors(a: dict) -> dict | None:
    if a is None or not a["predictors_entered"]:
        return None
    found = {}
    if a["arp"] is not None:
        found["arp"] = {"score": _number(a["arp"]), "static_or_dynamic": a["arp_type"] or None}
    if a["csrp"] is not None:
        found["csrp"] = {"score": _number(a["csrp"]), "static_or_dynamic": a["csrp_type"] or None}
    if a["dc_srp"] is not None:
        found["dc_srp"] = {"score": _number(a["dc_srp"]), "band": a["dc_srp_band"] or None}
    return found or None


def _needs_assessment(a: dict | None, needs: dict) -> dict | None:
    if a is None:
        return None
    return {
        "type": "layer3",
        "status": "complete",
        "completed_date": _iso(timezone.localdate(a["countersigned_at"] or a["completed_at"])),
        "needs": needs,
        "parental_responsibilities": a["parental_responsibilities"],
        "impulsivity": a["impulsivity"],
        "temper_control": a["temper_control"],
    }


def _conviction(sentence: dict) -> dict:
    return {
        "sentence_type": CUSTODIAL_CODE if sentence["licence"] else sentence["code"],
        "termination_date": _iso(sentence["terminated_on"]),
        "requirements": [
            {"main_category": MAIN_CATEGORIES.get(code, code), "restrictive": code in RESTRICTIVE_REQUIREMENTS}
            for code, terminated_on in sentence["requirements"] if terminated_on is None
        ],
    }


# What the tier reads of the current assessment (a final one: its final date is countersigned, or completed).
ASSESSMENT_COLUMNS = (
    "pk", "person_id", "rsr", "ogrs3_two_year", "arp", "arp_type", "csrp", "csrp_type", "dc_srp", "dc_srp_band",
    "predictors_entered", "sexual_offence_history", "overall_rosh", "parental_responsibilities", "impulsivity",
    "temper_control", "completed_at", "countersigned_at",
)


def _assessments(ids) -> dict[int, tuple[dict, dict]]:
    """Each person's current assessment as plain values, with its needs {tier key: severity} (two queries)."""
    found = {row["pk"]: row for row in Assessment.objects.filter(person_id__in=ids, status=Assessment.Status.COMPLETE)
             .order_by().values(*ASSESSMENT_COLUMNS)}
    needs = defaultdict(dict)
    for assessment_id, key, severity in (NeedRating.objects.filter(assessment_id__in=list(found))
                                         .order_by("assessment_id", "area__sort_order", "area_id")
                                         .values_list("assessment_id", "area__tier_key", "severity")):
        needs[assessment_id][key] = severity
    return {row["person_id"]: (row, needs[pk]) for pk, row in found.items()}


def _sentences(ids) -> dict[int, list[dict]]:
    """Each person's orders and licences in start order, with their requirements (two queries)."""
    by_person, by_id = defaultdict(list), {}
    for pk, person_id, start_date, terminated_on, code, kind in (
            Sentence.objects.filter(person_id__in=ids).order_by("start_date", "id")
            .values_list("pk", "person_id", "start_date", "terminated_on", "sentence_type__code",
                         "sentence_type__kind")):
        sentence = {"start_date": start_date, "terminated_on": terminated_on, "code": code,
                    "licence": kind == SentenceKind.LICENCE, "requirements": []}
        by_id[pk] = sentence
        by_person[person_id].append(sentence)
    for sentence_id, code, terminated_on in (
            Requirement.objects.filter(sentence__person_id__in=ids).order_by("start_date", "id")
            .values_list("sentence_id", "requirement_type__code", "terminated_on")):
        by_id[sentence_id]["requirements"].append((code, terminated_on))
    return by_person


def tier_lines(people, today: datetime.date) -> dict[int, dict]:
    """The rules' input for each person, keyed by person id, in a fixed number of queries."""
    return lines_for([(p.pk, p.gender) for p in people], today)


def lines_for(people: list[tuple[int, str]], today: datetime.date) -> dict[int, dict]:
    """``tier_lines`` for (person id, gender) pairs."""
    return lines_and_next_checks(people, today)[0]


def _after_years(day: datetime.date, years: int) -> datetime.date:
    """The first day whose date ``years`` calendar years earlier (``tier_v3.minus_years``) is after ``day``."""
    try:
        candidate = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        candidate = day.replace(year=day.year + years, day=28)
    while minus_years(candidate, years) <= day:
        candidate += datetime.timedelta(days=1)
    return candidate


def next_check(today: datetime.date, *, breaches=(), registrations=(), assessment_completed=None,
               released=None, lifer=False) -> datetime.date | None:
    """The first day after ``today`` on which the date alone could change the tier's inputs or result, or None.

    These are all the inputs that move with the date (everything else changes only by an action, which
    recalculates at once): a breach or recall starts to count on the day it started and stops 365 days later;
    a registration counts from its registered date until its removal date; an assessment stops being valid
    for the needs 386 days after it was completed (55 weeks); a released lifer's step changes one and five
    years after release; the scheme changes on 16 March 2026.
    """
    found = []
    for started_on in breaches:
        found.append(started_on if started_on > today
                     else started_on + datetime.timedelta(days=ENFORCEMENT_WINDOW_DAYS))
    for row in registrations:
        found.extend(day for day in (row.registered_on, row.deregistered_on) if day is not None and day > today)
    if assessment_completed is not None:
        found.append(assessment_completed + datetime.timedelta(days=ASSESSMENT_VALID_DAYS + 1))
    if lifer and released is not None:
        found.extend((_after_years(released, 1), _after_years(released, 5)))
    if today < V3_FROM:
        found.append(V3_FROM)
    found = [day for day in found if day > today]
    return min(found, default=None)


def lines_and_next_checks(people: list[tuple[int, str]], today: datetime.date
                          ) -> tuple[dict[int, dict], dict[int, datetime.date | None]]:
    """The rules' input for each (person id, gender), and the day each could next change by the date alone
    (``next_check``): seven queries of plain values for the whole batch."""
    ids = [pk for pk, _ in people]
    assessments = _assessments(ids)
    sentences = _sentences(ids)
    breaches = defaultdict(list)
    for person_id, started_on in (
            Breach.objects.filter(sentence__person_id__in=ids,
                                  started_on__gt=today - datetime.timedelta(days=ENFORCEMENT_WINDOW_DAYS))
            .exclude(status__in=NOT_ENFORCEMENT).values_list("sentence__person_id", "started_on")):
        breaches[person_id].append(started_on)
    registrations = _registration_rows(ids)
    calculation_date = today.isoformat()
    lines, next_checks = {}, {}
    for pk, gender in people:
        assessment, needs = assessments.get(pk, (None, None))
        own = sentences.get(pk, [])
        licences = [s["start_date"] for s in own if s["licence"]]
        active = _active_registrations(registrations.get(pk, []), today)
        needs_assessment = _needs_assessment(assessment, needs)
        line = {
            "calculation_date": calculation_date,
            "gender": "female" if gender == "F" else "male",
            "rsr": _number(assessment["rsr"]) if assessment else None,
            "ogrs": _whole(assessment["ogrs3_two_year"]) if assessment else None,
            "registrations": active,
            "convictions": [_conviction(s) for s in own],
            "previous_enforcement_activity": any(day <= today for day in breaches.get(pk, ())),
            "has_active_event": any(s["terminated_on"] is None for s in own),
            "latest_release_date": _iso(max(licences)) if licences else None,
            "needs_assessment": needs_assessment,
            "predictors": _predictors(assessment),
            "ever_committed_sexual_offence": bool(assessment and assessment["sexual_offence_history"]),
        }
        if assessment is not None:
            # The latest RoSH assessment replaces the RoSH registrations.
            line["rosh"] = assessment["overall_rosh"]
        lines[pk] = line
        next_checks[pk] = next_check(
            today, breaches=breaches.get(pk, ()), registrations=registrations.get(pk, ()),
            assessment_completed=(datetime.date.fromisoformat(needs_assessment["completed_date"])
                                  if needs_assessment else None),
            released=max(licences) if licences else None,
            lifer=any(r["code"] == "INLL" for r in active))
    return lines, next_checks
