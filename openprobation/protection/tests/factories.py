import datetime

import factory

from openprobation.people.tests.factories import PersonFactory
from openprobation.protection.models import RegisterType, Registration, RegistrationReview
from openprobation.staff.tests.factories import UserFactory


def register_type(code: str) -> RegisterType:
    """Register types are reference data loaded after migrate; tests use the shipped ones."""
    return RegisterType.objects.get(code=code)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    person = factory.SubFactory(PersonFactory)
    register_type = factory.LazyFunction(lambda: register_type("ALSH"))
    registered_on = datetime.date(2025, 1, 6)
    next_review_date = datetime.date(2025, 7, 6)
    registered_by = factory.LazyAttribute(lambda r: r.person.practitioner or UserFactory())
    notes = "Synthetic note"


class RegistrationReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationReview

    registration = factory.SubFactory(RegistrationFactory)
    reviewed_on = datetime.date(2025, 7, 1)
    notes = "Reviewed: still applies"
    reviewed_by = factory.LazyAttribute(lambda r: r.registration.registered_by)
