"""Reads of grid work, each starting from the scoping primitive."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from linli.accounts.selectors import people_who_may_in_scope
from linli.gridwork.filters import PatrolFilter, TaskFilter, VisitFilter
from linli.gridwork.models import CheckIn, Checkpoint, GridTask, Patrol, Route, RouteStop, Visit
from linli.gridwork.permissions import PATROL_PLAN, PATROL_RUN, PATROL_VIEW, TASK_VIEW
from linli.regions.filters import InGrid
from linli.registry.permissions import REGISTRY_VIEW


def checkpoints_visible(*, user, action: str = PATROL_VIEW) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.visible_to(user, action)


def routes_visible(*, user, action: str = PATROL_VIEW) -> QuerySet[Route]:
    return Route.objects.visible_to(user, action)


def patrols_visible(*, user, action: str = PATROL_VIEW) -> QuerySet[Patrol]:
    return Patrol.objects.visible_to(user, action)


def checkpoint_list(
    *, user, action: str = PATROL_VIEW, filters: InGrid | None = None
) -> QuerySet[Checkpoint]:
    """Active checkpoints where the user may perform `action` (in `filters`' region)."""
    found = checkpoints_visible(user=user, action=action).filter(active=True)
    return (filters or InGrid()).apply(found).select_related("grid")


def route_list(*, user, filters: InGrid | None = None) -> QuerySet[Route]:
    found = (filters or InGrid()).apply(routes_visible(user=user).filter(ended_on__isnull=True))
    stops = RouteStop.objects.select_related("checkpoint").order_by("order")
    return found.select_related("grid", "worker").prefetch_related(
        Prefetch("stops", queryset=stops)
    )


def my_routes(*, user) -> QuerySet[Route]:
    """The active routes `user` walks, where they may still patrol."""
    mine = routes_visible(user=user, action=PATROL_RUN).filter(worker=user, ended_on__isnull=True)
    return mine.select_related("grid").annotate(stop_count=Count("stops"))


def open_patrol(*, user) -> Patrol | None:
    """The user's patrol under way, if any."""
    return (
        Patrol.objects.filter(worker=user, ended_at__isnull=True)
        .select_related("grid", "route")
        .first()
    )


def check_ins_today(*, user) -> QuerySet[CheckIn]:
    """The user's own check-ins of today (local time)."""
    return CheckIn.objects.filter(patrol__worker=user, at__date=timezone.localdate())


def patrol_list(*, user, filters: PatrolFilter, worker=None) -> QuerySet[Patrol]:
    found = filters.apply(patrols_visible(user=user))
    if worker is not None:
        found = found.filter(worker=worker)
    return (
        found.select_related("grid", "worker", "route")
        .annotate(check_in_count=Count("check_ins"))
        .order_by("-started_at", "-pk")
    )


def patrol_trajectory(*, patrol: Patrol) -> list[list[float]]:
    """The trajectory as [longitude, latitude] pairs in time order (GeoJSON order)."""
    return [
        [float(lon), float(lat)]
        for lon, lat in patrol.points.order_by("at").values_list("longitude", "latitude")
    ]


def patrol_check_ins(*, patrol: Patrol) -> QuerySet[CheckIn]:
    return patrol.check_ins.select_related("checkpoint").order_by("at")


def route_progress(*, patrol: Patrol) -> list[tuple[Checkpoint, CheckIn | None]]:
    """The patrol's route stops in order, each with its check-in (None: not yet)."""
    if patrol.route_id is None:
        return []
    done = {c.checkpoint_id: c for c in patrol.check_ins.all()}
    stops = RouteStop.objects.filter(route=patrol.route_id).select_related("checkpoint")
    return [(stop.checkpoint, done.get(stop.checkpoint_id)) for stop in stops.order_by("order")]


def checkpoints_left(*, patrol: Patrol) -> tuple[int, int]:
    """(not checked in yet, all) of the checkpoints the patrol is meant to pass: its
    route's stops, else its grid's active checkpoints."""
    if patrol.route_id is not None:
        stops = RouteStop.objects.filter(route=patrol.route_id)
        ids = set(stops.values_list("checkpoint_id", flat=True))
    else:
        grid = Checkpoint.objects.filter(grid=patrol.grid_id, active=True)
        ids = set(grid.values_list("pk", flat=True))
    done = set(patrol.check_ins.values_list("checkpoint_id", flat=True))
    return len(ids - done), len(ids)


def visits_visible(*, user, action: str = REGISTRY_VIEW) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user, action)


def visits_of_household(*, user, household) -> QuerySet[Visit]:
    return (
        visits_visible(user=user)
        .filter(household=household)
        .select_related("visitor")
        .order_by("-visited_at")
    )


def visit_list(*, user, filters: VisitFilter) -> QuerySet[Visit]:
    found = filters.apply(visits_visible(user=user))
    return found.select_related("household__house__building", "grid", "visitor").order_by(
        "-visited_at"
    )


def patrol_workers(*, user) -> QuerySet:
    """Active people who may patrol somewhere in the user's planning scope: whom a
    route of theirs can be given to."""
    return people_who_may_in_scope(user=user, action=PATROL_RUN, scope_action=PATROL_PLAN)


def on_duty(*, community) -> list[dict]:
    """The duty roster of a community's grids: each active grid, the grid workers
    holding it (their roles there) and whether each is on patrol now — what its
    display screens show. Not scoped: the caller shows a community to its own screens."""
    from linli.accounts.models import RoleGrant
    from linli.core.permissions import Role
    from linli.regions.models import Region

    grids = list(
        Region.objects.filter(parent=community, level="grid", retired_at__isnull=True).order_by(
            "path"
        )
    )
    grants = (
        RoleGrant.objects.active()
        .filter(role=Role.GRID_WORKER, region__in=grids, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    patrolling = set(
        Patrol.objects.filter(grid__in=grids, ended_at__isnull=True).values_list(
            "worker_id", flat=True
        )
    )
    workers: dict[int, list[dict]] = {grid.pk: [] for grid in grids}
    for grant in grants:
        workers[grant.region_id].append(
            {"name": grant.user.full_name, "patrolling": grant.user_id in patrolling}
        )
    return [{"grid": grid.name, "workers": workers[grid.pk]} for grid in grids]


def tasks_visible(*, user, action: str = TASK_VIEW) -> QuerySet[GridTask]:
    return GridTask.objects.visible_to(user, action)


def task_list(*, user, filters: TaskFilter | None = None) -> QuerySet[GridTask]:
    """Grid tasks in the user's regions (open ones by default), soonest due first."""
    found = (filters or TaskFilter()).apply(tasks_visible(user=user))
    return found.select_related("grid", "resident", "household__house__building")
