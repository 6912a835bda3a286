"""Set-based inserts for large writes (demo seeding, big ledger imports).

`bulk_create` builds a model instance per row and compiles every value through the
ORM; at hundreds of thousands of rows that costs four times the insert itself.
Here rows are plain tuples written with one prepared INSERT per table:

    with BulkInsert() as bulk:
        buildings = bulk.table(Building, ["grid_id", "name", "address", "floors"])
        houses = bulk.table(House, ["grid_id", "building_id", "floor", "number"])
        building = buildings.add(grid.pk, "1号楼", "正阳路1号", 6)
        houses.add(grid.pk, building, 1, "101")

Primary keys are assigned here, from the table's current maximum, so a row can
point at a row of another table before either is written (foreign keys are
checked at commit). That is safe because the tables are locked for the
transaction: `LOCK TABLE … SHARE ROW EXCLUSIVE` on PostgreSQL (reads go on, other
writers wait), the database's single writer on SQLite (transactions start
IMMEDIATE). On the way out the id sequences move past the new rows.

Values are stored as the model's fields would store them: personal data is
encrypted (`EncryptedTextField`), blind indexes are computed from their source
field, `auto_now`/`auto_now_add` timestamps not given get the time of the insert,
fields left out get their model default (or NULL), and any field type not known to
pass through unchanged goes through `get_db_prep_save`. A writer opened with
`prepared=True` takes values as the database stores them (the demo encrypts in
its generator process and gives the blind indexes as fields). Nothing else of
`save()` runs: no signals, no `full_clean()` — callers validate first, as the
ledger import and the demo generator do.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from linli.core.fields import BlindIndexField, EncryptedTextField

BATCH = 2_000
# Internal types whose Python values both backends' drivers take as they are.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DecimalField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


class TableWriter:
    """Rows of one model: `add(*values)` in the order of `fields`, returns the new pk."""

    def __init__(
        self, model: type[models.Model], fields: Sequence[str], next_id: int, prepared: bool
    ):
        meta = model._meta
        given: list[models.Field[Any, Any]] = []
        for name in fields:
            field = meta.get_field(name)
            if not isinstance(field, models.Field):
                raise ValueError(f"{model.__name__}.{name} is a reverse relation, not a column.")
            given.append(field)
        positions = {field.name: i for i, field in enumerate(given)}
        stamped = [
            field
            for field in meta.concrete_fields
            if (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
            and field not in given
        ]
        now = timezone.now()
        self.constants = [field.get_db_prep_save(now, connection) for field in stamped]
        self.indexes = [
            (field, positions[field.source])
            for field in meta.concrete_fields
            if isinstance(field, BlindIndexField)
            and field.name not in positions
            and field.source in positions  # else both are left out: NULL
        ]
        indexed_fields = [field for field, _ in self.indexes]
        defaulted = [
            field
            for field in meta.concrete_fields
            if field not in given
            and field not in stamped
            and field not in indexed_fields
            and field is not meta.pk
            and (field.has_default() or not field.null)
        ]
        for field in defaulted:
            if not (field.has_default() or field.empty_strings_allowed):
                raise ValueError(f"{model.__name__}.{field.name} has no default: give its value.")
        self.constants += [
            field.get_db_prep_save(field.get_default(), connection) for field in defaulted
        ]
        converters = [(i, _converter(field)) for i, field in enumerate(given)]
        self.converters = [] if prepared else [(i, c) for i, c in converters if c]
        columns = [meta.pk, *given, *stamped, *defaulted, *indexed_fields]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from _meta)
            quote(meta.db_table),
            ", ".join(quote(_column(field)) for field in columns),
            ", ".join(["%s"] * len(columns)),
        )
        self.model = model
        self.next_id = next_id
        self.rows: list[tuple[int, Sequence[Any]]] = []
        self.written = 0

    def add(self, *values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, values))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def add_many(self, rows: Sequence[Sequence[Any]]) -> int:
        """Add rows of values (each as `add` takes them); returns the first one's pk,
        the others' follow in order."""
        first = self.next_id
        self.next_id += len(rows)
        self.rows.extend(zip(range(first, self.next_id), rows, strict=True))
        if len(self.rows) >= BATCH:
            self.flush()
        return first

    def flush(self) -> None:
        if not self.rows:
            return
        constants = self.constants
        if not self.converters and not self.indexes:  # values as they are stored
            prepared = [(pk, *values, *constants) for pk, values in self.rows]
        else:
            prepared = []
            for pk, values in self.rows:
                row = list(values)
                for i, convert in self.converters:
                    row[i] = convert(row[i])
                indexes = [field.compute(values[source]) for field, source in self.indexes]
                prepared.append((pk, *row, *constants, *indexes))
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, prepared)
        self.written += len(prepared)
        self.rows = []


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:  # many-to-many: no column in the model's table
        raise ValueError(f"{field.model.__name__}.{field.name} has no column.")
    return field.column


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, EncryptedTextField):
        return field.get_prep_value
    if field.get_internal_type() in _AS_IS:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


class BulkInsert:
    """One transaction writing many rows to a few tables (see the module docstring)."""

    def __init__(self) -> None:
        self.atomic = transaction.atomic()
        self.writers: list[TableWriter] = []

    def __enter__(self) -> "BulkInsert":
        self.atomic.__enter__()
        return self

    def table(
        self, model: type[models.Model], fields: Sequence[str], *, prepared: bool = False
    ) -> TableWriter:
        """A writer for `model`; with `prepared`, values arrive as the database stores
        them (personal data already encrypted, blind indexes given as fields)."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(_column(model._meta.pk))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608
            (largest,) = cursor.fetchone()
        writer = TableWriter(model, fields, largest + 1, prepared)
        self.writers.append(writer)
        return writer

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        try:
            if error is None:
                for writer in self.writers:
                    writer.flush()
                models_written = [w.model for w in self.writers if w.written]
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                        cursor.execute(sql)
        except BaseException as failure:
            self.atomic.__exit__(type(failure), failure, failure.__traceback__)
            raise
        self.atomic.__exit__(kind, error, trace)


def analyze(*tables: type[models.Model]) -> None:
    """Refresh the planner's statistics after a large load (both backends), so the
    first queries after it do not plan with the empty tables' figures. On PostgreSQL,
    outside a transaction, also VACUUM: it marks the new pages all-visible, without
    which index-only scans still read every row from the table."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
