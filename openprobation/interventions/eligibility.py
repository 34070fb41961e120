"""Who a contract can take: region, age, sex, and whether it is accepting referrals today."""

from __future__ import annotations

from datetime import date

from openprobation.core.calendar import format_date

from .models import ContractStatus


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def person_region_id(person):
    team = person.team
    if team is None:
        return None
    return team.delivery_unit.region_id


def eligibility_problems(contract, person, today: date) -> list[str]:
    """Why ``person`` cannot be referred to ``contract`` today; empty when they can.

    Reads ``person.team.delivery_unit`` and the contract's own fields: select them with the person.
    """
    problems = []
    if contract.status != ContractStatus.ACTIVE:
        problems.append(f"The contract is {contract.get_status_display().lower()}, so it is not taking referrals")
    elif not contract.start_date <= today <= contract.end_date:
        problems.append(
            f"The contract takes referrals from {format_date(contract.start_date)} to {format_date(contract.end_date)}"
        )
    region = person_region_id(person)
    if region is None:
        problems.append("The case has no team, so its region is not known: allocate it first")
    elif region != contract.region_id:
        problems.append("The service is for another region")
    age = age_on(person.date_of_birth, today)
    if age < contract.min_age:
        problems.append(f"The service is for people aged {contract.min_age} or over")
    if contract.max_age is not None and age > contract.max_age:
        problems.append(f"The service is for people aged {contract.max_age} or under")
    if person.gender == "M" and not contract.allows_male:
        problems.append("The service is for women only")
    if person.gender == "F" and not contract.allows_female:
        problems.append("The service is for men only")
    return problems
