"""Write one team's rows in bulk: COPY on PostgreSQL, batched multi-row inserts on SQLite.

Every row already has its primary key and its parents' keys (`rows.IdAllocator`), so each table is
written in one pass in dependency order and nothing is read back. Rows are model instances (people,
their details, sentences) or `rows.Row` objects (contacts, notes, enforcement); both are read with one
`attrgetter` over the table's column attributes. One team at a time keeps memory bounded at any scale.

For a national load into empty tables, `deferred_indexes` drops the secondary indexes and the foreign
and unique keys of the tables being filled, and puts them back (and checks them) at the end, inside the
same transaction: building an index once over sorted data is many times cheaper than updating it row by
row, and if anything fails the whole load rolls back with the schema intact.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from operator import attrgetter

from django.db import DatabaseError, connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from openprobation.people.models import (
    Address,
    Adjustment,
    Alias,
    Disability,
    EqualityData,
    Person,
    PersonalCircumstance,
    PersonalContact,
)
from openprobation.sentences.models import Event, Offence, Requirement, Sentence
from openprobation.supervision.models import Breach, Contact, ContactNote, EnforcementRecord

from .errors import DemoDataError
from .rows import MISSING, IdAllocator

logger = logging.getLogger(__name__)

SQLITE_BATCH_ROWS = 500
# Past appointments were booked about a week ahead; notes are written shortly after the contact.
BOOKED_AHEAD = timedelta(days=6)
NOTE_WRITTEN_AFTER = timedelta(minutes=20)
# Types Django must prepare before the driver sees them: SQLite stores several in Django's own text or
# integer forms; PostgreSQL's COPY takes everything as it is except JSON, which needs its wrapper.
_ADAPTED = {
    "sqlite": {"DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField", "JSONField", "DurationField"},
    "postgresql": {"JSONField"},
}


@dataclass
class Batch:
    """Unsaved rows for one team, in the order they must be inserted."""

    people: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    circumstances: list = field(default_factory=list)
    disabilities: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    personal_contacts: list = field(default_factory=list)
    equality: list = field(default_factory=list)
    events: list = field(default_factory=list)
    offences: list = field(default_factory=list)
    sentences: list = field(default_factory=list)
    requirements: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    # Appointments that were moved: written after the appointment they were moved to.
    rescheduled: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    enforcement: list = field(default_factory=list)
    breaches: list = field(default_factory=list)

    ORDER = (
        ("people", Person),
        ("aliases", Alias),
        ("addresses", Address),
        ("circumstances", PersonalCircumstance),
        ("disabilities", Disability),
        ("adjustments", Adjustment),
        ("personal_contacts", PersonalContact),
        ("equality", EqualityData),
        ("events", Event),
        ("offences", Offence),
        ("sentences", Sentence),
        ("requirements", Requirement),
        ("contacts", Contact),
        ("rescheduled", Contact),
        ("notes", ContactNote),
        ("enforcement", EnforcementRecord),
        ("breaches", Breach),
    )

    @classmethod
    def models(cls) -> list:
        return list(dict.fromkeys(model for _, model in cls.ORDER))


class Table:
    """How to turn a model's rows into column tuples."""

    def __init__(self, model):
        self.model = model
        self.db_table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.getter = attrgetter(*[f.attname for f in fields])
        # Columns a bulk insert must fill itself: auto_now(_add) timestamps and callable defaults.
        self.stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self.generated = [
            (f.attname, f.default)
            for f in fields
            if f.default is not NOT_PROVIDED and callable(f.default) and not f.primary_key
        ]
        self.fields = fields

    def fill(self, rows, stamp) -> None:
        if not (self.stamped or self.generated):
            return
        for row in rows:
            values = row.__dict__
            for name in self.stamped:
                if values.get(name) is None:
                    values[name] = stamp
            for name, make in self.generated:
                if values.get(name, MISSING) is MISSING:
                    values[name] = make()

    def tuples(self, rows):
        """Each row's column values. The database checks NOT NULL and every key; this checks what only
        the generator can get wrong: a column left at `MISSING` (no id, say)."""
        getter = self.getter
        for row in rows:
            values = getter(row)
            if MISSING in values:
                missing = [c for c, v in zip(self.columns, values, strict=True) if v is MISSING]
                raise DemoDataError(f"A generated {self.model.__name__} row has no value for {', '.join(missing)}.")
            yield values

    def prepared_tuples(self, rows):
        adapted = _ADAPTED.get(connection.vendor, set())
        adapters = [(i, f) for i, f in enumerate(self.fields) if f.get_internal_type() in adapted]
        for values in self.tuples(rows):
            if adapters:
                values = list(values)
                for i, f in adapters:
                    if values[i] is not None:
                        values[i] = f.get_db_prep_save(values[i], connection)
            yield values


