"""Writes of grid work: planning checkpoints and routes, patrols (start, trajectory,
check-ins, end), household visits and grid tasks. Each checks who may act where."""

import itertools
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.geojson import contains, distance_m
from linli.gridwork.choices import (
    MAX_ACCURACY_ALLOWANCE_M,
    MAX_POINTS_PER_BATCH,
    STALE_PATROL_HOURS,
    VISIT_BACKDATE_DAYS,
    CheckInMethod,
    TaskState,
)
from linli.gridwork.models import (
    CheckIn,
    Checkpoint,
    GridTask,
    Patrol,
    PatrolPoint,
    Route,
    RouteStop,
    Visit,
)
from linli.gridwork.permissions import PATROL_PLAN, PATROL_RUN, TASK_DO, VISIT_RECORD
from linli.gridwork.task_kinds import get as task_kind
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.models import Household, Resident
from linli.registry.services import household_verify

# Faster than this between two fixes is a GPS jump, not walking or cycling: the
# point is kept in the trajectory but not counted in the distance.
MAX_SPEED_M_S = 15
# Fixes less accurate than this are kept but not counted in the distance.
MAX_COUNTED_ACCURACY_M = 100


@dataclass(frozen=True)
class Fix:
    """A GPS fix as a phone reports it (validated at the edge: schemas.PointIn)."""

    at: datetime
    longitude: Decimal
    latitude: Decimal
    accuracy: int | None = None


def _ensure_grid(grid: Region) -> None:
    if grid.level != Level.GRID or grid.retired_at is not None:
        raise ValidationError({"grid": _("Choose an active grid.")})


@transaction.atomic
def checkpoint_create(
    *, grid: Region, name: str, longitude: Decimal, latitude: Decimal, radius: int = 50, by
) -> Checkpoint:
    """A new checkpoint of `grid`, inside the grid's boundary when it has one."""
    ensure_may(by, grid, PATROL_PLAN)
    _ensure_grid(grid)
    if grid.boundary and not contains(grid.boundary, float(longitude), float(latitude)):
        raise ValidationError({"latitude": _("This point is outside the grid.")})
    checkpoint = Checkpoint(
        grid=grid,
        name=name.strip(),
        longitude=longitude,
        latitude=latitude,
        radius=radius,
        token=secrets.token_urlsafe(18),
    )
    checkpoint.full_clean()
    checkpoint.save()
    audit_record(
        action=AuditAction.RECORD_CREATE, actor=by, obj=checkpoint, object_label=checkpoint.name
    )
    return checkpoint


@transaction.atomic
def checkpoint_deactivate(*, checkpoint: Checkpoint, by) -> Checkpoint:
    """No more check-ins here. Not while a route in force goes through it: routes are
    ended, not changed, so that past 到位率 stays what it was."""
    ensure_may(by, checkpoint.grid, PATROL_PLAN)
    through = Route.objects.filter(stops__checkpoint=checkpoint, ended_on__isnull=True)
    names = sorted(through.values_list("name", flat=True))
    if names:
        raise ValidationError(
            _("End the routes through it first: %(names)s.") % {"names": "、".join(names)}
        )
    if checkpoint.active:
        checkpoint.active = False
        checkpoint.save(update_fields=["active"])
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=checkpoint,
            object_label=checkpoint.name,
            details={"changed": {"active": [True, False]}},
        )
    return checkpoint


