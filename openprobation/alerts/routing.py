"""Who an alert goes to: the case's practitioner, and the manager (SPO) of the case's team.

Both lookups are one query for any number of teams, so a sweep routes a whole batch at once.
"""

from __future__ import annotations

from openprobation.staff.models import Role, User


def team_managers(team_ids) -> dict[int, User]:
    """The senior probation officer of each team (the longest-serving active one where there are several)."""
    ids = {pk for pk in team_ids if pk is not None}
    if not ids:
        return {}
    managers: dict[int, User] = {}
    for user in User.objects.filter(team_id__in=ids, role=Role.SENIOR_PROBATION_OFFICER, is_active=True).order_by(
        "team_id", "pk"
    ):
        managers.setdefault(user.team_id, user)
    return managers


def manager_of(person) -> User | None:
    return team_managers([person.team_id]).get(person.team_id)


def owner_of(person, managers: dict[int, User] | None = None) -> User | None:
    """The practitioner who holds the case; an unallocated case's alerts go to its team's manager."""
    practitioner = person.practitioner
    if practitioner is not None and practitioner.is_active:
        return practitioner
    managers = managers if managers is not None else team_managers([person.team_id])
    return managers.get(person.team_id)
