"""The one scoping primitive: `QuerySet.visible_to(user, action)`.

A region-owned model's queryset inherits `ScopedQuerySet` and names the path of
its region's materialised path (`region_path`) and the action that viewing it
needs (`view_action`). A user sees the rows under every region node where one of
their grants allows the action: one indexed prefix match per grant.
"""

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Literal, Protocol, Self, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Grantee(Protocol):
    """A signed-in user as scoping sees one: `linli.accounts.models.User` (which core
    does not import), whose role grants give the paths where an action is allowed."""

    @property
    def is_authenticated(self) -> Literal[True]: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...
    def scope_paths(self, action: str) -> list[str]: ...


# Whoever asks: `request.user`, signed in or not (anonymous users see nothing).
type AnyUser = Grantee | AnonymousUser


def scope_filter(user: AnyUser, action: str, path_field: str) -> Q | None:
    """A Q limiting `path_field` to the user's subtrees for `action`.

    Returns None when the user may act everywhere (superuser), and a Q that
    matches nothing when they may act nowhere.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    paths = user.scope_paths(action)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": path}) for path in paths))


def in_scope(user: AnyUser, action: str, path: str) -> bool:
    """Whether `path` lies in the user's subtrees for `action`: `scope_filter`'s rule
    for one path, without a query (the user's grants are loaded once)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(path.startswith(p) for p in user.scope_paths(action))


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """`region_path` is the region's path field, or `<relation>__path` for rows that
    point at their region (`grid__path`, `region__path`), maybe through others
    (`organisation__grid__path`)."""

    region_path: str = "region__path"
    view_action: str = ""

    def visible_to(self, user: AnyUser, action: str | None = None) -> Self:
        relation, _, field = self.region_path.rpartition("__")
        if not relation:
            q = scope_filter(user, action or self.view_action, self.region_path)
            return self if q is None else self.filter(q)
        # Rows that point at their region are filtered by the keys of the regions in
        # scope (a small set), not by a join on the path: SQLite cannot use an index for
        # the prefix match in a join and then scans every row (320 ms for a count of
        # one community's residents at 1M), while it can look these keys up.
        region: type[models.Model] = self.model
        for name in relation.split("__"):  # `organisation__grid`: along the relations
            related = region._meta.get_field(name).related_model
            if related is None:
                raise TypeError(
                    f"{self.model.__name__}: {name} in {self.region_path} is no relation"
                )
            region = related
        q = scope_filter(user, action or self.view_action, field)
        if q is None:
            return self
        return self.filter(**{f"{relation}__in": region._default_manager.filter(q).values("pk")})


def collapse_paths(paths: set[str]) -> list[str]:
    """Drop paths already covered by a shorter one (a subtree inside a subtree)."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return sorted(kept)
