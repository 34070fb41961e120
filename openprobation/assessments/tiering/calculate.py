"""Recalculate tiers and keep their history.

`recalculate_tier(person, by=..., trigger=...)` is called by every action that changes an input (assessments
here; registrations and MAPPA from the protection actions). A new TierCalculation is stored only when the
inputs or the result differ from the last one, so running it twice, or every day, adds nothing when nothing
changed. The latest calculation also keeps the first day the date alone could change it (``next_check_on``,
see ``adapter.next_check``): the daily sweep (``daily.check_tiers``) recalculates only the people due.
`recalculate_tiers(people, today=...)` recalculates many at once (everyone after a rules change, the demo
generator's load), a fixed number of queries a batch.
"""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from openprobation.audit.record import record
from openprobation.people.models import Person

from ..models import TierCalculation
from ..rules import jsonl
from ..rules.tier import Scheme, TierError, calculate_tier, calculate_v2, scheme_for
from .adapter import lines_and_next_checks

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
    """Each person's latest calculation (one query), without its reasons (never compared)."""
    ids = list(person_ids)
    if connection.vendor == "postgresql":
        rows = (TierCalculation.objects.filter(person_id__in=ids).defer("reasons")
                .order_by("person_id", "-calculated_at", "-id").distinct("person_id"))
    else:
        latest = (TierCalculation.objects.filter(person_id=OuterRef("person_id"))
                  .order_by("-calculated_at", "-id").values("pk")[:1])
        rows = TierCalculation.objects.filter(person_id__in=ids, pk=Subquery(latest)).defer("reasons")
    return {row.person_id: row for row in rows}


def _new_calculation(person_id: int, line: dict, latest: TierCalculation | None, *, trigger: str, by,
                     today: datetime.date, next_check_on: datetime.date | None = None) -> TierCalculation | None:
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
        person_id=person_id, calculation_date=today, scheme=outcome["scheme"], tier=outcome["tier"],
        provisional=outcome["provisional"], reasons=outcome["reasons"], inputs=line, result=outcome["result"],
        error=outcome["error"], trigger=trigger[:200], triggered_by=by, previous_tier=previous,
        changed=latest is not None and previous != current, next_check_on=next_check_on,
    )


def _keep_next_checks(unchanged: list[tuple[TierCalculation, datetime.date | None]],
                      superseded: list[int]) -> None:
    """The latest calculations that still hold take their new next check (one query, only for those whose
    date moved); the ones just superseded lose theirs (one query): only a latest calculation has one."""
    moved = []
    for calculation, next_check_on in unchanged:
        if calculation.next_check_on != next_check_on:
            calculation.next_check_on = next_check_on
            moved.append(calculation)
    if moved:
        TierCalculation.objects.bulk_update(moved, ["next_check_on"])
    if superseded:
        TierCalculation.objects.filter(pk__in=superseded, next_check_on__isnull=False).update(next_check_on=None)


def _insert(calculations: list[TierCalculation]) -> None:
    """``bulk_create``, but on PostgreSQL with COPY: the ids are drawn from the table's sequence first (one
    query), then the rows go in one COPY, each value prepared by its own field as ``bulk_create`` would. The
    ORM's multi-row INSERT quotes every JSON value in Python and costs more than building the rows."""
    if not calculations:
        return
    if connection.vendor != "postgresql":
        TierCalculation.objects.bulk_create(calculations)
        return
    meta = TierCalculation._meta
    fields = meta.concrete_fields
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(calculations)])
        for calculation, (pk,) in zip(calculations, cursor.fetchall(), strict=True):
            calculation.pk = pk
            calculation.calculated_at = now  # auto_now_add
            calculation._state.adding, calculation._state.db = False, connection.alias
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for calculation in calculations:
                copy.write_row([field.get_db_prep_save(getattr(calculation, field.attname), connection)
                                for field in fields])


