from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.core.access import requires
from linli.core.routers import Router
from linli.gridwork import selectors, services
from linli.gridwork.filters import PatrolFilter, TaskFilter, VisitFilter
from linli.gridwork.permissions import PATROL_RUN, PATROL_VIEW, TASK_DO, TASK_VIEW, VISIT_RECORD
from linli.gridwork.schemas import (
    CheckInIn,
    CheckInOut,
    CheckpointOut,
    PatrolDetailOut,
    PatrolIn,
    PatrolOut,
    PointsIn,
    PointsOut,
    TaskCloseIn,
    TaskOut,
    VisitIn,
    VisitOut,
)
from linli.regions.filters import InGrid
from linli.regions.models import Region
from linli.registry.permissions import REGISTRY_VIEW
from linli.registry.selectors import households_visible

router = Router(tags=["grid work"])


def _patrol(request: HttpRequest, patrol_id: int):
    return get_object_or_404(
        selectors.patrols_visible(user=request.user).select_related("grid", "worker"),
        pk=patrol_id,
    )


def _own_patrol(request: HttpRequest, patrol_id: int):
    patrol = _patrol(request, patrol_id)
    if patrol.worker_id != request.user.pk:
        raise PermissionDenied
    return patrol


@router.get(
    "/patrols", response=list[PatrolOut], operation_id="patrol_list", url_name="patrol-list"
)
@requires(PATROL_VIEW)
@paginate
def patrol_list(request: HttpRequest, filters: Query[PatrolFilter]):
    """Patrols in the caller's regions started in the last `days` days, newest first."""
    return selectors.patrol_list(user=request.user, filters=filters)


@router.post(
    "/patrols", response={201: PatrolOut}, operation_id="patrol_start", url_name="patrol-start"
)
@requires(PATROL_RUN)
def patrol_start(request: HttpRequest, payload: PatrolIn):
    """Start patrolling a grid (one patrol under way per person: 422 otherwise)."""
    grid = get_object_or_404(
        Region.objects.visible_to(request.user, PATROL_RUN), code=payload.grid_code
    )
    route = None
    if payload.route is not None:
        route = get_object_or_404(selectors.my_routes(user=request.user), pk=payload.route)
    return Status(201, services.patrol_start(grid=grid, route=route, by=request.user))


@router.get(
    "/patrols/{patrol_id}",
    response=PatrolDetailOut,
    operation_id="patrol_get",
    url_name="patrol-detail",
)
@requires(PATROL_VIEW)
def patrol_get(request: HttpRequest, patrol_id: int):
    """A patrol with its trajectory and check-ins."""
    patrol = _patrol(request, patrol_id)
    patrol.trajectory = selectors.patrol_trajectory(patrol=patrol)
    patrol.check_in_list = list(selectors.patrol_check_ins(patrol=patrol))
    return patrol


@router.post(
    "/patrols/{patrol_id}/points",
    response=PointsOut,
    operation_id="patrol_track",
    url_name="patrol-track",
)
@requires(PATROL_RUN)
def patrol_track(request: HttpRequest, patrol_id: int, payload: PointsIn):
    """Add GPS fixes to one's patrol under way (at most 500 a request). Sending a
    batch again after a network error adds nothing twice."""
    patrol = _own_patrol(request, patrol_id)
    fixes = [services.Fix(**point.dict()) for point in payload.points]
    added = services.patrol_track(patrol=patrol, fixes=fixes, by=request.user)
    patrol.refresh_from_db(fields=["point_count", "distance"])
    return {"added": added, "points": patrol.point_count, "distance": patrol.distance}


@router.post(
    "/patrols/{patrol_id}/check-ins",
    response={201: CheckInOut},
    operation_id="patrol_check_in",
    url_name="patrol-check-in",
)
@requires(PATROL_RUN)
def patrol_check_in(request: HttpRequest, patrol_id: int, payload: CheckInIn):
    """Check in at a checkpoint: with the `token` of its QR code, or with one's
    location (the nearest checkpoint within its radius)."""
    patrol = _own_patrol(request, patrol_id)
    check_in = services.patrol_check_in(patrol=patrol, by=request.user, **payload.dict())
    return Status(201, check_in)


@router.post(
    "/patrols/{patrol_id}/end",
    response=PatrolOut,
    operation_id="patrol_end",
    url_name="patrol-end",
)
@requires(PATROL_RUN)
def patrol_end(request: HttpRequest, patrol_id: int):
    return services.patrol_end(patrol=_own_patrol(request, patrol_id), by=request.user)


@router.get(
    "/checkpoints",
    response=list[CheckpointOut],
    operation_id="checkpoint_list",
    url_name="checkpoint-list",
)
@requires(PATROL_VIEW)
@paginate
def checkpoint_list(request: HttpRequest, filters: Query[InGrid]):
    """Active checkpoints in the caller's regions (their QR tokens are not listed)."""
    return selectors.checkpoint_list(user=request.user, filters=filters)


@router.get("/visits", response=list[VisitOut], operation_id="visit_list", url_name="visit-list")
@requires(REGISTRY_VIEW)
@paginate
def visit_list(request: HttpRequest, filters: Query[VisitFilter]):
    """Household visits in the caller's regions in the last `days` days, newest first."""
    return selectors.visit_list(user=request.user, filters=filters)


@router.post(
    "/visits", response={201: VisitOut}, operation_id="visit_record", url_name="visit-record"
)
@requires(VISIT_RECORD)
def visit_record(request: HttpRequest, payload: VisitIn):
    """Log a visit to a household; `confirmed` also marks the household verified."""
    household = get_object_or_404(
        households_visible(user=request.user, action=VISIT_RECORD), pk=payload.household
    )
    visit = services.visit_record(
        household=household, by=request.user, **payload.dict(exclude={"household"})
    )
    return Status(201, visit)


@router.get(
    "/grid-tasks", response=list[TaskOut], operation_id="grid_task_list", url_name="grid-task-list"
)
@requires(TASK_VIEW)
@paginate
def task_list(request: HttpRequest, filters: Query[TaskFilter]):
    """Grid tasks in the caller's regions (open ones by default), soonest due first."""
    return selectors.task_list(user=request.user, filters=filters)


@router.post(
    "/grid-tasks/{task_id}/close",
    response=TaskOut,
    operation_id="grid_task_close",
    url_name="grid-task-close",
)
@requires(TASK_DO)
def task_close(request: HttpRequest, task_id: int, payload: TaskCloseIn):
    """Mark a task done, or cancelled (`cancel`, with the reason in `note`)."""
    task = get_object_or_404(selectors.tasks_visible(user=request.user, action=TASK_DO), pk=task_id)
    if payload.cancel:
        return services.grid_task_cancel(task=task, reason=payload.note, by=request.user)
    return services.grid_task_done(task=task, note=payload.note, by=request.user)
