import datetime
import itertools

import factory
from django.utils import timezone

from openprobation.access.models import (
    CaseShare,
    Exclusion,
    InspectionSample,
    LimitedAccessMessages,
    Restriction,
)
from openprobation.people.tests.factories import PersonFactory
from openprobation.staff.tests.factories import UserFactory

_crns = itertools.count(200001)


def another_person(**kwargs):
    """A person with a CRN of its own: PersonFactory's sequence can hand out the `case` fixture's CRN (X100001),
    and its get-or-create then returns that case instead of a new person."""
    return PersonFactory(crn=f"Y{next(_crns):06d}", **kwargs)


def _today():
    return timezone.localdate()


class ExclusionFactory(factory.django.DjangoModelFactory):
    """An exclusion in force since yesterday, with no end date."""

    class Meta:
        model = Exclusion

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1))
    reason = "Synthetic reason: a conflict of interest"
    added_by = factory.SubFactory(UserFactory, role="spo")


class RestrictionFactory(ExclusionFactory):
    class Meta:
        model = Restriction


class LimitedAccessMessagesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LimitedAccessMessages

    person = factory.SubFactory(PersonFactory)
    exclusion_message = "You are excluded from this case. Contact the Northwold North team manager."
    restriction_message = "This case is restricted. Contact the Northwold North team manager."
    updated_by = factory.SubFactory(UserFactory, role="spo")


class CaseShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseShare

    person = factory.SubFactory(PersonFactory)
    partner = factory.SubFactory(UserFactory, role="partner", team=None)
    start_date = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1))
    reason = "MAPPA level 2 meeting"
    added_by = factory.SubFactory(UserFactory)


class InspectionSampleFactory(factory.django.DjangoModelFactory):
    """An inspection in progress (started yesterday, access stops in four weeks)."""

    class Meta:
        model = InspectionSample
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Northwold core inspection {n}")
    start_date = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1))
    end_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=28))
    created_by = factory.SubFactory(UserFactory, role="admin", team=None)

    @factory.post_generation
    def inspectors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.inspectors.set(extracted)

    @factory.post_generation
    def people(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.people.set(extracted)
