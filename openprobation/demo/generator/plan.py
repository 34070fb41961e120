"""The shape of a demo region at a given scale, decided before any row is built.

Pure: counts, codes and names only, so the plan can be tested without a database and each team can
then be generated on its own (streaming, bounded memory) from its slice of the plan.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from . import vocab

SCALES = {"small": 2_000, "medium": 20_000, "national": 250_000}
PEOPLE_PER_TEAM = 400
TEAMS_PER_DELIVERY_UNIT = 6
# Above this, the demo spreads over the twelve synthetic regions.
SINGLE_REGION_LIMIT = 50_000
# Teams this small get fewer practitioners, so caseloads stay realistic in small test runs.
FULL_TEAM_PEOPLE = 300
CASELOAD_PER_PRACTITIONER = 55
UNALLOCATED_SHARE = 0.008
PO_WEIGHT, PSO_WEIGHT = 1.1, 0.9
PEOPLE_PER_PRACTITIONER = 60
# A national demo also has the delivery units' teams that hold no cases, so the organisation has its
# real shape (about 1,000 teams and 20,000 staff): (name, roles of the staff under the team's SPO).
SUPPORT_TEAMS = (
    ("Courts", (("court", 10), ("pso", 8), ("case_admin", 3))),
    ("Unpaid Work", (("pso", 35), ("case_admin", 3))),
    ("Interventions", (("po", 6), ("pso", 22), ("case_admin", 3))),
    ("Approved Premises", (("po", 6), ("pso", 26), ("case_admin", 3))),
)
NATIONAL_CASE_ADMINS = 3  # per case-holding team, when the demo spans regions
# Closed cases (people whose last order ended years ago) per active person, for the named scales.
CLOSED_SHARE = {"small": 0.0, "medium": 0.0, "national": 0.3}


def closed_for_scale(scale: str | int) -> int:
    """How many closed cases a named scale adds to its active ones (none for a plain number)."""
    if isinstance(scale, int) or str(scale).isdigit():
        return 0
    return round(SCALES[scale] * CLOSED_SHARE.get(scale, 0.0))


def people_for_scale(scale: str | int) -> int:
    if isinstance(scale, int) or str(scale).isdigit():
        people = int(scale)
        if people < 1:
            raise ValueError("The demo needs at least one person.")
        return people
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"Unknown scale {scale!r}: use {', '.join(SCALES)} or a number of people.") from None


@dataclass(frozen=True)
class TeamPlan:
    code: str
    name: str
    town: str
    postcode_area: str
    delivery_unit_code: str
    office_code: str
    people: int
    first_person: int  # index of the team's first person in the whole demo: CRNs follow from it
    practitioner_roles: tuple[str, ...]  # "po" / "pso", in staff order
    unallocated: int
    closed: int = 0  # people whose supervision ended years ago, last held by this team
    first_closed: int = 0  # index of the team's first closed case: CRNs follow from it
    support_roles: tuple[str, ...] = ()  # staff of a team that holds no cases, under its SPO
    case_admins: int = 1


@dataclass(frozen=True)
class OfficePlan:
    code: str
    name: str
    address: str
    delivery_unit_code: str


@dataclass(frozen=True)
class DeliveryUnitPlan:
    code: str
    name: str
    region_code: str


@dataclass
class OrganisationPlan:
    people: int
    regions: list[tuple[str, str]] = field(default_factory=list)
    delivery_units: list[DeliveryUnitPlan] = field(default_factory=list)
    offices: list[OfficePlan] = field(default_factory=list)
    teams: list[TeamPlan] = field(default_factory=list)
    support: list[TeamPlan] = field(default_factory=list)  # also in `teams`, at the end

    def support_teams_for(self, unit_code: str, town: str, area: str, office_code: str) -> None:
        for number, (name, roles) in enumerate(SUPPORT_TEAMS, start=1):
            self.support.append(
                TeamPlan(
                    code=f"{unit_code}S{number}",
                    name=f"{town} {name}",
                    town=town,
                    postcode_area=area,
                    delivery_unit_code=unit_code,
                    office_code=office_code,
                    people=0,
                    first_person=0,
                    practitioner_roles=(),
                    unallocated=0,
                    support_roles=tuple(role for role, count in roles for _ in range(count)),
                    case_admins=0,
                )
            )


def town_names(count: int) -> list[str]:
    """Fictional town names: the four court towns, then stems and endings combined."""
    names = list(vocab.FIRST_TOWNS)
    for ending in vocab.TOWN_ENDINGS:
        for stem in vocab.TOWN_STEMS:
            if len(names) >= count:
                return names[:count]
            name = stem + ending
            if name not in names:
                names.append(name)
    for n in range(len(names), count):
        names.append(f"{vocab.TOWN_STEMS[n % len(vocab.TOWN_STEMS)]}ford {n}")
    return names[:count]


def postcode_areas(towns: list[str]) -> dict[str, str]:
    """A two-letter postcode area per town that no real UK postcode uses."""
    used = set(vocab.REAL_POSTCODE_AREAS)
    areas = {}
    for town in towns:
        first = town[0].upper() if town[0].upper() not in "QVX" else "Y"
        letters = [c.upper() for c in town[1:] if c.isalpha()] + list(vocab._AREA_SECOND)
        for second in letters:
            candidate = first + second
            if second in vocab._AREA_SECOND and candidate not in used:
                break
        else:  # every pair with this first letter is taken: fall back to any free pair
            candidate = next(
                a + b for a in "ABCDEFGHKLMNOPRSTUWY" for b in vocab._AREA_SECOND if a + b not in used
            )
        used.add(candidate)
        areas[town] = candidate
    return areas


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def practitioner_roles(team_people: int, rng: random.Random, *, first_team: bool = False) -> tuple[str, ...]:
    if team_people >= FULL_TEAM_PEOPLE:
        # Six to eight practitioners, enough to keep caseloads under about 70.
        jitter = 0 if first_team else rng.choice([0, 0, 1])
        count = max(6, min(8, math.ceil(team_people / PEOPLE_PER_PRACTITIONER) + jitter))
    else:
        count = max(2, round(team_people / CASELOAD_PER_PRACTITIONER))
    pos = max(1, round(count * 0.6))
    # The first practitioner is always a PO: in the first team that is the fixed demo sign-in.
    return tuple(["po"] * pos + ["pso"] * (count - pos))


def plan_organisation(people: int, seed: int, *, closed: int = 0) -> OrganisationPlan:
    rng = random.Random(f"{seed}:organisation")
    team_count = max(1, round(people / PEOPLE_PER_TEAM))
    region_count = 1 if people <= SINGLE_REGION_LIMIT else len(vocab.REGION_NAMES)
    national = region_count > 1
    plan = OrganisationPlan(people=people, regions=vocab.REGION_NAMES[:region_count])

    teams_by_region = split_evenly(team_count, region_count)
    people_by_team = split_evenly(people, team_count)
    closed_by_team = split_evenly(closed, team_count)
    first_closed = people
    unit_counts = [max(min(2, n), math.ceil(n / TEAMS_PER_DELIVERY_UNIT)) for n in teams_by_region]
    towns = town_names(sum(unit_counts))
    areas = postcode_areas(towns)

    team_index = 0
    town_index = 0
    first_person = 0
    for (region_code, _), region_teams, units in zip(plan.regions, teams_by_region, unit_counts, strict=True):
        for unit_number, unit_teams in enumerate(split_evenly(region_teams, units), start=1):
            town = towns[town_index]
            town_index += 1
            unit_code = f"{region_code}P{unit_number:02d}"
            plan.delivery_units.append(DeliveryUnitPlan(unit_code, f"{town} PDU", region_code))
            office_codes = []
            for office_number in range(1, max(1, math.ceil(unit_teams / 2)) + 1):
                code = f"{unit_code}O{office_number}"
                name = (
                    f"{town} Probation Office"
                    if office_number == 1
                    else f"{town} Probation Office {office_number}"
                )
                street = ["Station Road", "Market Street", "Queen's Walk", "Mill Lane"][
                    (office_number - 1) % 4
                ]
                address = f"{office_number * 10 + 2} {street}, {town} {areas[town]}1 {office_number}AB"
                plan.offices.append(OfficePlan(code, name, address, unit_code))
                office_codes.append(code)
            for position in range(unit_teams):
                suffix = vocab.TEAM_SUFFIXES[position % len(vocab.TEAM_SUFFIXES)]
                if position >= len(vocab.TEAM_SUFFIXES):
                    suffix += f" {position // len(vocab.TEAM_SUFFIXES) + 1}"
                team_people = people_by_team[team_index]
                plan.teams.append(
                    TeamPlan(
                        code=f"{region_code}T{team_index + 1:03d}",
                        name=f"{town} {suffix}" if unit_teams > 1 else town,
                        town=town,
                        postcode_area=areas[town],
                        delivery_unit_code=unit_code,
                        office_code=office_codes[position % len(office_codes)],
                        people=team_people,
                        first_person=first_person,
                        practitioner_roles=practitioner_roles(team_people, rng, first_team=team_index == 0),
                        # A few new cases per team wait for allocation; very small runs allocate everyone.
                        unallocated=min(team_people // 20, max(1, round(team_people * UNALLOCATED_SHARE))),
                        closed=closed_by_team[team_index],
                        first_closed=first_closed,
                        case_admins=NATIONAL_CASE_ADMINS if national else 1,
                    )
                )
                first_person += team_people
                first_closed += closed_by_team[team_index]
                team_index += 1
            if national:
                plan.support_teams_for(unit_code, town, areas[town], office_codes[0])
    # Teams that hold no cases come after the case-holding ones, so team order (and every CRN) is the
    # same with or without them.
    plan.teams += plan.support
    return plan


def caseload_sizes(allocated: int, roles: tuple[str, ...]) -> list[int]:
    """Split a team's allocated cases between its practitioners: PSOs carry a little less.

    Largest-remainder rounding, so the sizes add up exactly and the result is deterministic.
    """
    weights = [PO_WEIGHT if role == "po" else PSO_WEIGHT for role in roles]
    total = sum(weights)
    exact = [allocated * w / total for w in weights]
    sizes = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(roles)), key=lambda i: (-(exact[i] - sizes[i]), i))
    for i in by_remainder[: allocated - sum(sizes)]:
        sizes[i] += 1
    return sizes
