"""``rows_of``: one resolved row queryset per process; pages filter copies of it."""

import pytest

from openprobation.core.querysets import rows_of
from openprobation.people.models import Address
from openprobation.people.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "person__crn", "town")


def test_filtering_a_copy_leaves_the_kept_queryset_as_it_was():
    kept = rows_of(Address, COLUMNS, order=("town", "id"))
    assert rows_of(Address, COLUMNS, order=("town", "id")) is kept
    before = str(kept.query)
    first, second = PersonFactory(), PersonFactory()
    AddressFactory(person=first, town="Bourne")
    AddressFactory(person=second, town="Ashby")
    mine = kept.filter(person=first)
    assert [row[1:] for row in mine] == [(first.crn, "Bourne")]
    assert [row[2] for row in kept.filter(person__in=[first, second])] == ["Ashby", "Bourne"]
    assert str(kept.query) == before
    assert kept._result_cache is None  # never run itself


def test_the_sql_is_what_building_the_queryset_anew_sends():
    person = PersonFactory()
    kept = rows_of(Address, COLUMNS, order=("town", "id")).filter(person=person)[:5]
    fresh = Address.objects.filter(person=person).order_by("town", "id").values_list(*COLUMNS)[:5]
    assert kept.query.sql_with_params() == fresh.query.sql_with_params()
