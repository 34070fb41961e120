import datetime

import factory
from django.utils import timezone

from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision.models import Contact, ContactType


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A planned office visit (National Standards) on the sentence, owned by its practitioner."""

    class Meta:
        model = Contact

    sentence = factory.SubFactory(SentenceFactory)
    person = factory.SelfAttribute("sentence.person")
    contact_type = factory.LazyFunction(lambda: ContactType.objects.get(code="COAP"))
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda c: c.starts_at + datetime.timedelta(hours=1))
    staff = factory.LazyAttribute(lambda c: c.person.practitioner)
    team = factory.LazyAttribute(lambda c: c.staff.team)
    location = factory.LazyAttribute(lambda c: c.staff.team.office)
    created_by = factory.SelfAttribute("staff")