@transaction.atomic
def route_create(
    *,
    grid: Region,
    name: str,
    worker,
    checkpoints: list[Checkpoint],
    patrols_per_week: int,
    starts_on: date | None = None,
    by,
) -> Route:
    """A route through `checkpoints` (in this order), for `worker`, who must be able
    to patrol the grid. Its plan counts from `starts_on` (default: today)."""
    ensure_may(by, grid, PATROL_PLAN)
    _ensure_grid(grid)
    if not may(worker, grid, PATROL_RUN):
        raise ValidationError({"worker": _("This person cannot patrol this grid.")})
    if not checkpoints:
        raise ValidationError({"checkpoints": _("A route needs at least one checkpoint.")})
    if len({c.pk for c in checkpoints}) != len(checkpoints):
        raise ValidationError({"checkpoints": _("A checkpoint appears twice on the route.")})
    if any(c.grid_id != grid.pk or not c.active for c in checkpoints):
        raise ValidationError(
            {"checkpoints": _("Only the grid's active checkpoints can be on its routes.")}
        )
    route = Route(
        grid=grid,
        name=name.strip(),
        worker=worker,
        patrols_per_week=patrols_per_week,
        starts_on=starts_on or timezone.localdate(),
    )
    route.full_clean()
    route.save()
    RouteStop.objects.bulk_create(
        RouteStop(route=route, checkpoint=c, order=i) for i, c in enumerate(checkpoints, 1)
    )
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=route,
        object_label=route.name,
        details={"checkpoints": len(checkpoints), "patrols_per_week": patrols_per_week},
    )
    return route


@transaction.atomic
def route_end(*, route: Route, by) -> Route:
    """The route is no longer planned from today on (its past plan still counts)."""
    ensure_may(by, route.grid, PATROL_PLAN)
    if route.ended_on is None:
        route.ended_on = max(timezone.localdate(), route.starts_on)
        route.save(update_fields=["ended_on"])
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=route,
            object_label=route.name,
            details={"changed": {"ended_on": [None, route.ended_on.isoformat()]}},
        )
    return route


@transaction.atomic
def patrol_start(*, grid: Region, by, route: Route | None = None) -> Patrol:
    """`by` starts patrolling `grid` (following `route`, one of theirs there)."""
    ensure_may(by, grid, PATROL_RUN)
    _ensure_grid(grid)
    if route is not None and (route.grid_id != grid.pk or not route.active):
        raise ValidationError({"route": _("Choose an active route of this grid.")})
    now = timezone.now()
    patrol = Patrol(grid=grid, worker=by, route=route, started_at=now, last_seen_at=now)
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:
        raise ValidationError(_("You already have a patrol under way: end it first.")) from None
    return patrol


def _locked_own(patrol: Patrol, by) -> Patrol:
    """The patrol, locked, if it is `by`'s and under way (one batch at a time)."""
    if by is None or patrol.worker_id != by.pk:
        raise PermissionDenied
    locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This patrol has ended."))
    return locked


@transaction.atomic
def patrol_track(*, patrol: Patrol, fixes: list[Fix], by) -> int:
    """Add GPS fixes to the trajectory of `by`'s patrol under way; returns how many
    were new (a batch sent again is stored once). Fixes outside the patrol — before
    its start (−1 min) or after now (+2 min of clock drift) — are left out, so one
    bad fix does not cost the batch."""
    if len(fixes) > MAX_POINTS_PER_BATCH:
        raise ValidationError(_("At most %(n)d points at a time.") % {"n": MAX_POINTS_PER_BATCH})
    locked = _locked_own(patrol, by)
    earliest, latest = (
        locked.started_at - timedelta(minutes=1),
        timezone.now() + timedelta(minutes=2),
    )
    inside = {f.at: f for f in fixes if earliest <= f.at <= latest}
    fixes = sorted(inside.values(), key=lambda f: f.at)
    if not fixes:
        return 0
    known = set(
        PatrolPoint.objects.filter(patrol=locked, at__in=[f.at for f in fixes]).values_list(
            "at", flat=True
        )
    )
    new = [f for f in fixes if f.at not in known]
    if not new:
        return 0
    PatrolPoint.objects.bulk_create(
        PatrolPoint(
            patrol=locked,
            at=f.at,
            longitude=f.longitude,
            latitude=f.latitude,
            accuracy=f.accuracy,
        )
        for f in new
    )
    locked.distance += round(_walked(locked, new))
    locked.point_count += len(new)
    locked.last_seen_at = max(locked.last_seen_at, new[-1].at)
    locked.save(update_fields=["distance", "point_count", "last_seen_at"])
    return len(new)


