"""Light rows for the high-volume tables, and the primary keys every generated row is given up front.

A national demo writes about twenty million rows. Building a Django model instance costs more than
everything else the generator does for that row, so contacts, notes and enforcement records are built
as `Row` objects instead: plain attributes named after the table's columns (``person_id``, not
``person``), with the model's field defaults as class attributes. The writer reads them in column order.
People, events, sentences and requirements, which other modules of the generator may link their own
rows to, stay model instances.

Every generated row gets its primary key when it is built (`IdAllocator`), so children point at their
parents by id and nothing has to be read back from the database.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.db.models.base import ModelState

from openprobation.people.models import (
    Address,
    Adjustment,
    Alias,
    Disability,
    EqualityData,
    PersonalCircumstance,
    PersonalContact,
)
from openprobation.sentences.models import Offence
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

MISSING = object()  # a column with no constant default: the builder (or the writer) must set it


class Row:
    """One row of ``model``'s table. Extra attributes (objects kept for the builders' convenience) are
    allowed: only the columns are written."""

    model = None

    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def pk(self):
        return self.id

    def __repr__(self):
        return f"<{type(self).__name__} {self.__dict__.get('id')}>"


def row_type(model) -> type[Row]:
    """A `Row` subclass for ``model``: one class attribute per column holding its constant default."""
    defaults = {}
    for field in model._meta.concrete_fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        computed = field.default is not NOT_PROVIDED and callable(field.default)
        # A constant default is the class attribute; otherwise "" or None, as Django would use.
        defaults[field.attname] = MISSING if field.primary_key or stamped or computed else field.get_default()
    return type(f"{model.__name__}Row", (Row,), {"model": model, **defaults})


AliasRow = row_type(Alias)
AddressRow = row_type(Address)
PersonalCircumstanceRow = row_type(PersonalCircumstance)
DisabilityRow = row_type(Disability)
AdjustmentRow = row_type(Adjustment)
PersonalContactRow = row_type(PersonalContact)
EqualityDataRow = row_type(EqualityData)
OffenceRow = row_type(Offence)
ContactRow = row_type(Contact)
NoteRow = row_type(ContactNote)
EnforcementRow = row_type(EnforcementRecord)
BreachRow = row_type(Breach)


class _Maker:
    """Builds unsaved instances of one model as ``Model(**values)`` would, at a fraction of the cost.

    ``Model.__init__`` walks every field and sends signals for each instance; the modules that run after
    the teams (registrations, assessments, commissioned services) build millions of rows whose other
    builders still want real instances (properties, ``get_FOO_display``, related objects). This sets the
    field defaults in one dictionary update, calls only the callable defaults, and caches related objects
    exactly as the foreign-key descriptor does, so ``bulk_insert`` links them to their parents' keys.
    """

    def __init__(self, model):
        self.model = model
        self.constant: dict = {}
        self.computed: list = []
        self.relations: dict = {}  # field name -> attname, for foreign keys given as objects
        for field in model._meta.concrete_fields:
            if field.generated:
                continue
            if field.is_relation:
                self.relations[field.name] = field.attname
            if field.has_default() and callable(field.default):
                self.computed.append((field.attname, field.default))
            else:
                self.constant[field.attname] = field.get_default()

    def __call__(self, **values):
        obj = self.model.__new__(self.model)
        state = obj._state = ModelState()
        attributes = obj.__dict__
        attributes.update(self.constant)
        for attname, make in self.computed:
            attributes[attname] = make()
        relations = self.relations
        for name, value in values.items():
            attname = relations.get(name)
            if attname is None:
                if name in attributes:
                    attributes[name] = value
                else:
                    setattr(obj, name, value)  # a property or a helper attribute
            else:
                attributes[attname] = None if value is None else value.pk
                state.fields_cache[name] = value
        return obj


@functools.cache
def _maker(model) -> _Maker:
    return _Maker(model)


def instance(model, **values):
    """An unsaved ``model`` instance, the same as ``model(**values)`` but built much faster (see `_Maker`)."""
    return _maker(model)(**values)


class IdAllocator:
    """Hands out primary keys per table, continuing after the largest id the database has used.

    The demo is a bulk load into tables nobody else writes to while it runs (it refuses to start when
    people exist), so one counter per table is enough; the writer moves each table's sequence past the
    ids used after every write.
    """

    def __init__(self):
        self._next: dict[type, int] = {}
        self.used: dict[type, int] = {}  # model -> highest id handed out

    def _start(self, model) -> int:
        table = model._meta.db_table
        quoted = connection.ops.quote_name(table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 - a model's own table name
            highest = cursor.fetchone()[0] or 0
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                    last, called = cursor.fetchone()
                    highest = max(highest, last if called else last - 1)
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                highest = max(highest, found[0] if found else 0)
        return highest + 1

    def note(self, model, value: int) -> None:
        """An id the caller chose itself: the sequence must still move past it."""
        start = self._next.get(model) or self._start(model)
        self._next[model] = max(start, value + 1)
        self.used[model] = max(self.used.get(model, 0), value)

    def next(self, model) -> int:
        value = self._next.get(model)
        if value is None:
            value = self._start(model)
        self._next[model] = value + 1
        self.used[model] = value
        return value
