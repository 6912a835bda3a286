"""到位率: check-ins made on route patrols ÷ check-ins the routes planned (docs/kpis.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.gridwork import services
from linli.gridwork.indicators import planned_check_ins
from linli.gridwork.models import Route
from linli.testing.gridwork import started
from linli.testing.indicators import table


@pytest.fixture
def route(world, gate, park):
    """早巡 through both checkpoints, 7 patrols a week, planned from 6 days ago."""
    route = services.route_create(
        grid=gate.grid,
        name="早巡",
        worker=world.grid_worker_a1,
        checkpoints=[gate, park],
        patrols_per_week=7,
        starts_on=timezone.localdate() - timedelta(days=6),
        by=world.worker_a,
    )
    return route


def week(user, level):
    """The last 7 days, today included."""
    return table(user, level, days=7)


def test_planned_check_ins_follow_the_routes_days_in_the_period(world, route):
    today = timezone.localdate()
    week_ago = today - timedelta(days=6)
    assert planned_check_ins(route, 2, week_ago, today + timedelta(days=1)) == 14
    assert planned_check_ins(route, 2, today - timedelta(days=30), week_ago) == 0  # before it
    route.ended_on = today - timedelta(days=2)  # planned 4 days
    assert planned_check_ins(route, 2, week_ago, today + timedelta(days=1)) == 8


def test_the_on_site_rate_counts_route_check_ins_only_up_to_the_plan(world, route, gate, park):
    me = world.grid_worker_a1
    patrol = started(gate.grid, me, route=route)
    services.patrol_check_in(patrol=patrol, by=me, token=gate.token)
    services.patrol_check_in(patrol=patrol, by=me, token=park.token)
    services.patrol_end(patrol=patrol, by=me)
    free = started(gate.grid, me)  # not on the route: not counted
    services.patrol_check_in(patrol=free, by=me, token=gate.token)
    services.patrol_end(patrol=free, by=me)

    community = week(world.district_admin, "community")[world.a.path]
    assert (community.check_ins, community.check_ins_planned) == (2, 14)
    assert community.presence_rate == round(2 / 14, 4)
    assert week(world.district_admin, "handler")[str(me.pk)].presence_rate == round(2 / 14, 4)
    assert world.a.path not in week(world.worker_b, "community")  # not in B's scope


def test_more_check_ins_than_planned_do_not_pass_the_plan(world, route, gate):
    me = world.grid_worker_a1
    Route.objects.filter(pk=route.pk).update(
        patrols_per_week=1, starts_on=timezone.localdate() - timedelta(days=1)
    )
    for _ in range(3):
        patrol = started(gate.grid, me, route=route, ago=timedelta(minutes=30))
        services.patrol_check_in(
            patrol=patrol, by=me, longitude=Decimal("117.87"), latitude=Decimal("36.80")
        )
        services.patrol_end(patrol=patrol, by=me)
    grid = week(world.district_admin, "grid")[world.a1.path]
    # planned: 1 a week × 2 checkpoints × 2 days ÷ 7 = 0.57 → 1; made 3, counted 1
    assert (grid.check_ins, grid.check_ins_planned, grid.presence_rate) == (1, 1, 1.0)
