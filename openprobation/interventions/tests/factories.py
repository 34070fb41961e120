import datetime

import factory

from openprobation.interventions.models import (
    Contract,
    ContractStatus,
    DesiredOutcome,
    Provider,
    ProviderMembership,
    ServiceCategory,
)
from openprobation.staff.tests.factories import RegionFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PRV{n:03d}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    email = factory.LazyAttribute(lambda p: f"referrals@{p.code.lower()}.example.org")


class ProviderMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderMembership
        django_get_or_create = ("user",)

    provider = factory.SubFactory(ProviderFactory)
    started_on = datetime.date(2024, 1, 1)
    is_manager = True


class ContractFactory(factory.django.DjangoModelFactory):
    """An active mentoring contract in the Northwold region, for men and women of 18 or over."""

    class Meta:
        model = Contract
        django_get_or_create = ("reference",)
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"NWR-MTR-{n:03d}")
    name = "Mentoring for people on licence"
    provider = factory.SubFactory(ProviderFactory)
    category = factory.LazyFunction(lambda: ServiceCategory.objects.get(code="MTR"))
    region = factory.LazyFunction(lambda: RegionFactory(code="NWR", name="Northwold Region"))
    complexity_levels = ["low", "medium", "high"]
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2028, 3, 31)
    status = ContractStatus.ACTIVE
    status_since = factory.SelfAttribute("start_date")
    created_by = factory.LazyFunction(lambda: _system_user())

    @factory.post_generation
    def desired_outcomes(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.desired_outcomes.set(extracted or DesiredOutcome.objects.filter(category=obj.category.code))


def _system_user():
    from openprobation.staff.tests.factories import UserFactory

    return UserFactory(username="commissioner", role="admin", team=None, first_name="Cora", last_name="Commissioner")