def _walked(patrol: Patrol, new: list[Fix]) -> float:
    """Metres between consecutive good fixes of the batch, from the last good fix
    stored before its first one."""
    before = (
        PatrolPoint.objects.filter(patrol=patrol, at__lt=new[0].at)
        .exclude(accuracy__gt=MAX_COUNTED_ACCURACY_M)
        .order_by("-at")
        .values_list("at", "longitude", "latitude")
        .first()
    )
    good = [
        (f.at, f.longitude, f.latitude)
        for f in new
        if f.accuracy is None or f.accuracy <= MAX_COUNTED_ACCURACY_M
    ]
    track = [before, *good] if before else good
    total = 0.0
    for (t1, lon1, lat1), (t2, lon2, lat2) in itertools.pairwise(track):
        metres = distance_m(float(lon1), float(lat1), float(lon2), float(lat2))
        seconds = (t2 - t1).total_seconds()
        if seconds > 0 and metres / seconds <= MAX_SPEED_M_S:
            total += metres
    return total


@transaction.atomic
def patrol_check_in(
    *,
    patrol: Patrol,
    by,
    token: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    accuracy: int | None = None,
) -> CheckIn:
    """Check in at a checkpoint of the patrol's grid: by its QR code (`token`), or by
    location — the nearest active checkpoint within its radius (plus the phone's
    accuracy, up to MAX_ACCURACY_ALLOWANCE_M). A location given with a QR code is
    kept with it."""
    locked = _locked_own(patrol, by)
    here = longitude is not None and latitude is not None
    points = Checkpoint.objects.filter(grid=locked.grid_id, active=True)
    if token:
        checkpoint = points.filter(token=token).first()
        if checkpoint is None:
            raise ValidationError(_("This QR code is not a checkpoint of the patrol's grid."))
        method = CheckInMethod.QR
        metres = _metres(checkpoint, longitude, latitude) if here else None
    elif here:
        allowance = min(accuracy or 0, MAX_ACCURACY_ALLOWANCE_M)
        nearest = min(
            ((_metres(c, longitude, latitude), c) for c in points),
            key=lambda pair: pair[0],
            default=None,
        )
        if nearest is None:
            raise ValidationError(_("This grid has no checkpoints."))
        metres, checkpoint = nearest
        if metres > checkpoint.radius + allowance:
            raise ValidationError(
                _("No checkpoint here: the nearest, %(name)s, is %(m)d m away.")
                % {"name": checkpoint.name, "m": round(metres)}
            )
        method = CheckInMethod.GEOFENCE
    else:
        raise ValidationError(_("Scan the checkpoint's QR code or share your location."))
    check_in = CheckIn(
        patrol=locked,
        checkpoint=checkpoint,
        at=timezone.now(),
        method=method,
        longitude=longitude if here else None,
        latitude=latitude if here else None,
        distance=round(metres) if metres is not None else None,
    )
    try:
        with transaction.atomic():
            check_in.save()
    except IntegrityError:
        raise ValidationError(
            _("This patrol has already checked in at %(name)s.") % {"name": checkpoint.name}
        ) from None
    locked.last_seen_at = max(locked.last_seen_at, check_in.at)  # a sign of life
    locked.save(update_fields=["last_seen_at"])
    return check_in


def _metres(checkpoint: Checkpoint, longitude: Decimal, latitude: Decimal) -> float:
    return distance_m(
        float(checkpoint.longitude), float(checkpoint.latitude), float(longitude), float(latitude)
    )


@transaction.atomic
def patrol_end(*, patrol: Patrol, by) -> Patrol:
    locked = _locked_own(patrol, by)
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    return locked


