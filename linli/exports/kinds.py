"""Kinds of export: each app declares what it exports in its `exports.py` (found like
`indicators.py`), and the exports app writes, audits, runs in the background and
hands out the files of all of them the same way.

A kind says which list it exports (its filter, linli.core.lists), the action its
rows need (they are the rows the user may see for it), the columns and how one row
becomes cells — with personal data masked: the file leaves the platform."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from linli.core.lists import ListFilter
from linli.exports.writer import Column

type Rows = QuerySet[Any] | Sequence[Any]


@dataclass(frozen=True)
class ExportKind:
    """`code` is `<app>.<name>`; `file_stem` starts the file's name (text, or a function
    of the filter; the date and time follow); `rows(user, filters)` are the objects to
    write, `row(obj, filters)` their cells in the order of `columns(filters)`;
    `details(filters)` is what the audit entry records of the filter (default: its
    fields, `secret_fields` only as "given")."""

    code: str
    title: str | Promise
    file_stem: str | Callable[[Any], str]
    sheet: str
    action: str
    filter: type[ListFilter]
    object_type: str
    columns: Callable[[Any], list[Column]]
    rows: Callable[[Any, Any], Rows]
    row: Callable[[Any, Any], Sequence[Any]]
    secret_fields: tuple[str, ...] = ()
    details: Callable[[Any], dict[str, Any]] | None = field(default=None)

    def audit_details(self, filters: ListFilter) -> dict[str, Any]:
        if self.details is not None:
            return self.details(filters)
        data = filters.model_dump(mode="json", exclude_defaults=True)
        for name in self.secret_fields:
            if data.get(name):
                data[name] = "given"
        return {"filter": data}


_kinds: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    if kind.code in _kinds and _kinds[kind.code] != kind:
        raise ValueError(f"export kind {kind.code} registered twice")
    _kinds[kind.code] = kind
    return kind


def get(code: str) -> ExportKind:
    return _kinds[code]


def every() -> Iterable[ExportKind]:
    return _kinds.values()


def autodiscover() -> None:
    """Import every installed Linli app's exports module once (they register)."""
    autodiscover_modules("exports")
