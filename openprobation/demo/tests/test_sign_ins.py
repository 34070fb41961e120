"""The demo's sign-ins, one for every role, and what each of them has to look at.

The demo is set on today's date here (not the fixed date of test_generator): shares and inspection samples are
judged against the real date when a page is requested.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import CaseShare, InspectionSample, active_on
from openprobation.demo.generator import DEMO_PASSWORD, generate
from openprobation.interventions.models import ContractStatus, ProviderMembership, Referral, TransitionKind
from openprobation.interventions.permissions import referrals_for_provider_user
from openprobation.people.models import Person
from openprobation.staff.models import Role, User
from openprobation.staff.twofactor import is_required_for
from openprobation.supervision.compliance import caseload_compliance

SIGN_INS = {
    "practitioner": Role.PROBATION_OFFICER,
    "manager": Role.SENIOR_PROBATION_OFFICER,
    "caseadmin": Role.CASE_ADMINISTRATOR,
    "court": Role.COURT_OFFICER,
    "provider": Role.PROVIDER,
    "partner": Role.PARTNER,
    "inspector": Role.INSPECTOR,
    "dpo": Role.DATA_PROTECTION,
    "admin": Role.ADMIN,
}


def scenario_referral():
    """The protective mentoring service on the disputed contract, for the man who leaves approved premises."""
    return Referral.objects.get(
        person__practitioner__username="practitioner", protective=True, contract__status=ContractStatus.IN_DISPUTE,
        person__transitions__kind=TransitionKind.APPROVED_PREMISES,
    )


@pytest.fixture
def demo(db):
    return generate(scale=80, seed=1, today=timezone.localdate())


def test_every_role_but_pso_has_a_fixed_sign_in_with_the_demo_password(demo):
    users = {u.username: u for u in User.objects.filter(username__in=SIGN_INS)}
    assert {name: users[name].role for name in users} == SIGN_INS
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD), user.username
        assert user.is_active
    assert set(demo.sign_ins) == set(SIGN_INS)
    assert set(Role.values) - set(SIGN_INS.values()) == {Role.PROBATION_SERVICES_OFFICER}
    # No random account of these roles any more: the fixed one is the only one of its role among the staff.
    for role in (Role.COURT_OFFICER, Role.PARTNER, Role.INSPECTOR, Role.DATA_PROTECTION, Role.ADMIN):
        assert list(User.objects.filter(role=role, is_active=True).values_list("username", flat=True)) == [
            username for username, r in SIGN_INS.items() if r == role
        ]
    # The two-factor roles the README names.
    assert {u.username for u in users.values() if is_required_for(u)} == {"manager", "dpo", "admin"}


def test_staff_codes_are_unique_and_the_same_on_every_run(demo):
    codes = dict(User.objects.exclude(staff_code=None).values_list("username", "staff_code"))
    assert len(set(codes.values())) == len(codes)
    assert {codes[name] for name in ("court", "provider", "partner", "inspector", "dpo", "admin")} == {
        f"{demo_region()}X{n:02d}" for n in range(1, 7)
    }
    generate(scale=80, seed=1, today=timezone.localdate(), reset=True)
    assert dict(User.objects.exclude(staff_code=None).values_list("username", "staff_code")) == codes


def demo_region() -> str:
    return User.objects.get(username="manager").team.delivery_unit.region.code


def test_the_provider_manages_hope_and_sees_the_disputed_mentoring_referral(demo, client):
    provider = User.objects.get(username="provider")
    membership = ProviderMembership.objects.select_related("provider").get(user=provider)
    assert (membership.provider.code, membership.is_manager) == ("HOPE", True)
    disputed = scenario_referral()
    visible = referrals_for_provider_user(provider)
    assert visible.filter(pk=disputed.pk).exists()
    assert not visible.exclude(contract__provider=membership.provider).exists()
    client.force_login(provider)
    assert client.get("/").url == reverse("interventions:provider-home")
    assert client.get(reverse("interventions:provider-home")).status_code == 200
    page = client.get(reverse("interventions:provider-referral", args=[disputed.pk]))
    assert page.status_code == 200
    assert disputed.reference in page.text


def test_the_partner_opens_the_cases_shared_with_it_and_no_other(demo, client):
    today = timezone.localdate()
    partner = User.objects.get(username="partner")
    shares = CaseShare.objects.filter(partner=partner).select_related("person__practitioner", "added_by")
    active = list(shares.filter(active_on(today)))
    assert len(active) >= 2
    for share in shares:
        assert share.reason
        assert share.added_by == share.person.practitioner  # shared by the case's own practitioner
    disputed = scenario_referral()
    assert disputed.person_id in {s.person_id for s in active}
    ended = shares.exclude(active_on(today)).get()
    assert ended.ended_by == ended.added_by
    assert ended.end_date < today

    client.force_login(partner)
    listing = client.get(reverse("access:shared-with-me"))
    assert listing.status_code == 200
    for share in active:
        assert share.person.crn in listing.text
        assert client.get(reverse("case:overview", args=[share.person.crn])).status_code == 200
    assert ended.person.crn not in listing.text
    assert client.get(reverse("case:overview", args=[ended.person.crn])).status_code == 404
    not_shared = Person.objects.exclude(shares__partner=partner).order_by("crn").first()
    assert client.get(reverse("case:overview", args=[not_shared.crn])).status_code == 404


def test_the_inspector_opens_a_dozen_first_team_cases_of_several_compliance_situations(demo, client):
    today = timezone.localdate()
    inspector = User.objects.get(username="inspector")
    team = User.objects.get(username="manager").team
    sample = InspectionSample.objects.get(inspectors=inspector)
    assert sample.is_active(today)
    assert sample.created_by.username == "admin"
    sampled = list(sample.people.order_by("crn"))
    assert len(sampled) == 12
    assert {p.team_id for p in sampled} == {team.pk}
    situations = {status.label for status in caseload_compliance([p.pk for p in sampled], today).values()}
    assert len(situations) >= 4, situations

    client.force_login(inspector)
    assert client.get(reverse("access:inspections")).status_code == 200
    page = client.get(reverse("access:inspection", args=[sample.pk]))
    assert page.status_code == 200
    for person in sampled:
        assert person.crn in page.text
        assert client.get(reverse("case:overview", args=[person.crn])).status_code == 200
    outside = Person.objects.filter(team=team).exclude(inspection_samples=sample).order_by("crn").first()
    assert client.get(reverse("case:overview", args=[outside.crn])).status_code == 404


def test_a_reset_replaces_the_inspection_sample_and_the_shares(demo):
    before = (CaseShare.objects.count(), InspectionSample.objects.get().people.count())
    generate(scale=80, seed=1, today=timezone.localdate(), reset=True)
    assert (CaseShare.objects.count(), InspectionSample.objects.get().people.count()) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_national_bulk_load_shares_cases_and_sets_up_the_inspection():
    result = generate(scale=80, seed=1, today=timezone.localdate(), bulk=True)
    assert "sharing" in result.timings
    assert result.counts["access.CaseShare"] == CaseShare.objects.filter(partner__username="partner").count() >= 3
    assert InspectionSample.objects.get(inspectors__username="inspector").people.count() == 12


def test_the_command_prints_every_sign_in(db, capsys):
    call_command("demo_data", "--scale", "30", "--seed", "3")
    out = capsys.readouterr().out
    for username, role in SIGN_INS.items():
        assert f"  {username:<13} {role.label}" in out