def recalculate_tier(person, *, by=None, trigger: str, today: datetime.date | None = None) -> TierCalculation | None:
    """Recalculate one person's tier; returns the new calculation, or None when nothing changed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        lines, next_checks = lines_and_next_checks([(person.pk, person.gender)], today)
        latest = _latest_by_person([person.pk]).get(person.pk)
        calculation = _new_calculation(person.pk, lines[person.pk], latest, trigger=trigger, by=by, today=today,
                                       next_check_on=next_checks[person.pk])
        if calculation is None:
            # Nothing changed today, but the date may bring a change later (a flag that starts next week).
            _keep_next_checks([(latest, next_checks[person.pk])], [])
            return None
        calculation.save()
        _keep_next_checks([], [latest.pk] if latest is not None else [])
        record("tier_calculated", calculation, by=by, crn=person.crn, tier=calculation.tier,
               provisional=calculation.provisional, previous=calculation.previous_tier,
               changed=calculation.changed, trigger=calculation.trigger, error=calculation.error)
    return calculation


def recalculate_tier_after_commit(person, *, by, trigger: str) -> None:
    """For actions that change a tier input (orders, breaches, flags): recalculate once the change commits."""
    transaction.on_commit(lambda: recalculate_tier(person, by=by, trigger=trigger))


def recalculate_tiers(people, *, today: datetime.date, trigger: str = "Daily check", audit: bool = True,
                      batch_size: int = BATCH_SIZE) -> dict:
    """Recalculate every given person (a Person queryset, or Person objects) in batches, storing only what
    changed: seven queries of plain values a batch to build the inputs, one for the latest calculations and
    one insert of the new ones (plus an update or two where next checks moved, and an audit event for each
    new calculation unless ``audit=False``).

    Over everyone it is the full recalculation, for after a rules change (``manage.py recalculate_tiers``);
    the daily sweep calls ``check_tiers``, which picks only the people the date alone can have changed.
    ``audit=False`` is for the demo generator's bulk load only (its one audit event covers the run)."""
    ids = list(people.order_by("pk").values_list("pk", flat=True)) if hasattr(people, "values_list") else [
        p.pk for p in people]
    return recalculate_ids(ids, today=today, trigger=trigger, audit=audit, batch_size=batch_size)


def recalculate_ids(ids: list[int], *, today: datetime.date, trigger: str, audit: bool = True,
                    batch_size: int = BATCH_SIZE) -> dict:
    """``recalculate_tiers`` for people given by id."""
    counts = {"checked": 0, "recalculated": 0, "changed": 0}
    for start in range(0, len(ids), batch_size):
        batch = list(Person.objects.filter(pk__in=ids[start:start + batch_size]).order_by("pk")
                     .values_list("pk", "gender", "crn"))
        with transaction.atomic():
            lines, next_checks = lines_and_next_checks([(pk, gender) for pk, gender, _ in batch], today)
            latest = _latest_by_person([pk for pk, _, _ in batch])
            new, crns, unchanged, superseded = [], [], [], []
            for pk, _, crn in batch:
                before = latest.get(pk)
                calculation = _new_calculation(pk, lines[pk], before, trigger=trigger, by=None, today=today,
                                               next_check_on=next_checks[pk])
                if calculation is None:
                    unchanged.append((before, next_checks[pk]))
                    continue
                new.append(calculation)
                crns.append(crn)
                if before is not None:
                    superseded.append(before.pk)
            _insert(new)
            _keep_next_checks(unchanged, superseded)
            for calculation, crn in zip(new, crns, strict=True) if audit else ():
                record("tier_calculated", calculation, by=None, crn=crn, tier=calculation.tier,
                       provisional=calculation.provisional, previous=calculation.previous_tier,
                       changed=calculation.changed, trigger=trigger, error=calculation.error)
        counts["checked"] += len(batch)
        counts["recalculated"] += len(new)
        counts["changed"] += sum(1 for c in new if c.changed)
    return counts
