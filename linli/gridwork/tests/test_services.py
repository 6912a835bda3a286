"""Patrols, check-ins, routes and visits through their services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.geojson import distance_m
from linli.gridwork import services
from linli.gridwork.choices import CheckInMethod
from linli.gridwork.models import CheckIn, Patrol, PatrolPoint, Visit
from linli.testing.gridwork import D, fix, started
from linli.testing.registry import place


def test_a_checkpoint_outside_its_grid_is_refused_and_nothing_is_saved(world, grid, english):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="outside the grid"):
        services.checkpoint_create(
            grid=grid, name="远处", longitude=D("117.95"), latitude=D("36.80"), by=world.worker_a
        )
    assert AuditEntry.objects.count() == before


def test_planning_needs_the_grant_there(world, grid):
    with pytest.raises(PermissionDenied):
        services.checkpoint_create(
            grid=grid,
            name="北门",
            longitude=D("117.87"),
            latitude=D("36.80"),
            by=world.grid_worker_a1,  # patrols, does not plan
        )
    with pytest.raises(PermissionDenied):
        services.checkpoint_create(
            grid=grid, name="北门", longitude=D("117.87"), latitude=D("36.80"), by=world.worker_b
        )


def test_a_worker_has_one_patrol_under_way(world, grid, english):
    services.patrol_start(grid=grid, by=world.grid_worker_a1)
    with pytest.raises(ValidationError, match="already have a patrol under way"):
        services.patrol_start(grid=grid, by=world.grid_worker_a1)
    assert Patrol.objects.count() == 1


def test_nobody_patrols_outside_their_grants(world, grid):
    with pytest.raises(PermissionDenied):
        services.patrol_start(grid=world.b1, by=world.grid_worker_a1)


def test_the_trajectory_counts_metres_walked_and_stores_a_resent_batch_once(world, grid):
    patrol = started(grid, world.grid_worker_a1)
    batch = [
        fix(patrol, 10, "117.870000", "36.800000"),
        fix(patrol, 70, "117.871000", "36.800000"),
        fix(patrol, 130, "117.871000", "36.801000"),
    ]
    assert services.patrol_track(patrol=patrol, fixes=batch, by=world.grid_worker_a1) == 3
    assert services.patrol_track(patrol=patrol, fixes=batch, by=world.grid_worker_a1) == 0
    patrol.refresh_from_db()
    east = distance_m(117.870, 36.800, 117.871, 36.800)
    north = distance_m(117.871, 36.800, 117.871, 36.801)
    assert patrol.point_count == 3 == PatrolPoint.objects.filter(patrol=patrol).count()
    assert patrol.distance == round(east + north)  # about 89 m + 111 m
    # The next batch continues from the last stored point.
    later = [fix(patrol, 190, "117.872000", "36.801000")]
    services.patrol_track(patrol=patrol, fixes=later, by=world.grid_worker_a1)
    patrol.refresh_from_db()
    assert patrol.distance == round(east + north) + round(east)


def test_jumps_and_inaccurate_fixes_are_kept_but_not_walked(world, grid):
    patrol = started(grid, world.grid_worker_a1)
    services.patrol_track(
        patrol=patrol,
        fixes=[
            fix(patrol, 10, "117.870000", "36.800000"),
            fix(patrol, 20, "117.879000", "36.800000"),  # 800 m in 10 s: a GPS jump
            fix(patrol, 30, "117.870000", "36.809000", accuracy=500),  # a poor fix
        ],
        by=world.grid_worker_a1,
    )
    patrol.refresh_from_db()
    assert patrol.point_count == 3 and patrol.distance == 0


def test_points_only_from_the_worker_on_their_patrol_under_way(world, grid, english):
    patrol = services.patrol_start(grid=grid, by=world.grid_worker_a1)
    with pytest.raises(PermissionDenied):
        services.patrol_track(
            patrol=patrol, fixes=[fix(patrol, 5, "117.87", "36.8")], by=world.worker_a
        )
    services.patrol_end(patrol=patrol, by=world.grid_worker_a1)
    with pytest.raises(ValidationError, match="has ended"):
        services.patrol_track(
            patrol=patrol, fixes=[fix(patrol, 5, "117.87", "36.8")], by=world.grid_worker_a1
        )
    assert not PatrolPoint.objects.exists()


def test_fixes_outside_the_patrol_are_left_out_not_the_batch(world, grid):
    patrol = services.patrol_start(grid=grid, by=world.grid_worker_a1)
    batch = [
        fix(patrol, -3600, "117.870000", "36.800000"),  # a phone clock an hour behind
        fix(patrol, 5, "117.870100", "36.800000"),
        fix(patrol, 3600, "117.870200", "36.800000"),  # an hour ahead
    ]
    assert services.patrol_track(patrol=patrol, fixes=batch, by=world.grid_worker_a1) == 1
    assert list(PatrolPoint.objects.values_list("at", flat=True)) == [batch[1].at]


def test_check_in_by_location_takes_the_nearest_checkpoint_within_its_radius(
    world, gate, park, english
):
    patrol = services.patrol_start(grid=gate.grid, by=world.grid_worker_a1)
    # 20 m east of the gate
    check_in = services.patrol_check_in(
        patrol=patrol,
        by=world.grid_worker_a1,
        longitude=D("117.870224"),
        latitude=D("36.800000"),
        accuracy=5,
    )
    assert check_in.checkpoint == gate and check_in.method == CheckInMethod.GEOFENCE
    assert check_in.distance == 20
    with pytest.raises(ValidationError, match="already checked in at 车站北门"):
        services.patrol_check_in(
            patrol=patrol,
            by=world.grid_worker_a1,
            longitude=D("117.870000"),
            latitude=D("36.800000"),
        )
    # 200 m from the park, well outside its 50 m
    with pytest.raises(ValidationError, match=r"the nearest, 小游园, is 20[0-9] m away"):
        services.patrol_check_in(
            patrol=patrol,
            by=world.grid_worker_a1,
            longitude=D("117.877250"),
            latitude=D("36.800000"),
            accuracy=10,
        )
    assert CheckIn.objects.count() == 1


def test_the_phones_accuracy_widens_the_radius_up_to_a_limit(world, gate):
    patrol = services.patrol_start(grid=gate.grid, by=world.grid_worker_a1)
    # 60 m away: radius 30 + accuracy 40 reaches it
    services.patrol_check_in(
        patrol=patrol,
        by=world.grid_worker_a1,
        longitude=D("117.870672"),
        latitude=D("36.800000"),
        accuracy=40,
    )
    other = services.patrol_start(grid=gate.grid, by=world.worker_a)
    with pytest.raises(ValidationError):  # 100 m: 30 + at most 50 does not
        services.patrol_check_in(
            patrol=other,
            by=world.worker_a,
            longitude=D("117.871120"),
            latitude=D("36.800000"),
            accuracy=5000,
        )


def test_check_in_by_qr_code_only_for_the_patrols_grid(world, gate, english):
    patrol = services.patrol_start(grid=gate.grid, by=world.grid_worker_a1)
    check_in = services.patrol_check_in(patrol=patrol, by=world.grid_worker_a1, token=gate.token)
    assert check_in.method == CheckInMethod.QR and check_in.distance is None
    elsewhere = services.checkpoint_create(
        grid=world.b1, name="市南口", longitude=D("117.90"), latitude=D("36.82"), by=world.worker_b
    )
    with pytest.raises(ValidationError, match="not a checkpoint of the patrol's grid"):
        services.patrol_check_in(patrol=patrol, by=world.grid_worker_a1, token=elsewhere.token)


def test_a_checkpoint_on_a_route_in_force_stays_until_the_route_ends(world, gate, park, english):
    route = services.route_create(
        grid=gate.grid,
        name="早巡",
        worker=world.grid_worker_a1,
        checkpoints=[gate, park],
        patrols_per_week=5,
        by=world.worker_a,
    )
    with pytest.raises(ValidationError, match="End the routes through it first: 早巡"):
        services.checkpoint_deactivate(checkpoint=gate, by=world.worker_a)
    services.route_end(route=route, by=world.worker_a)
    services.checkpoint_deactivate(checkpoint=gate, by=world.worker_a)
    assert list(route.checkpoints.order_by("name")) == [park, gate]  # its past plan kept
    patrol = services.patrol_start(grid=gate.grid, by=world.grid_worker_a1)
    with pytest.raises(ValidationError):
        services.patrol_check_in(patrol=patrol, by=world.grid_worker_a1, token=gate.token)


def test_a_route_is_for_someone_who_patrols_there_through_the_grids_checkpoints(
    world, gate, english
):
    with pytest.raises(ValidationError, match="cannot patrol this grid"):
        services.route_create(
            grid=gate.grid,
            name="早巡",
            worker=world.worker_b,
            checkpoints=[gate],
            patrols_per_week=5,
            by=world.worker_a,
        )
    with pytest.raises(ValidationError, match="at least one checkpoint"):
        services.route_create(
            grid=gate.grid,
            name="早巡",
            worker=world.grid_worker_a1,
            checkpoints=[],
            patrols_per_week=5,
            by=world.worker_a,
        )
    with pytest.raises(ValidationError, match="less than or equal to 14"):
        services.route_create(
            grid=gate.grid,
            name="早巡",
            worker=world.grid_worker_a1,
            checkpoints=[gate],
            patrols_per_week=30,
            by=world.worker_a,
        )


def test_a_stale_patrol_is_ended_at_its_last_sign_of_life(world, grid):
    patrol = started(grid, world.grid_worker_a1)
    services.patrol_track(
        patrol=patrol, fixes=[fix(patrol, 60, "117.87", "36.8")], by=world.grid_worker_a1
    )
    last = patrol.started_at + timedelta(seconds=60)
    assert services.patrols_end_stale(now=last + timedelta(hours=11)) == 0
    assert services.patrols_end_stale(now=last + timedelta(hours=13)) == 1
    patrol.refresh_from_db()
    assert patrol.ended_by_system
    assert patrol.ended_at == patrol.started_at + timedelta(seconds=60)


def test_a_visit_that_confirms_the_data_marks_the_household_verified(world):
    household = place(world.a1).household
    visit = services.visit_record(
        household=household,
        by=world.grid_worker_a1,
        purpose="care",
        notes="老人身体尚可，需要助餐服务",
        confirmed=True,
    )
    household.refresh_from_db()
    assert household.verified_at is not None and visit.grid_id == world.a1.pk
    services.visit_record(household=household, by=world.grid_worker_a1, purpose="routine")
    assert Visit.objects.filter(household=household).count() == 2


def test_a_visit_is_refused_in_the_future_too_long_ago_or_out_of_scope(world, english):
    household = place(world.a1).household
    now = timezone.now()
    with pytest.raises(ValidationError, match="future"):
        services.visit_record(
            household=household,
            by=world.grid_worker_a1,
            purpose="routine",
            visited_at=now + timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="within 30 days"):
        services.visit_record(
            household=household,
            by=world.grid_worker_a1,
            purpose="routine",
            visited_at=now - timedelta(days=31),
        )
    with pytest.raises(ValidationError):
        services.visit_record(household=household, by=world.grid_worker_a1, purpose="gossip")
    with pytest.raises(PermissionDenied):
        services.visit_record(household=household, by=world.worker_b, purpose="routine")
    household.refresh_from_db()
    assert not Visit.objects.exists() and household.verified_at is None
