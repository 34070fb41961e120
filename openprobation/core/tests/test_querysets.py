"""``rows_of``: one resolved row queryset per process; pages filter copies of it."""

import pytest
from django.db import connection
from django.utils import timezone

from openprobation.core.querysets import concrete_columns, fetch_instance, rows_of
from openprobation.people.models import Address
from openprobation.people.tests.factories import AddressFactory, PersonFactory
from openprobation.staff.models import User
from openprobation.staff.tests.factories import UserFactory

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


def test_fetch_instance_builds_what_the_orm_reads_with_its_own_columns_after():
    user = UserFactory(last_login=timezone.now())
    qn = connection.ops.quote_name
    sql = (f"SELECT {concrete_columns(User, connection.alias, 'u')}, 41 + 1 FROM {qn(User._meta.db_table)} u"  # noqa: S608
           f" WHERE u.{qn('id')} = %s")
    found, extra = fetch_instance(User, sql, [user.pk], using=connection.alias)
    expected = User.objects.get(pk=user.pk)
    assert extra == (42,)
    assert [getattr(found, f.attname) for f in User._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in User._meta.concrete_fields
    ]
    # Converted as the ORM converts: on SQLite a stored datetime comes back aware only through the converter.
    assert timezone.is_aware(found.last_login)
    assert timezone.is_aware(found.date_joined)
    assert (found._state.adding, found._state.db) == (False, connection.alias)
    assert fetch_instance(User, sql, [user.pk + 1000], using=connection.alias) is None
