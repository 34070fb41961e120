"""Who else sees the demo's cases: cases shared with the public protection partner, and an inspection sample.

Runs once after the people, their flags and their services are written. The rows are shaped as
`access.actions.share_case` and `create_inspection_sample` write them: dated, with a reason, added by someone
the app lets do it (a case's own practitioner shares it; the system administrator sets up the inspection).
Like the rest of the bulk load it writes no AuditEvent per row: the run's `demo_data_generated` event counts
them. A handful of rows at any scale, chosen from the data in a fixed order, so the same seed and date give
the same shares and sample.

What the demo shows:
- `partner` (a police public protection officer) has the cases of the fixed practitioner that need it: the man
  whose protective mentoring is on the disputed contract and who leaves approved premises soon, and up to
  three cases under MAPPA management; plus one share that ended, so the case's Sharing tab has a history.
- `inspector` is on an inspection in progress (it started a week ago and ends in seven weeks) whose sample is
  a dozen cases of the first team, spread over the compliance situations the team's cases are in. Every other
  case is "not found" to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from openprobation.access.models import CaseShare, InspectionSample
from openprobation.interventions.models import ContractStatus, Referral, TransitionKind
from openprobation.interventions.models.referrals import LIVE_STATUSES
from openprobation.people.models import Person
from openprobation.protection.models import Registration
from openprobation.supervision.compliance import caseload_compliance

from .service_referrals import historical_timestamps
from .util import at

MAPPA_SHARES = 3
SAMPLE_SIZE = 12
INSPECTION_STARTED_DAYS_AGO = 7
INSPECTION_WEEKS = 8
MAPPA_CATEGORIES = {
    "M1": "category 1 (registered sexual offender)",
    "M2": "category 2 (violent offender)",
    "M3": "category 3 (other dangerous offender)",
    "M4": "category 4 (terrorist or terrorist-risk offender)",
}
MAPPA_LEVELS = {"M1": "level 1", "M2": "level 2", "M3": "level 3"}
DISPUTE_REASON = (
    "Protective mentoring (supervised internet use) is at risk from a contract dispute, and the move out of "
    "approved premises is close: the police public protection unit needs the risk picture for the joint plan."
)
ENDED_REASON = "Police enquiry after a domestic incident call-out, for the risk assessment; the enquiry has closed."

STAMPED = (CaseShare._meta.get_field("added_at"), InspectionSample._meta.get_field("created_at"))


def build_sharing(*, run, sign_ins) -> Counter:
    """Share some of the fixed practitioner's cases with `partner`; give `inspector` an inspection sample."""
    with historical_timestamps(*STAMPED):
        shares = _shares(run, sign_ins["practitioner"], sign_ins["partner"])
        CaseShare.objects.bulk_create(shares)
        sample = _inspection(run, sign_ins["manager"].team, sign_ins["inspector"], sign_ins["admin"])
    return Counter({"access.CaseShare": len(shares), "access.InspectionSample": 1 if sample else 0})


def _scenario_referral(practitioner):
    """The scenario's protective mentoring service: on the disputed contract, for the person who leaves
    approved premises soon (the only critical transition the demo records)."""
    return Referral.objects.filter(
        person__practitioner=practitioner, protective=True, status__in=LIVE_STATUSES,
        contract__status=ContractStatus.IN_DISPUTE, person__transitions__kind=TransitionKind.APPROVED_PREMISES,
    ).order_by("pk")


def _shares(run, practitioner, partner) -> list[CaseShare]:
    today, shares, taken = run.today, [], set()

    def share(person, start, reason, end=None, ended=False):
        start = min(max(start, person.allocated_on or start), today)  # shared by its practitioner, by today
        taken.add(person.pk)
        shares.append(CaseShare(
            person=person, partner=partner, start_date=start, end_date=end, reason=reason, added_by=practitioner,
            added_at=at(start, 11, 0, run.tz), ended_by=practitioner if ended else None,
            ended_at=at(end, 9, 30, run.tz) if ended else None,
        ))

    disputed = _scenario_referral(practitioner).select_related("person").first()
    if disputed is not None:
        share(disputed.person, today - timedelta(days=2), DISPUTE_REASON, end=today + timedelta(weeks=12))
    mappa = (Registration.objects.filter(register_type__code="MAPP", deregistered_on__isnull=True,
                                         person__practitioner=practitioner)
             .exclude(person__in=taken).select_related("person").order_by("person__crn"))
    for registration in mappa[:MAPPA_SHARES]:
        category = MAPPA_CATEGORIES.get(registration.category, "")
        level = MAPPA_LEVELS.get(registration.level, "")
        reason = (f"MAPPA {category}, {level}: the risk is managed with the police public protection unit, "
                  "who need to read the record.")
        share(registration.person, registration.registered_on + timedelta(days=7), reason)
    ended = (Person.objects.filter(practitioner=practitioner).exclude(pk__in=taken)
             .filter(allocated_on__lte=today - timedelta(days=200)).order_by("crn").first())
    if ended is not None:
        share(ended, today - timedelta(days=150), ENDED_REASON, end=today - timedelta(days=120), ended=True)
    return shares


def _inspection(run, team, inspector, admin) -> InspectionSample | None:
    """A dozen of the team's cases, one from each compliance situation in turn, in CRN order."""
    # A sample left by an earlier run (its people went with --reset) is replaced, not kept beside the new one.
    InspectionSample.objects.filter(created_by=admin).delete()
    people = list(Person.objects.filter(team=team).order_by("crn").values_list("pk", "crn"))
    statuses = caseload_compliance([pk for pk, _ in people], run.today, now=run.now)
    by_situation = defaultdict(list)
    for pk, _ in people:
        status = statuses[pk]
        by_situation[(status.priority, status.label)].append(pk)
    queues = [by_situation[key] for key in sorted(by_situation)]
    chosen = []
    while queues and len(chosen) < SAMPLE_SIZE:
        for queue in queues:
            if queue and len(chosen) < SAMPLE_SIZE:
                chosen.append(queue.pop(0))
        queues = [queue for queue in queues if queue]
    if not chosen:
        return None
    start = run.today - timedelta(days=INSPECTION_STARTED_DAYS_AGO)
    unit = team.delivery_unit
    sample = InspectionSample.objects.create(
        name=f"Inspection of probation services: {unit.name}", start_date=start,
        end_date=start + timedelta(weeks=INSPECTION_WEEKS), created_by=admin,
        created_at=at(start - timedelta(days=14), 10, 0, run.tz),
    )
    sample.inspectors.set([inspector])
    sample.people.set(chosen)
    return sample
