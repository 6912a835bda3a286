"""Extension points of pages: an app adds a section to another app's page of an object,
or a button to the rows of its lists, without that app knowing it (grid work shows a
household's visits on the registry's household page, and a "Visit" button on its
to-verify list). Apps register them in `AppConfig.ready()`; pages name their slots
with `{% panels "registry.household" household.pk %}` and
`{% row_actions "registry.household" h.pk %}` (templatetags/linli_panels.py).

The home page (工作台) is made of the `HomeBlock`s apps register for roles: a person
sees the blocks of every role they hold (core.views.home).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from linli.core.permissions import vocabulary


@dataclass(frozen=True)
class Panel:
    """A section of the page of an object of kind `page`: the view `url_name` renders
    it for the object's key (loaded by htmx, linked to without JavaScript)."""

    page: str
    title: str | Promise  # a gettext_lazy string
    url_name: str
    action: str
    order: int = 100


@dataclass(frozen=True)
class RowAction:
    """A button on each row of `page` objects in lists: a link to `url_name` with the
    row's key."""

    page: str
    label: str | Promise
    url_name: str
    action: str
    order: int = 100


@dataclass(frozen=True)
class Tile:
    """A count on the home page linking to the list it counts: `count` is the number
    of rows that list shows at `url` (the same selector and filter)."""

    label: str | Promise
    count: int
    url: str
    alert: bool = False  # shown as a warning when not zero (overdue cases)


@dataclass(frozen=True)
class HomeBlock:
    """A block of the home page for the holders of any of `roles`: `content(request)`
    gives the context of `template` (the default one shows `tiles`, a list of `Tile`)."""

    roles: frozenset[str]
    title: str | Promise
    content: Callable[[HttpRequest], dict[str, Any]]
    template: str = "core/_home_tiles.html"
    order: int = 100


_registered: list[Panel | RowAction] = []
_home_blocks: list[HomeBlock] = []


def register(*items: Panel | RowAction | HomeBlock) -> None:
    for item in items:
        if isinstance(item, HomeBlock):
            _home_blocks.append(item)
            continue
        vocabulary.check(item.action)
        _registered.append(item)
    _registered.sort(key=lambda item: item.order)
    _home_blocks.sort(key=lambda item: item.order)


def home_blocks(request: HttpRequest) -> list[HomeBlock]:
    """The home page's blocks for the roles the signed-in user holds."""
    user = request.user
    if not user.is_authenticated:
        return []
    roles = {grant.role for grant in user.active_grants()}
    return [block for block in _home_blocks if roles & block.roles]


def offered[T: (Panel, RowAction)](request: HttpRequest, kind: type[T], page: str) -> list[T]:
    """The panels or row actions of `page` the signed-in user may use (worked out once
    a request: a list calls this for every row)."""
    user = request.user
    if not user.is_authenticated:
        return []
    cache: dict[tuple[type[T], str], list[T]] = request.__dict__.setdefault("_linli_panels", {})
    key = (kind, page)
    if key not in cache:
        cache[key] = [
            item
            for item in _registered
            if isinstance(item, kind) and item.page == page and user.has_action(item.action)
        ]
    return cache[key]
