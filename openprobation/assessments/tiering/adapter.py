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

from django.db.models import Prefetch
from django.utils import timezone

from openprobation.sentences.models import Sentence, SentenceKind
from openprobation.supervision.models import Breach

from ..models import Assessment, NeedRating

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


def _gender(person) -> str:
    return "female" if person.gender == "F" else "male"


def protection_registrations(person_ids, today: datetime.date) -> dict[int, list[dict]]:
    """The registrations active on ``today``, by person, as the rules' registration objects (one query)."""
    from openprobation.protection.models import Registration
    from openprobation.protection.queries import RegistrationRow, registrations_for_tier

    rows = defaultdict(list)
    for person_id, *row in (Registration.objects.filter(person_id__in=person_ids, registered_on__lte=today)
                            .order_by("-registered_on", "-pk")
                            .values_list("person_id", "register_type__code", "level", "category", "registered_on",
                                         "deregistered_on")):
        rows[person_id].append(RegistrationRow(*row))
    return {
        person_id: [{"code": r.code, "level": r.level, "category": r.category, "date": _iso(r.date)}
                    for r in registrations_for_tier(found, today)]
        for person_id, found in rows.items()
    }


def _predictors(assessment: Assessment) -> dict | None:
    if assessment is None or not assessment.predictors_entered:
        return None
    found = {}
    if assessment.arp is not None:
        found["arp"] = {"score": _number(assessment.arp), "static_or_dynamic": assessment.arp_type or None}
    if assessment.csrp is not None:
        found["csrp"] = {"score": _number(assessment.csrp), "static_or_dynamic": assessment.csrp_type or None}
    if assessment.dc_srp is not None:
        found["dc_srp"] = {"score": _number(assessment.dc_srp), "band": assessment.dc_srp_band or None}
    return found or None


def _needs_assessment(assessment: Assessment | None) -> dict | None:
    if assessment is None:
        return None
    return {
        "type": "layer3",
        "status": "complete",
        "completed_date": _iso(timezone.localdate(assessment.final_at)),
        "needs": {n.area.tier_key: n.severity for n in assessment.need_ratings.all()},
        "parental_responsibilities": assessment.parental_responsibilities,
        "impulsivity": assessment.impulsivity,
        "temper_control": assessment.temper_control,
    }


def _conviction(sentence: Sentence) -> dict:
    licence = sentence.sentence_type.kind == SentenceKind.LICENCE
    return {
        "sentence_type": CUSTODIAL_CODE if licence else sentence.sentence_type.code,
        "termination_date": _iso(sentence.terminated_on),
        "requirements": [
            {"main_category": MAIN_CATEGORIES.get(r.requirement_type.code, r.requirement_type.code),
             "restrictive": r.requirement_type.code in RESTRICTIVE_REQUIREMENTS}
            for r in sentence.requirements.all() if r.terminated_on is None
        ],
    }


def tier_lines(people, today: datetime.date) -> dict[int, dict]:
    """The rules' input for each person, keyed by person id, in a fixed number of queries."""
    people = list(people)
    ids = [p.pk for p in people]
    assessments = {
        a.person_id: a for a in Assessment.objects.filter(person_id__in=ids, status=Assessment.Status.COMPLETE)
        .prefetch_related(Prefetch("need_ratings", queryset=NeedRating.objects.select_related("area")))
    }
    sentences = defaultdict(list)
    for s in (Sentence.objects.filter(person_id__in=ids).select_related("sentence_type")
              .prefetch_related("requirements__requirement_type").order_by("start_date", "id")):
        sentences[s.person_id].append(s)
    enforced = set(
        Breach.objects.filter(sentence__person_id__in=ids,
                              started_on__gt=today - datetime.timedelta(days=ENFORCEMENT_WINDOW_DAYS),
                              started_on__lte=today)
        .exclude(status__in=NOT_ENFORCEMENT).values_list("sentence__person_id", flat=True))
    registrations = protection_registrations(ids, today)
    lines = {}
    for person in people:
        assessment = assessments.get(person.pk)
        own = sentences.get(person.pk, [])
        licences = [s.start_date for s in own if s.sentence_type.kind == SentenceKind.LICENCE]
        line = {
            "calculation_date": today.isoformat(),
            "gender": _gender(person),
            "rsr": _number(assessment.rsr) if assessment else None,
            "ogrs": _whole(assessment.ogrs3_two_year) if assessment else None,
            "registrations": registrations.get(person.pk, []),
            "convictions": [_conviction(s) for s in own],
            "previous_enforcement_activity": person.pk in enforced,
            "has_active_event": any(s.terminated_on is None for s in own),
            "latest_release_date": _iso(max(licences)) if licences else None,
            "needs_assessment": _needs_assessment(assessment),
            "predictors": _predictors(assessment),
            "ever_committed_sexual_offence": bool(assessment and assessment.sexual_offence_history),
        }
        if assessment is not None:
            # The latest RoSH assessment replaces the RoSH registrations.
            line["rosh"] = assessment.overall_rosh
        lines[person.pk] = line
    return lines
