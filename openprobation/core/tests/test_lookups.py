"""``any_of``: the same rows as ``__in``, one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprobation.people.models import Address, Person
from openprobation.people.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    found = [PersonFactory() for _ in range(4)]
    for person in found[:3]:
        AddressFactory(person=person)
    return found


def test_a_key_among_many_finds_what_in_finds(people):
    keys = [p.pk for p in people[:3]] + [10**9]  # one key that matches nothing
    assert set(Person.objects.filter(pk__any_of=keys)) == set(Person.objects.filter(pk__in=keys))
    assert set(Person.objects.filter(pk__any_of={people[0].pk})) == {people[0]}  # any iterable of keys
    by_person = Address.objects.filter(person_id__any_of=keys).values_list("person_id", flat=True)
    assert sorted(by_person) == sorted(p.pk for p in people[:3])
    assert Address.objects.filter(person__any_of=[people[3].pk]).count() == 0
    # Negated, as every lookup may be.
    assert set(Person.objects.exclude(pk__any_of=keys)) == {people[3]}


def test_no_keys_find_nothing_without_a_query(people):
    with CaptureQueriesContext(connection) as queries:
        assert list(Person.objects.filter(pk__any_of=[])) == []
    assert len(queries) == 0


def test_the_keys_are_one_parameter_on_postgresql_and_placeholders_elsewhere(people):
    keys = [p.pk for p in people]
    sql, params = Person.objects.filter(pk__any_of=keys).values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql
        assert list(params) == [keys]
    else:
        assert f"IN ({', '.join(['%s'] * len(keys))})" in sql
        assert list(params) == keys


def test_a_value_that_is_not_a_key_is_refused(people):
    with pytest.raises((TypeError, ValueError)):
        list(Person.objects.filter(pk__any_of=["not a key"]))
