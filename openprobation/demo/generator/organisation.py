"""Regions, delivery units, offices, teams and staff, upserted by their codes and usernames.

Upserting (rather than deleting and re-inserting) keeps staff rows, and so the audit trail that points
at them, stable across `--reset` runs with the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db.models import ProtectedError

from openprobation.staff.models import DeliveryUnit, Office, Region, Role, Team, User

from .context import NamePools
from .errors import DemoDataError
from .plan import OrganisationPlan
from .util import email_local, stable_int
from .vocab import STAFF_EMAIL_DOMAIN

# The fixed sign-ins printed by the command and the README, one for every role the demo shows:
# (username, role, in the first team?).
FIXED_SIGN_INS = [
    ("practitioner", Role.PROBATION_OFFICER, True),
    ("manager", Role.SENIOR_PROBATION_OFFICER, True),
    ("caseadmin", Role.CASE_ADMINISTRATOR, True),
    ("court", Role.COURT_OFFICER, False),
    ("provider", Role.PROVIDER, False),
    ("partner", Role.PARTNER, False),
    ("inspector", Role.INSPECTOR, False),
    ("dpo", Role.DATA_PROTECTION, False),
    ("admin", Role.ADMIN, False),
]
# The fixed sign-ins in no team, in the order of their staff codes (<first region>X01, X02, ...).
WITHOUT_TEAM = [(username, role) for username, role, in_team in FIXED_SIGN_INS if not in_team]


@dataclass
class TeamStaff:
    team: Team
    office: Office
    practitioners: list = field(default_factory=list)
    manager: User | None = None
    case_admins: list = field(default_factory=list)
    others: list = field(default_factory=list)  # staff of a team that holds no cases


def _upsert(model, rows, fields):
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["code"], update_fields=fields)
    return model.objects.in_bulk([r.code for r in rows], field_name="code")


def build_organisation(plan: OrganisationPlan) -> dict:
    regions = _upsert(Region, [Region(code=c, name=n) for c, n in plan.regions], ["name"])
    units = _upsert(
        DeliveryUnit,
        [DeliveryUnit(code=u.code, name=u.name, region=regions[u.region_code]) for u in plan.delivery_units],
        ["name", "region"],
    )
    offices = _upsert(
        Office,
        [
            Office(code=o.code, name=o.name, address=o.address, delivery_unit=units[o.delivery_unit_code])
            for o in plan.offices
        ],
        ["name", "address", "delivery_unit"],
    )
    teams = _upsert(
        Team,
        [
            Team(
                code=t.code,
                name=t.name,
                delivery_unit=units[t.delivery_unit_code],
                office=offices[t.office_code],
            )
            for t in plan.teams
        ],
        ["name", "delivery_unit", "office"],
    )
    _remove_stale(plan)
    return {"regions": regions, "offices": offices, "teams": teams}


def _remove_stale(plan: OrganisationPlan) -> None:
    """Drop units left by an earlier, bigger run, where nothing refers to them any more."""
    for model, codes in (
        (Team, {t.code for t in plan.teams}),
        (Office, {o.code for o in plan.offices}),
        (DeliveryUnit, {u.code for u in plan.delivery_units}),
        (Region, {c for c, _ in plan.regions}),
    ):
        for stale in model.objects.exclude(code__in=codes):
            try:
                stale.delete()
            except ProtectedError:
                continue


class StaffNames:
    def __init__(self, pools: NamePools, seed: int):
        self.pools = pools
        self.rng = random.Random(stable_int(seed, "staff"))
        self.taken: set[str] = {u for u, _, _ in FIXED_SIGN_INS}

    def person(self) -> tuple[str, str, str]:
        first = self.pools.first_name(self.rng, self.rng.choice("MF"))
        last = self.rng.choice(self.pools.surname)
        base = email_local(first, last)[:140]
        username, n = base, 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        return username, first, last


def build_staff(
    plan: OrganisationPlan, org: dict, pools: NamePools, seed: int, *, password_hash: str, unusable_hash: str
) -> tuple[dict[str, TeamStaff], dict[str, User]]:
    names = StaffNames(pools, seed)
    rows: list[tuple[User, str | None, str]] = []  # (user, team code, part) in a stable order

    def add(username, first, last, role, team_code, staff_code, part, fixed=False):
        team = org["teams"][team_code] if team_code else None
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{STAFF_EMAIL_DOMAIN}",
            role=role,
            staff_code=staff_code,
            team=team,
            password=password_hash if fixed else unusable_hash,
            is_active=True,
        )
        rows.append((user, team_code, part))

    fixed = {username: role for username, role, _ in FIXED_SIGN_INS}
    for position, team_plan in enumerate(plan.teams):
        code = team_plan.code
        first_team = position == 0
        username, first, last = names.person()
        add(
            "manager" if first_team else username,
            first,
            last,
            Role.SENIOR_PROBATION_OFFICER,
            code,
            f"{code}M",
            "manager",
            fixed=first_team,
        )
        for n, role in enumerate(team_plan.practitioner_roles, start=1):
            username, first, last = names.person()
            is_fixed = first_team and n == 1
            add(
                "practitioner" if is_fixed else username,
                first,
                last,
                role,
                code,
                f"{code}{n:02d}",
                "practitioner",
                fixed=is_fixed,
            )
        for n in range(1, team_plan.case_admins + 1):
            username, first, last = names.person()
            is_fixed = first_team and n == 1
            add(
                "caseadmin" if is_fixed else username,
                first,
                last,
                Role.CASE_ADMINISTRATOR,
                code,
                f"{code}A" if n == 1 else f"{code}A{n}",
                "case_admin",
                fixed=is_fixed,
            )
        for n, role in enumerate(team_plan.support_roles, start=1):
            username, first, last = names.person()
            add(username, first, last, role, code, f"{code}{n:02d}", "other")
    region_code = plan.regions[0][0]
    for n, (username, role) in enumerate(WITHOUT_TEAM, start=1):
        _, first, last = names.person()
        add(username, first, last, role, None, f"{region_code}X{n:02d}", "other", fixed=True)

    planned = [user for user, _, _ in rows]
    clashes = User.objects.filter(username__in=list(fixed)).exclude(email__endswith="@" + STAFF_EMAIL_DOMAIN)
    if clashes.exists():
        taken = ", ".join(sorted(clashes.values_list("username", flat=True)))
        raise DemoDataError(f"These demo usernames belong to accounts the demo did not create: {taken}.")
    _retire_stale_staff({u.username for u in planned})
    User.objects.bulk_create(
        planned,
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=[
            "first_name",
            "last_name",
            "email",
            "role",
            "staff_code",
            "team",
            "password",
            "is_active",
        ],
    )
    saved = User.objects.in_bulk([u.username for u in planned], field_name="username")

    by_team: dict[str, TeamStaff] = {
        t.code: TeamStaff(team=org["teams"][t.code], office=org["offices"][t.office_code]) for t in plan.teams
    }
    for user, team_code, part in rows:
        stored = saved[user.username]
        if part == "manager":
            by_team[team_code].manager = stored
        elif part == "practitioner":
            by_team[team_code].practitioners.append(stored)
        elif part == "case_admin":
            by_team[team_code].case_admins.append(stored)
        elif part == "other" and team_code:
            by_team[team_code].others.append(stored)
    return by_team, {username: saved[username] for username in fixed}


def _retire_stale_staff(planned_usernames: set[str]) -> None:
    """Free staff codes and teams held by demo accounts from an earlier run.

    Accounts referred to by the audit trail cannot be deleted; they are deactivated instead.
    """
    generated = User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN)
    generated.update(staff_code=None)
    for stale in generated.exclude(username__in=planned_usernames):
        try:
            stale.delete()
        except ProtectedError:
            User.objects.filter(pk=stale.pk).update(is_active=False, team=None)
