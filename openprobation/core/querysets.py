"""Reads every page makes, without rebuilding the ORM's machinery for them on each request.

``rows_of(Contact, COLUMNS, order=("-starts_at", "-id"))`` is ``Contact.objects.order_by(...).values_list(*COLUMNS)``
built once and kept unevaluated. A page filters it (``filter`` works on a copy, so the kept one never changes
and is never run). Building a ``values_list`` of thirty columns resolves every column's path through its joins:
for the activity log's contacts that was 0.3 ms of the 0.6 ms Django spent on the query, on every request, and a
copy of the resolved query costs a tenth of it. The SQL is the same as building it anew.

``fetch_instance(Session, sql, params, using=alias)`` runs one hand-written statement and builds the model
instance from its row, as ``Model.objects.raw`` would but without a ``RawQuerySet``'s per-query setup (matching
the cursor's column names to fields, looking up each field's converters): on every page the session and the
user are read this way (``core.sessions``, ``staff.twofactor``), and that setup cost about 0.05 ms a query,
half as much again as the query's own Python. The statement selects the model's ``concrete_columns`` in that
order, then any columns of its own, which come back alongside the instance.
"""

import functools

from django.db import connections


@functools.cache
def rows_of(model, columns: tuple[str, ...], *, order: tuple[str, ...] = ()):
    """``model``'s rows as ``columns`` tuples in ``order``: filter it, never evaluate it as it is."""
    return model.objects.order_by(*order).values_list(*columns)


@functools.cache
def concrete_columns(model, alias: str, table_alias: str | None = None) -> str:
    """The quoted columns of ``model``'s concrete fields, in field order, qualified by ``table_alias`` if given."""
    qn = connections[alias].ops.quote_name
    prefix = f"{qn(table_alias)}." if table_alias else ""
    return ", ".join(prefix + qn(field.column) for field in model._meta.concrete_fields)


@functools.cache
def _converters(model, alias: str) -> tuple:
    """(position, column, converter functions) for each concrete field the backend converts on the way out.

    The same functions the compiler applies (on SQLite, making stored datetimes aware, for one); none on
    PostgreSQL for most models.
    """
    connection = connections[alias]
    found = []
    for position, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = (*connection.ops.get_db_converters(column), *field.get_db_converters(connection))
        if functions:
            found.append((position, column, functions))
    return tuple(found)


def fetch_instance(model, sql: str, params, *, using: str):
    """(instance, extra values) from the first row of ``sql``, or None when it finds no row.

    ``sql`` selects ``concrete_columns(model, ...)`` first; the values of any columns after them are returned
    as a tuple, unconverted.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(model._meta.concrete_fields)
    values = list(row[:width])
    for position, column, functions in _converters(model, using):
        for function in functions:
            values[position] = function(values[position], column, connection)
    return model.from_db(using, _attnames(model), values), tuple(row[width:])


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)
