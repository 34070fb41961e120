import factory

from openprobation.staff.models import DeliveryUnit, Office, Region, Role, Team, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class DeliveryUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"Delivery unit {n}")
    region = factory.SubFactory(RegionFactory)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"O{n:03d}")
    name = factory.Sequence(lambda n: f"Probation office {n}")
    address = "1 Example Street, Northwold NW1 1AA"
    delivery_unit = factory.SubFactory(DeliveryUnitFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Team {n}")
    delivery_unit = factory.SubFactory(DeliveryUnitFactory)
    office = factory.SubFactory(OfficeFactory, delivery_unit=factory.SelfAttribute("..delivery_unit"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.PROBATION_OFFICER
    staff_code = factory.Sequence(lambda n: f"S{n:05d}")
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password("correct-horse-battery")
