import datetime

import factory

from openprobation.people.tests.factories import PersonFactory
from openprobation.sentences.models import (
    Court,
    Event,
    Offence,
    OffenceType,
    Requirement,
    RequirementType,
    Sentence,
    SentenceType,
)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: n + 1)
    conviction_date = datetime.date(2025, 6, 2)
    court = factory.LazyFunction(lambda: Court.objects.get(code="NWMC"))


class OffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offence

    event = factory.SubFactory(EventFactory)
    offence_type = factory.LazyFunction(lambda: OffenceType.objects.get(code="04604"))
    offence_date = datetime.date(2025, 4, 1)
    main = True


class SentenceFactory(factory.django.DjangoModelFactory):
    """A 12-month community order by default."""

    class Meta:
        model = Sentence
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    person = factory.SelfAttribute("event.person")
    sentence_type = factory.LazyFunction(lambda: SentenceType.objects.get(code="CO"))
    sentence_date = factory.SelfAttribute("event.conviction_date")
    start_date = factory.SelfAttribute("sentence_date")
    length_months = 12
    expected_end_date = factory.LazyAttribute(lambda s: s.start_date.replace(year=s.start_date.year + 1))

    @factory.post_generation
    def main_offence(obj, create, extracted, **kwargs):
        if create and not obj.event.offences.exists():
            OffenceFactory(event=obj.event)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    sentence = factory.SubFactory(SentenceFactory)
    requirement_type = factory.LazyFunction(lambda: RequirementType.objects.get(code="RAR"))
    length = 20
    start_date = factory.SelfAttribute("sentence.start_date")
