"""The daily tier check: recalculate only the people whose tier the date alone may have changed.

Every action that changes a tier input recalculates at once (docs/assessments.md lists them). What is left
for the morning is what changes with the date alone; ``adapter.next_check`` lists those boundaries and each
calculation stores the first one ahead of it (``TierCalculation.next_check_on``). So the daily check is:

- the people whose latest calculation's next check has come (one indexed query), and
- supervised people (an order or licence not terminated) with no calculation at all (one query),

recalculated through ``recalculate_tiers``, which stores a calculation only where something changed and
otherwise moves the next check on. A quiet day costs two queries and writes nothing.

``check_tiers(today, full=True)`` (``manage.py recalculate_tiers``) recalculates everyone with an order or a
calculation instead: for after a rules change, or anything written outside the actions.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from openprobation.people.models import Person
from openprobation.sentences.models import Sentence

from ..models import TierCalculation
from .calculate import recalculate_ids, recalculate_tiers

DAILY_TRIGGER = "Daily check"


def due_people(today: datetime.date, person_ids=None) -> list[int]:
    """The people the daily check recalculates, by id."""
    due = TierCalculation.objects.filter(next_check_on__lte=today)
    supervised = Person.objects.filter(
        Exists(Sentence.objects.filter(person_id=OuterRef("pk"), terminated_on__isnull=True)),
        ~Exists(TierCalculation.objects.filter(person_id=OuterRef("pk"))))
    if person_ids is not None:
        due, supervised = due.filter(person_id__in=list(person_ids)), supervised.filter(pk__in=list(person_ids))
    return sorted(set(due.values_list("person_id", flat=True)) | set(supervised.values_list("pk", flat=True)))


def everyone(person_ids=None):
    """Everyone a full recalculation covers: with an order or licence not terminated, or a tier already."""
    people = Person.objects.filter(Q(Exists(Sentence.objects.filter(person_id=OuterRef("pk"),
                                                                   terminated_on__isnull=True)))
                                   | Q(Exists(TierCalculation.objects.filter(person_id=OuterRef("pk")))))
    return people if person_ids is None else people.filter(pk__in=list(person_ids))


def check_tiers(today: datetime.date, *, person_ids=None, full: bool = False,
                trigger: str = DAILY_TRIGGER) -> dict:
    """The daily sweep's tier step: the people due (or everyone, ``full=True``), storing only what changed.
    Returns counts: due (people looked at), checked, recalculated, changed."""
    if full:
        people = everyone(person_ids)
        counts = recalculate_tiers(people, today=today, trigger=trigger)
        return {"due": counts["checked"], **counts}
    ids = due_people(today, person_ids)
    counts = recalculate_ids(ids, today=today, trigger=trigger)
    return {"due": len(ids), **counts}
