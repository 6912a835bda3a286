from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from linli.core.scoping import AnyUser, collapse_paths, in_scope
from linli.regions.choices import CHILD_LEVEL, PATH_LENGTH, Level
from linli.regions.models import Region, RegionQuerySet
from linli.regions.permissions import REGION_VIEW


def district_path() -> str:
    """The materialised path of the district the deployment serves (LINLI_DISTRICT)."""
    return settings.LINLI_DISTRICT[: PATH_LENGTH[Level.DISTRICT]]


def district() -> Region:
    """The district the deployment serves: where district-wide policy is configured."""
    return Region.objects.get(path=district_path())


def regions_within(paths: list[str] | None) -> RegionQuerySet:
    """The regions in the subtrees of `paths` (None: all): for the region keys of rows
    in them, which indexes find faster than a prefix match through a join."""
    if paths is None:
        return Region.objects.all()
    return Region.objects.filter(
        reduce(or_, (Q(path__startswith=path) for path in paths), Q(pk__in=[]))
    )


def regions_visible(*, user: AnyUser, action: str = REGION_VIEW) -> RegionQuerySet:
    return Region.objects.visible_to(user, action)


def may(user: AnyUser, region: Region, action: str) -> bool:
    """Whether `user` may perform `action` on `region` (and so on what belongs to it),
    by their grants, without a query: the same rule as `visible_to`."""
    return in_scope(user, action, region.path)


def ensure_may(by: AnyUser | None, region: Region, action: str) -> None:
    """PermissionDenied unless `by` may perform `action` on `region` (None: the system)."""
    if by is not None and not may(by, region, action):
        raise PermissionDenied


def active_grids(*, user: AnyUser, action: str, limit: int = 500) -> RegionQuerySet:
    """Active grids where the user may perform `action`: the choice of new-record and
    report forms, with their communities."""
    return (
        Region.objects.visible_to(user, action)
        .filter(level=Level.GRID, retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")[:limit]
    )


def region_roots(*, user: AnyUser, action: str = REGION_VIEW) -> RegionQuerySet:
    """The top nodes of the user's part of the tree: where their browsing starts."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(path__in=collapse_paths(set(user.scope_paths(action))))


def region_search(
    *, user: AnyUser, q: str, within: Region | None = None, include_retired: bool = False
) -> RegionQuerySet:
    """Regions visible to the user whose name contains `q` or whose code starts with it."""
    found = regions_visible(user=user)
    if within is not None:
        found = found.filter(path__startswith=within.path)
    if not include_retired:
        found = found.active()
    return found.filter(matching(q))


def matching(q: str) -> Q:
    """A region whose code starts with `q` (digits), or whose name contains it."""
    q = q.strip()
    return Q(code__startswith=q) if q.isdigit() else Q(name__icontains=q)


def region_breadcrumbs(*, user: AnyUser, region: Region) -> list[Region]:
    """Every ancestor of a region, root first, each with `can_open` for this user.

    Ancestors' names are shown to everyone inside them; links only where the
    user's scope reaches.
    """
    ancestors = list(Region.objects.filter(path__in=region.ancestor_paths()).order_by("path"))
    paths: list[str] | None = []  # anonymous: no links
    if user.is_authenticated:
        paths = None if user.is_superuser else user.scope_paths(REGION_VIEW)
    for ancestor in ancestors:
        ancestor.can_open = paths is None or any(ancestor.path.startswith(p) for p in paths)
    return ancestors


def region_children(
    *, user: AnyUser, region: Region, include_retired: bool = False
) -> list[Region]:
    """The visible children of a region, each with `community_count` and `grid_count`.

    The counts are of active descendants, taken in one grouped query per level.
    """
    visible = regions_visible(user=user).filter(parent=region)
    if not include_retired:
        visible = visible.active()
    children = list(visible.order_by("code"))
    child_level = CHILD_LEVEL.get(region.level)
    if not children or child_level is None:
        return children
    width = PATH_LENGTH[child_level]
    counts = {
        level: _descendant_counts(region.path, level, width)
        for level in (Level.COMMUNITY, Level.GRID)
        if PATH_LENGTH[level] >= width
    }
    for child in children:
        child.community_count = counts.get(Level.COMMUNITY, {}).get(child.path, 0)
        child.grid_count = counts.get(Level.GRID, {}).get(child.path, 0)
    return children


def _descendant_counts(path: str, level: str, width: int) -> dict[str, int]:
    rows = (
        Region.objects.filter(path__startswith=path, level=level, retired_at__isnull=True)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def region_by_code(code: str) -> Region:
    """The region with this code, for a form or payload naming one (not scoped: the
    service that uses it checks the actor's scope and answers alike when outside)."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": _("Unknown region code %(code)s.") % {"code": code}})
    return region
