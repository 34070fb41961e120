"""``key__any_of=[...]``: a key is one of many, sent as one array on PostgreSQL.

``__in`` writes one placeholder per value. A list of 50 keys is then a long statement that differs with
every count of keys, prepared value by value, compiled by the ORM and split again by psycopg each time; the
activity log paid about 0.15 ms a query for that, for each of the notes and enforcement records of its page.
``any_of`` sends ``key = ANY(%s)`` with the whole list as one parameter on PostgreSQL (the planner treats
``IN (...)`` as exactly that), and ``IN (%s, ...)`` on SQLite, which has no arrays.

For integer keys only (primary keys and foreign keys to them): it is registered on integer fields and
foreign keys, and each value is prepared as the key's field prepares it.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet  # as __in=[] does: the query returns nothing without running
        if connection.vendor == "postgresql":
            return f"{lhs_sql} = ANY(%s)", [*lhs_params, values]
        return f"{lhs_sql} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def register() -> None:
    IntegerField.register_lookup(AnyOf)
    ForeignKey.register_lookup(AnyOf)