class Writer:
    """Writes batches (and any other generated rows) with the fastest bulk path the database has."""

    def __init__(self, *, ids, stamp):
        self.ids = ids
        self.stamp = stamp  # the creation time of rows that carry no historical one
        self._tables: dict = {}
        self._sequences: dict = {}

    def table(self, model) -> Table:
        if model not in self._tables:
            self._tables[model] = Table(model)
        return self._tables[model]

    def write(self, batch: Batch) -> Counter:
        counts = Counter()
        for name, model in Batch.ORDER:
            rows = getattr(batch, name)
            counts[model._meta.label] += len(rows)
            if rows:
                self.write_rows(model, rows, advance=False)
        self.advance_sequences([m for _, m in Batch.ORDER])
        return counts

    def write_rows(self, model, rows, *, advance: bool = True) -> int:
        """Insert ``rows`` (model instances or `Row` objects with their ids set) into ``model``'s table."""
        if not rows:
            return 0
        table = self.table(model)
        table.fill(rows, self.stamp)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table.db_table)} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for values in table.prepared_tuples(rows):
                        write(values)
            else:
                placeholders = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
                per_statement = max(1, min(SQLITE_BATCH_ROWS, 999 // len(table.columns)))
                values = list(table.prepared_tuples(rows))
                for start in range(0, len(values), per_statement):
                    chunk = values[start : start + per_statement]
                    cursor.execute(
                        f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES "  # noqa: S608
                        + ", ".join([placeholders] * len(chunk)),
                        [v for row in chunk for v in row],
                    )
        if advance:
            self.advance_sequences([model])
        return len(rows)

    def advance_sequences(self, models) -> None:
        """Move each table's id sequence past the ids handed out (SQLite's AUTOINCREMENT does this itself)."""
        if connection.vendor != "postgresql":
            return
        pairs = []
        with connection.cursor() as cursor:
            for model in dict.fromkeys(models):
                used = self.ids.used.get(model)
                if used is None:
                    continue
                table = model._meta.db_table
                if table not in self._sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self._sequences[table] = cursor.fetchone()[0]
                if self._sequences[table]:
                    pairs += [self._sequences[table], used, self._sequences[table]]
            if pairs:
                # Never backwards: loaders side by side may each move a sequence.
                calls = ", ".join(["setval(%s, GREATEST(%s, COALESCE(pg_sequence_last_value(%s::regclass), 0)))"]
                                  * (len(pairs) // 3))
                cursor.execute(f"SELECT {calls}", pairs)  # noqa: S608 - placeholders only


def bulk_insert(model, objs, *, stamp=None) -> list:
    """A drop-in for ``model.objects.bulk_create(objs)`` at bulk-load speed, for the generator's modules.

    Gives each object without a primary key the next one from the table's sequence (and sets it on the
    object, as ``bulk_create`` does), points foreign keys at parent objects saved before, fills
    ``auto_now`` timestamps, then writes with COPY (PostgreSQL) or multi-row inserts.
    """
    objs = list(objs)
    if not objs:
        return objs
    ids = IdAllocator()
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    preset = [obj.pk for obj in objs if obj.pk is not None]
    keyless = [obj for obj in objs if obj.pk is None]
    if keyless:
        # On PostgreSQL the keys come from the table's own sequence, so loaders side by side never share one.
        keys = (_reserve_keys(model, len(keyless)) if connection.vendor == "postgresql"
                else [ids.next(model) for _ in keyless])
        for obj, key in zip(keyless, keys, strict=True):
            obj.pk = key
    if preset:
        ids.note(model, max(preset))  # keys the caller chose: the sequence must move past them
    for obj in objs:  # a second pass, so rows may point at rows later in the same list
        values = obj.__dict__
        cache = obj._state.fields_cache
        for f in relations:
            if values.get(f.attname) is None and cache.get(f.name) is not None:
                parent = cache[f.name]
                if parent.pk is None:
                    raise DemoDataError(f"{model.__name__}.{f.name} points at a {type(parent).__name__} not saved yet.")
                values[f.attname] = parent.pk
        obj._state.adding = False
    Writer(ids=ids, stamp=stamp or timezone.now()).write_rows(model, objs)
    return objs


class DeferredSchema:
    """The secondary indexes and keys of some tables (PostgreSQL), dropped for a load and put back after it.

    ``indexes=False`` takes the foreign keys only; otherwise it also takes the unique keys (except one another
    table's foreign key relies on) and the plain indexes. `drop` and `restore` run in the caller's
    transaction; `restore` puts back only what this object dropped, so it can be called after a failure.
    """

    def __init__(self, models, *, indexes: bool, maintenance_work_mem: str = "512MB"):
        self.tables = [m._meta.db_table for m in dict.fromkeys(models)]
        self.indexes = indexes
        self.maintenance_work_mem = maintenance_work_mem
        self.constraints: list = []  # (table, name, definition), foreign keys before unique keys
        self.index_definitions: list = []  # (name, definition)

    def drop(self) -> None:
        kinds = ("contype = 'f' OR (contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
                 "WHERE f.contype = 'f' AND f.conindid = c.conindid))") if self.indexes else "contype = 'f'"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint c "  # noqa: S608
                f"WHERE conrelid = ANY(%s::regclass[]) AND ({kinds}) ORDER BY contype, conname",
                [self.tables],
            )
            self.constraints = cursor.fetchall()
            if self.indexes:
                cursor.execute(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                    "ORDER BY 1",
                    [self.tables],
                )
                self.index_definitions = cursor.fetchall()
            for table, name, _ in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.index_definitions:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self, *, each_on_its_own: bool = False) -> None:
        """Build the indexes, then the unique keys (with their indexes), then check and add the foreign keys,
        each in one pass over its table. Whatever is already there is skipped, so this can run again after
        a failure; ``each_on_its_own`` puts each back in a transaction of its own and carries on past any
        the rows do not allow (logging it), to save what can be saved."""
        statements = [(name, None, definition) for name, definition in self.index_definitions]
        statements += [(name, table, f"ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}")
                       for table, name, definition in reversed(self.constraints)]  # dropped as f then u
        with connection.cursor() as cursor:
            for name, table, statement in statements:
                if table is None:
                    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
                else:
                    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = %s "
                                   "AND conrelid = %s::regclass)", [name, table])
                if cursor.fetchone()[0]:
                    continue
                started = time.monotonic()
                if not each_on_its_own:
                    cursor.execute("SET LOCAL maintenance_work_mem = %s", [self.maintenance_work_mem])
                    cursor.execute(statement)
                else:
                    try:
                        with transaction.atomic():
                            cursor.execute("SET LOCAL maintenance_work_mem = %s", [self.maintenance_work_mem])
                            cursor.execute(statement)
                    except DatabaseError:
                        logger.exception("could not put back %s", name)
                        continue
                logger.debug("%s put back in %.1f s", name, time.monotonic() - started)


def _reserve_keys(model, count: int) -> list[int]:
    """``count`` new primary keys from the PostgreSQL sequence of ``model``'s table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def deferred_indexes(models, *, maintenance_work_mem: str = "512MB"):
    """PostgreSQL, inside a transaction: drop the tables' secondary indexes and foreign and unique keys,
    then recreate them all when the block ends (validating every key). Elsewhere, does nothing.

    Foreign keys already dropped by an enclosing `deferred_foreign_keys` stay dropped until it ends."""
    if connection.vendor != "postgresql":
        yield
        return
    schema = DeferredSchema(models, indexes=True, maintenance_work_mem=maintenance_work_mem)
    schema.drop()
    yield
    schema.restore()


@contextlib.contextmanager
def deferred_foreign_keys(models):
    """PostgreSQL, inside a transaction: drop the tables' foreign keys and add them back (each checked in
    one pass over the table) when the block ends. Elsewhere, does nothing.

    Django's foreign keys are checked at the commit, one queued check per inserted row; the generator's later
    modules insert millions of rows into tables whose indexes they need for reading, so those keep their
    indexes and lose only their keys."""
    if connection.vendor != "postgresql":
        yield
        return
    schema = DeferredSchema(models, indexes=False)
    schema.drop()
    yield
    schema.restore()
