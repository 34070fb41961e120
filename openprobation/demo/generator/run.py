"""Generate a whole demo: organisation and staff, then each team's cases in turn, then one audit event."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from openprobation.audit.record import record
from openprobation.staff.models import Region

from .cases import build_team
from .context import NamePools, RunContext, TeamContext
from .errors import DemoDataExists
from .organisation import build_organisation, build_staff
from .plan import people_for_scale, plan_organisation
from .reference import Reference
from .reset import delete_domain_data, domain_data_exists
from .writer import write

# Printed by the command and the README; only these accounts can sign in.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (a published demo password, never used in production data)


@dataclass
class Result:
    people: int
    seed: int
    today: date
    counts: Counter = field(default_factory=Counter)
    sign_ins: dict = field(default_factory=dict)  # username -> User
    seconds: float = 0.0
    deleted_people: int = 0


def generate(
    *,
    scale: str | int = "small",
    seed: int = 1,
    today: date,
    history_months: int = 12,
    reset: bool = False,
    progress=None,
) -> Result:
    """Build the demo. Refuses if people or teams exist, unless ``reset`` deletes the old demo first.

    ``progress`` is called after each team with (teams done, teams in all) for long runs.
    """
    started = time.monotonic()
    people = people_for_scale(scale)
    result = Result(people=people, seed=seed, today=today)
    if domain_data_exists():
        if not reset:
            raise DemoDataExists(
                "The database already holds people or teams. Run again with --reset to delete the people, "
                "their sentences and their history first (staff and the audit trail are kept)."
            )
        result.deleted_people = delete_domain_data()

    plan = plan_organisation(people, seed)
    run = RunContext(
        seed=seed,
        today=today,
        history_months=history_months,
        ref=Reference(),
        pools=NamePools.build(seed),
        # Hashing is deliberately slow, so the demo password is hashed once for every fixed account.
        password_hash=make_password(DEMO_PASSWORD),
        unusable_hash=make_password(None),
    )
    with transaction.atomic():
        org = build_organisation(plan)
        staff_by_team, result.sign_ins = build_staff(
            plan, org, run.pools, seed, password_hash=run.password_hash, unusable_hash=run.unusable_hash
        )
    result.counts["staff.Team"] = len(plan.teams)
    result.counts["staff.User"] = (
        sum(len(s.practitioners) + len(s.case_admins) + 1 for s in staff_by_team.values()) + 5
    )

    fixed_practitioner = result.sign_ins["practitioner"]
    for done, team_plan in enumerate(plan.teams, start=1):
        staff = staff_by_team[team_plan.code]
        ctx = TeamContext(
            run=run,
            plan=team_plan,
            team=staff.team,
            office=staff.office,
            practitioners=staff.practitioners,
            manager=staff.manager,
            case_admins=staff.case_admins,
            fixed_practitioner=fixed_practitioner if fixed_practitioner in staff.practitioners else None,
        )
        # One team at a time: build in memory, write, forget. Memory stays flat at any scale.
        result.counts.update(
            write(build_team(ctx), now=run.now, appointment_type_ids=run.ref.appointment_type_ids)
        )
        if progress:
            progress(done, len(plan.teams))

    result.seconds = round(time.monotonic() - started, 1)
    record(
        "demo_data_generated",
        Region.objects.get(code=plan.regions[0][0]),
        by=None,
        seed=seed,
        today=today,
        scale=str(scale),
        history_months=history_months,
        reset=reset,
        deleted_people=result.deleted_people,
        seconds=result.seconds,
        counts=dict(sorted(result.counts.items())),
    )
    return result
