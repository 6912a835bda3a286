"""Lookups the ORM lacks, registered when the app starts (CoreConfig.ready)."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith
from django.db.models.sql.compiler import SQLCompiler

type SQL = tuple[str, tuple[Any, ...]]

GLOB_LITERAL = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


class Prefix(Lookup[str]):
    """`startswith` that SQLite answers from an index on the column.

    On SQLite Django's `startswith` is a LIKE with an ESCAPE clause, and SQLite's
    LIKE ignores the case of ASCII letters: either keeps it off an index, so a
    name search in a community of 12,000 residents read all 12,000 index entries.
    There a prefix is a GLOB, which SQLite reads as a range of the index; it is
    case-sensitive, as `startswith` is on PostgreSQL. Other databases get
    `startswith` (PostgreSQL uses a `varchar_pattern_ops` index for it).
    """

    lookup_name = "prefix"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        return compiler.compile(StartsWith(self.lhs, self.rhs))

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        if not isinstance(self.rhs, str):  # an expression: no range to read
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} GLOB %s", (*lhs_params, f"{self.rhs.translate(GLOB_LITERAL)}*")


def register() -> None:
    CharField.register_lookup(Prefix)
