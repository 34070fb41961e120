"""The fixed cast every test can use, covering each role.

alice: the allocated practitioner (PO) of the team "Northwold North";
bob: a colleague in the same team; carol: a practitioner in another team;
mandy: the team manager (SPO) of Northwold North; ada: a case administrator;
pat: an intervention provider user; priya: a public protection partner;
ian: an inspector; sam: a system administrator; cody: a court officer in Northwold North;
dora: the data protection officer.
"""

import pytest


@pytest.fixture
def north_team(db):
    from openprobation.staff.tests.factories import (
        DeliveryUnitFactory,
        OfficeFactory,
        RegionFactory,
        TeamFactory,
    )

    region = RegionFactory(code="NWR", name="Northwold Region")
    pdu = DeliveryUnitFactory(code="NWP", name="Northwold PDU", region=region)
    office = OfficeFactory(code="NWO", name="Northwold Office", delivery_unit=pdu)
    return TeamFactory(code="NWN", name="Northwold North", delivery_unit=pdu, office=office)


@pytest.fixture
def south_team(north_team):
    from openprobation.staff.tests.factories import OfficeFactory, TeamFactory

    office = OfficeFactory(code="NWS", name="Southgate Office", delivery_unit=north_team.delivery_unit)
    return TeamFactory(code="NWSO", name="Northwold South", delivery_unit=north_team.delivery_unit, office=office)


def _user(username, role, team, first, last):
    from openprobation.staff.tests.factories import UserFactory

    return UserFactory(username=username, role=role, team=team, first_name=first, last_name=last)


@pytest.fixture
def alice(north_team):
    return _user("alice", "po", north_team, "Alice", "Allocated")


@pytest.fixture
def bob(north_team):
    return _user("bob", "pso", north_team, "Bob", "Colleague")


@pytest.fixture
def carol(south_team):
    return _user("carol", "po", south_team, "Carol", "Elsewhere")


@pytest.fixture
def mandy(north_team):
    return _user("mandy", "spo", north_team, "Mandy", "Manager")


@pytest.fixture
def ada(north_team):
    return _user("ada", "case_admin", north_team, "Ada", "Admin")


@pytest.fixture
def pat(db):
    return _user("pat", "provider", None, "Pat", "Provider")


@pytest.fixture
def priya(db):
    return _user("priya", "partner", None, "Priya", "Partner")


@pytest.fixture
def ian(db):
    return _user("ian", "inspector", None, "Ian", "Inspector")


@pytest.fixture
def sam(db):
    return _user("sam", "admin", None, "Sam", "Sysadmin")


@pytest.fixture
def cody(north_team):
    return _user("cody", "court", north_team, "Cody", "Court")


@pytest.fixture
def dora(db):
    return _user("dora", "dpo", None, "Dora", "Dataprotection")


@pytest.fixture
def case(alice):
    """A person on a 12-month community order, allocated to alice."""
    from openprobation.people.tests.factories import AddressFactory, PersonFactory
    from openprobation.sentences.tests.factories import SentenceFactory

    person = PersonFactory(crn="X100001", first_name="Jordan", surname="Testcase", practitioner=alice)
    AddressFactory(person=person)
    SentenceFactory(event__person=person)
    return person


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def mandy_client(client, mandy):
    client.force_login(mandy)
    return client


@pytest.fixture(autouse=True)
def _second_factor_with_force_login(request, monkeypatch):
    """``client.force_login`` skips the password; in tests it skips the second factor too.

    A user who has, or whose role needs, two-factor authentication gets a confirmed authenticator app and
    a session verified with it, as after a real sign-in. Tests of the second factor itself use the
    ``password_only_login`` fixture to get Django's plain ``force_login``.
    """
    if "password_only_login" in request.fixturenames:
        return
    from django.test import Client

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from openprobation.staff.twofactor import is_required_for

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and is_required_for(user):
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def password_only_login():
    """Ask for this to test two-factor authentication: ``force_login`` then signs in with the password
    step only, leaving the second factor to the test."""
    return True


@pytest.fixture
def pat_provider(pat):
    """pat's organisation: the provider "Hope Mentoring", where pat is a manager who may assign referrals."""
    from openprobation.interventions.tests.factories import ProviderFactory, ProviderMembershipFactory

    provider = ProviderFactory(code="HOPE", name="Hope Mentoring")
    ProviderMembershipFactory(user=pat, provider=provider, is_manager=True)
    return provider
