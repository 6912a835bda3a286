from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.core.access import requires
from linli.core.routers import Router
from linli.regions import selectors, services
from linli.regions.choices import Level
from linli.regions.filters import RegionListFilter
from linli.regions.models import Region
from linli.regions.permissions import GRID_MANAGE, REGION_VIEW
from linli.regions.schemas import GridIn, GridPatch, RegionDetailOut, RegionOut

router = Router(tags=["regions"])


@router.get(
    "/regions", response=list[RegionOut], operation_id="region_list", url_name="region-list"
)
@requires(REGION_VIEW)
@paginate
def region_list(request: HttpRequest, filters: Query[RegionListFilter]) -> QuerySet[Region]:
    """Regions the caller may see, in tree order (filter by name/code, level, parent,
    and a region's subtree)."""
    found = filters.apply(selectors.regions_visible(user=request.user), user=request.user)
    return found.select_related("parent").order_by("path")


@router.get(
    "/regions/{code}", response=RegionDetailOut, operation_id="region_get", url_name="region-detail"
)
@requires(REGION_VIEW)
def region_get(request: HttpRequest, code: str) -> Region:
    return get_object_or_404(
        selectors.regions_visible(user=request.user).select_related("parent"), code=code
    )


@router.post(
    "/regions/{code}/grids",
    response={201: RegionDetailOut},
    operation_id="grid_create",
    url_name="grid-create",
)
@requires(GRID_MANAGE)
def grid_create(request: HttpRequest, code: str, payload: GridIn) -> Status[Region]:
    """Add a grid to a community; the grid's code is assigned."""
    community = get_object_or_404(
        selectors.regions_visible(user=request.user, action=GRID_MANAGE), code=code
    )
    grid = services.grid_create(
        community=community, name=payload.name, boundary=payload.boundary, by=request.user
    )
    return Status(201, grid)


def _grid(request: HttpRequest, code: str) -> Region:
    return get_object_or_404(
        selectors.regions_visible(user=request.user, action=GRID_MANAGE).select_related("parent"),
        code=code,
        level=Level.GRID,
    )


@router.patch(
    "/grids/{code}", response=RegionDetailOut, operation_id="grid_update", url_name="grid-update"
)
@requires(GRID_MANAGE)
def grid_update(request: HttpRequest, code: str, payload: GridPatch) -> Region:
    """Rename a grid or redraw its boundary."""
    changes = payload.dict(exclude_unset=True)
    return services.grid_update(grid=_grid(request, code), by=request.user, **changes)


@router.post(
    "/grids/{code}/retire",
    response=RegionDetailOut,
    operation_id="grid_retire",
    url_name="grid-retire",
)
@requires(GRID_MANAGE)
def grid_retire(request: HttpRequest, code: str) -> Region:
    """Retire a grid: it keeps its code and history and takes no new work."""
    return services.grid_retire(grid=_grid(request, code), by=request.user)
