import datetime

import factory

from openprobation.people.models import Address, AddressStatus, Person
from openprobation.people.search import search_keys


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("crn",)

    crn = factory.Sequence(lambda n: f"X{n + 100000:06d}")
    first_name = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date=datetime.date(1960, 1, 1), end_date=datetime.date(2004, 1, 1))
    gender = "M"
    practitioner = None
    team = factory.LazyAttribute(lambda p: p.practitioner.team if p.practitioner else None)
    allocated_on = factory.LazyAttribute(lambda p: datetime.date(2025, 1, 6) if p.practitioner else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.update(search_keys(kwargs["first_name"], kwargs["surname"]))
        return super()._create(model_class, *args, **kwargs)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    status = AddressStatus.MAIN
    line_1 = factory.Faker("street_address")
    town = "Northwold"
    postcode = "NW1 2AB"
    start_date = datetime.date(2024, 3, 1)
