"""Recalculate tiers and keep their history.

`recalculate_tier(person, by=..., trigger=...)` is called by every action that changes an input (assessments
here; registrations and MAPPA from the protection actions) and by the daily sweep as a safety net
(`recalculate_tiers`). A new TierCalculation is stored only when the inputs or the result differ from the last
one, so running it twice, or every day, adds nothing when nothing changed.
"""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.people.models import Person

from ..models import TierCalculation
from ..rules import jsonl
from ..rules.tier import Scheme, TierError, calculate_tier, calculate_v2, scheme_for
from .adapter import tier_lines

BATCH_SIZE = 500


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)


def _comparable_inputs(line: dict) -> str:
    return _canonical({k: v for k, v in line.items() if k != "calculation_date"})


def evaluate(line: dict) -> dict:
    """The rules' answer for one input line: tier, provisional, reasons, the full result, or an error."""
    try:
        # Exactly what `openprobation rules tier` would read from this line.
        data = jsonl.tier_input(jsonl.parse_line(json.dumps(line, cls=DjangoJSONEncoder)))
        result = jsonl.tier_output(calculate_tier(data))
    except (jsonl.InputError, TierError) as error:
        return {"tier": "", "provisional": False, "reasons": [], "result": {}, "error": str(error),
                "scheme": str(scheme_for(datetime.date.fromisoformat(line["calculation_date"])))}
    if result["scheme"] == Scheme.V3:
        # The national service still computes protect and change beside the single letter: keep it to compare.
        try:
            result["v2"] = jsonl.tier_output(calculate_v2(data))
        except TierError as error:
            result["v2"] = {"error": str(error)}
    return {"tier": result["tier"], "provisional": bool(result.get("provisional", False)),
            "reasons": result["reasons"], "result": result, "error": "", "scheme": result["scheme"]}


def _display(tier: str, provisional: bool) -> str:
    return tier + (" (provisional)" if provisional and tier else "")


def _latest_by_person(person_ids) -> dict[int, TierCalculation]:
    latest = (TierCalculation.objects.filter(person_id=OuterRef("person_id"))
              .order_by("-calculated_at", "-id").values("pk")[:1])
    rows = TierCalculation.objects.filter(person_id__in=list(person_ids), pk=Subquery(latest))
    return {row.person_id: row for row in rows}


def _new_calculation(person, line: dict, latest: TierCalculation | None, *, trigger: str, by,
                     today: datetime.date) -> TierCalculation | None:
    outcome = evaluate(line)
    if latest is not None and _comparable_inputs(latest.inputs) == _comparable_inputs(line) and (
        latest.tier == outcome["tier"] and latest.provisional == outcome["provisional"]
        and latest.error == outcome["error"]
        and _canonical(latest.result.get("derived")) == _canonical(outcome["result"].get("derived"))
    ):
        return None
    previous = _display(latest.tier, latest.provisional) if latest is not None else ""
    current = _display(outcome["tier"], outcome["provisional"])
    return TierCalculation(
        person=person, calculation_date=today, scheme=outcome["scheme"], tier=outcome["tier"],
        provisional=outcome["provisional"], reasons=outcome["reasons"], inputs=line, result=outcome["result"],
        error=outcome["error"], trigger=trigger[:200], triggered_by=by, previous_tier=previous,
        changed=latest is not None and previous != current,
    )


def recalculate_tier(person, *, by=None, trigger: str, today: datetime.date | None = None) -> TierCalculation | None:
    """Recalculate one person's tier; returns the new calculation, or None when nothing changed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        line = tier_lines([person], today)[person.pk]
        latest = _latest_by_person([person.pk]).get(person.pk)
        calculation = _new_calculation(person, line, latest, trigger=trigger, by=by, today=today)
        if calculation is None:
            return None
        calculation.save()
        record("tier_calculated", calculation, by=by, crn=person.crn, tier=calculation.tier,
               provisional=calculation.provisional, previous=calculation.previous_tier,
               changed=calculation.changed, trigger=calculation.trigger, error=calculation.error)
    return calculation


def recalculate_tier_after_commit(person, *, by, trigger: str) -> None:
    """For actions that change a tier input (orders, breaches, flags): recalculate once the change commits.

    The daily sweep's `recalculate_tiers` is the safety net for anything that slips past."""
    transaction.on_commit(lambda: recalculate_tier(person, by=by, trigger=trigger))


def recalculate_tiers(people, *, today: datetime.date, trigger: str = "Daily check", audit: bool = True) -> dict:
    """The safety net: recalculate every given person in batches, storing only what changed.

    ``audit=False`` is for the demo generator's bulk load only (its one audit event covers the run)."""
    counts = {"checked": 0, "recalculated": 0, "changed": 0}
    ids = list(people.order_by("pk").values_list("pk", flat=True)) if hasattr(people, "values_list") else [
        p.pk for p in people]
    for start in range(0, len(ids), BATCH_SIZE):
        batch = list(Person.objects.filter(pk__in=ids[start:start + BATCH_SIZE]).order_by("pk"))
        with transaction.atomic():
            lines = tier_lines(batch, today)
            latest = _latest_by_person([p.pk for p in batch])
            new = []
            for person in batch:
                calculation = _new_calculation(person, lines[person.pk], latest.get(person.pk), trigger=trigger,
                                               by=None, today=today)
                if calculation is not None:
                    new.append(calculation)
            TierCalculation.objects.bulk_create(new)
            for calculation in new if audit else ():
                record("tier_calculated", calculation, by=None, crn=calculation.person.crn, tier=calculation.tier,
                       provisional=calculation.provisional, previous=calculation.previous_tier,
                       changed=calculation.changed, trigger=trigger, error=calculation.error)
        counts["checked"] += len(batch)
        counts["recalculated"] += len(new)
        counts["changed"] += sum(1 for c in new if c.changed)
    return counts