def patrols_end_stale(*, now: datetime | None = None) -> int:
    """End the patrols without a sign of life for STALE_PATROL_HOURS, at their last
    point (a phone that died, a worker who forgot); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=STALE_PATROL_HOURS)
    return Patrol.objects.filter(ended_at__isnull=True, last_seen_at__lt=cutoff).update(
        ended_at=F("last_seen_at"), ended_by_system=True
    )


@transaction.atomic
def visit_record(
    *,
    household: Household,
    by,
    purpose: str,
    notes: str = "",
    visited_at: datetime | None = None,
    confirmed: bool = False,
) -> Visit:
    """Log a visit to `household`; `confirmed` also marks its data verified (the
    registry's freshness list). A visit may be logged up to VISIT_BACKDATE_DAYS later."""
    ensure_may(by, household.grid, VISIT_RECORD)
    if household.dissolved_at is not None:
        raise ValidationError(_("This household is dissolved."))
    now = timezone.now()
    visited_at = visited_at or now
    if visited_at > now + timedelta(minutes=5):
        raise ValidationError({"visited_at": _("A visit cannot be in the future.")})
    if visited_at < now - timedelta(days=VISIT_BACKDATE_DAYS):
        raise ValidationError(
            {"visited_at": _("Log a visit within %(n)d days of it.") % {"n": VISIT_BACKDATE_DAYS}}
        )
    visit = Visit(
        household=household,
        grid_id=household.grid_id,
        visitor=by,
        visited_at=visited_at,
        purpose=purpose,
        notes=notes.strip(),
        confirmed=confirmed,
    )
    visit.full_clean(exclude=["household", "grid", "visitor"])
    visit.save()
    if confirmed:
        household_verify(household=household, by=by)
    return visit


@transaction.atomic
def grid_task_create(
    *,
    kind: str,
    ref: str,
    grid: Region,
    title: str,
    due_on: date,
    resident: Resident | None = None,
    household: Household | None = None,
    detail: str = "",
    by=None,
) -> GridTask:
    """The open task of `kind` for the app's object `ref`, in `grid`: created, or the
    one already open brought up to date (its title, detail and due date), so an app
    may call this again whenever its object changes. `by` None: the app's own rule
    (a periodic task, an event), not a person."""
    if task_kind(kind) is None:
        raise ValidationError({"kind": _("There is no task of this kind.")})
    ensure_may(by, grid, TASK_DO)
    _ensure_grid(grid)
    task = GridTask.objects.select_for_update().filter(
        kind=kind, ref=ref, state=TaskState.OPEN
    ).first() or GridTask(kind=kind, ref=ref)
    task.grid, task.title, task.detail, task.due_on = grid, title.strip(), detail.strip(), due_on
    task.resident, task.household = resident, household
    task.full_clean(exclude=["grid", "resident", "household"], validate_constraints=False)
    task.save()
    return task


def _close(task: GridTask, state: str, note: str, by) -> GridTask:
    if task.state != TaskState.OPEN:
        raise ValidationError(
            _("This task is already %(state)s.") % {"state": task.get_state_display()}
        )
    task.state, task.note = state, note.strip()
    task.closed_at, task.closed_by = timezone.now(), by
    task.full_clean(exclude=["grid", "resident", "household"], validate_constraints=False)
    task.save(update_fields=["state", "note", "closed_at", "closed_by"])
    return task


@transaction.atomic
def grid_task_done(*, task: GridTask, note: str = "", by) -> GridTask:
    """A grid worker did the task on the spot (`note`: what they found)."""
    ensure_may(by, task.grid, TASK_DO)
    return _close(GridTask.objects.select_for_update().get(pk=task.pk), TaskState.DONE, note, by)


@transaction.atomic
def grid_task_cancel(*, task: GridTask, reason: str, by) -> GridTask:
    """The task is not needed (the elder moved away…): `reason` is required."""
    ensure_may(by, task.grid, TASK_DO)
    if not reason.strip():
        raise ValidationError({"note": _("Say why the task is cancelled.")})
    task = GridTask.objects.select_for_update().get(pk=task.pk)
    return _close(task, TaskState.CANCELLED, reason, by)


@transaction.atomic
def grid_tasks_close(*, kind: str, ref: str, by=None) -> int:
    """The app's record shows the work of `ref` done (the elder was re-assessed): its
    open task, if any, is done. Returns how many were closed (0 or 1)."""
    return GridTask.objects.filter(kind=kind, ref=ref, state=TaskState.OPEN).update(
        state=TaskState.DONE, closed_at=timezone.now(), closed_by=by
    )
