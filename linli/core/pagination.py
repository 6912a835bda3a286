"""The one paginator of the API: `?page=N&page_size=M`, at most 100 a page; and
`KeyedRows`, for lists whose rows are costly to show (joins, annotations): the
page is picked on the keys alone, then only its rows are loaded."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from linli.core.lists import page_size

MAX_PAGE_SIZE = 100


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int = Field(
            default_factory=page_size, ge=1, le=MAX_PAGE_SIZE, description="Items per page."
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items on all pages.")
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | list[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        """A page of a queryset (or of rows computed in full, as a list); a page past
        the last is empty (its offset is never sent to the database, which may not
        hold so large a number)."""
        offset = (pagination.page - 1) * pagination.page_size
        count = len(queryset) if isinstance(queryset, list) else queryset.count()
        return {
            "items": list(queryset[offset : offset + pagination.page_size])
            if offset < count
            else [],
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


class KeyedRows:
    """Something to paginate (Django's `Paginator`, `PagePagination`) in two steps.

    `keys` is the list's filtered, ordered queryset of primary keys: counting it and
    slicing a page out of it touch one table and its indexes only. `load(pks)` then
    fetches the page's rows with everything they show (joins, annotations,
    prefetches), and they are returned in the keys' order. With the joins done
    before sorting, a page of a community of 12,000 residents cost 3 index scans per
    resident; this way it costs 3 per row shown.
    """

    def __init__(self, keys: QuerySet[Any, Any], load: Callable[[list[Any]], Iterable[Model]]):
        self.keys = keys
        self.load = load

    def count(self) -> int:
        return self.keys.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Model]:
        if not isinstance(page, slice):
            raise TypeError("KeyedRows are read a page (a slice) at a time.")
        pks = list(self.keys[page])
        rows = {row.pk: row for row in self.load(pks)}
        return [rows[pk] for pk in pks if pk in rows]
