"""The one scoping primitive: `QuerySet.visible_to(user, action)`.

A region-owned model's queryset inherits `ScopedQuerySet` and names the path of
its region's materialised path (`region_path`) and the action that viewing it
needs (`view_action`). A user sees the rows under every region node where one of
their grants allows the action: one indexed prefix match per grant.
"""

from functools import reduce
from operator import or_
from typing import Self

from django.db import models
from django.db.models import Q


def scope_filter(user, action: str, path_field: str) -> Q | None:
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


class ScopedQuerySet(models.QuerySet):
    region_path: str = "region__path"
    view_action: str = ""

    def visible_to(self, user, action: str | None = None) -> Self:
        q = scope_filter(user, action or self.view_action, self.region_path)
        return self if q is None else self.filter(q)


def collapse_paths(paths: set[str]) -> list[str]:
    """Drop paths already covered by a shorter one (a subtree inside a subtree)."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return sorted(kept)
