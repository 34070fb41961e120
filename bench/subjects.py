"""Who and what the benchmarks look at, chosen from the demo data the same way on every run."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from openprobation.people.models import Person
from openprobation.staff.models import Role, Team, User
from openprobation.supervision.models import Contact, Outcome

PRACTITIONER_ROLES = [Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER]
TEAM_PRACTITIONERS = 8


@dataclass
class Cast:
    practitioner: User  # the demo practitioner: about 60 cases
    manager: User  # the manager of a team of eight practitioners
    team: Team
    busiest: Person  # the practitioner's case with the longest activity log (more than 2,000 entries)
    case: Person  # the case whose overview is timed and whose CRN is searched for
    contacts: int
    misspelt: str

    def describe(self) -> str:
        cases = self.practitioner.caseload.count()
        practitioners = self.team.members.filter(role__in=PRACTITIONER_ROLES, is_active=True).count()
        return (
            f"Practitioner {self.practitioner.username} ({cases} cases); manager {self.manager.username} of "
            f"{self.team} ({practitioners} practitioners, {self.team.cases.count()} cases); case {self.case.crn} "
            f"with {self.contacts:,} contacts; misspelt search '{self.misspelt}'"
        )

    def as_dict(self) -> dict:
        return {
            "practitioner": self.practitioner.username,
            "practitioner_cases": self.practitioner.caseload.count(),
            "manager": self.manager.username,
            "team": self.team.name,
            "team_cases": self.team.cases.count(),
            "case": self.case.crn,
            "case_contacts": self.contacts,
            "misspelt_search": self.misspelt,
        }


def cast() -> Cast:
    practitioner = User.objects.get(username="practitioner")
    busiest = (
        Person.objects.filter(practitioner=practitioner).annotate(n=Count("contacts")).order_by("-n", "crn").first()
    )
    team = _team_of_eight()
    manager = team.members.filter(role=Role.SENIOR_PROBATION_OFFICER, is_active=True).order_by("pk").first()
    surname = busiest.surname
    # Swap the last two letters of the surname: "Smiht" for "Smith".
    misspelt = f"{busiest.first_name} {surname[:-2] + surname[-1] + surname[-2] if len(surname) > 2 else surname}"
    return Cast(practitioner, manager, team, busiest, busiest, busiest.n, misspelt)


def _team_of_eight() -> Team:
    practitioners = Count("members", filter=Q(members__role__in=PRACTITIONER_ROLES, members__is_active=True))
    teams = Team.objects.annotate(n=practitioners).filter(
        members__role=Role.SENIOR_PROBATION_OFFICER, cases__isnull=False
    ).distinct()
    return teams.filter(n=TEAM_PRACTITIONERS).order_by("code").first() or teams.order_by("-n", "code").first()


class Clients:
    """One signed-in test client per user (with a verified second factor where the role needs one)."""

    def __init__(self):
        self._clients: dict[int, Client] = {}

    def for_user(self, user) -> Client:
        if user.pk not in self._clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            _verify_second_factor(client, user)
            self._clients[user.pk] = client
        return self._clients[user.pk]


def _verify_second_factor(client: Client, user) -> None:
    """Benchmark databases only: give the user a confirmed TOTP device and mark the session verified."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openprobation.staff import twofactor

    if not twofactor.is_required_for(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def overdue_appointments(count: int) -> list[Contact]:
    """Past appointments still waiting for an outcome, on allocated cases, oldest id first."""
    return list(
        Contact.objects.outcome_due(timezone.now())
        .filter(rescheduled_to__isnull=True, person__practitioner__isnull=False, person__practitioner__is_active=True)
        .select_related("person__practitioner")
        .order_by("pk")[:count]
    )


def attended_outcome_id() -> int:
    return Outcome.objects.get(code="ATTC").pk


def expect(response, status: int, url: str) -> None:
    if response.status_code != status:
        location = response.get("Location", "")
        raise SystemExit(f"{url} answered {response.status_code} {location}, expected {status}")
