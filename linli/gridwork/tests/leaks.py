"""Community B for the leak test: checkpoints, a route through two of them, B's
worker on patrol there (checked in at the first), a visit to B's household, and a
grid task there."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from linli.gridwork import services
from linli.gridwork.models import GridTask
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏巡查点", "市南泄漏路线", "市南泄漏走访", "市南泄漏任务"]


def community_b(world, made) -> Leaks:
    grid, worker = world.b1, world.worker_b
    household = made["household"][0]
    gate, shop, spare = (
        services.checkpoint_create(
            grid=grid,
            name=name,
            longitude=Decimal(longitude),
            latitude=Decimal("36.820000"),
            by=None,
        )
        for name, longitude in [
            (MARKERS[0], "117.900000"),
            ("市南超市", "117.901000"),
            ("市南备用点", "117.902000"),
        ]
    )
    route = services.route_create(
        grid=grid,
        name=MARKERS[1],
        worker=worker,
        checkpoints=[gate, shop],
        patrols_per_week=5,
        by=None,
    )
    patrol = services.patrol_start(grid=grid, route=route, by=worker)
    services.patrol_check_in(patrol=patrol, token=gate.token, by=worker)
    visit = services.visit_record(household=household, purpose="care", notes=MARKERS[2], by=worker)
    fix = {
        "at": (timezone.now() + timedelta(seconds=5)).isoformat(),
        "longitude": "117.901000",
        "latitude": "36.820000",
        "accuracy": 8,
    }
    # No app hands out tasks in this test: the row stands for any kind's.
    task = GridTask.objects.create(
        grid=grid, kind="leaks.check", ref="1", title=MARKERS[3], due_on=timezone.localdate()
    )
    mine = {"by": "worker_b"}
    return Leaks(
        objects={
            "checkpoint": [gate, shop, spare],
            "route": [route],
            "patrol": [patrol],
            "visit": [visit],
            "gridtask": [task],
        },
        markers=MARKERS,
        sends={
            ("post", "gridwork:patrol-start"): Send(
                "/grid/patrols/start/", {"grid_code": grid.code}
            ),
            ("post", "gridwork:patrol-check-in"): Send(
                f"/grid/patrols/{patrol.pk}/check-in/", {"token": shop.token}, **mine
            ),
            ("post", "gridwork:patrol-end"): Send(
                f"/grid/patrols/{patrol.pk}/end/",
                {"confirm": "yes"},
                **mine,  # checkpoints left
            ),
            ("post", "gridwork:checkpoint-list"): Send(
                "/grid/checkpoints/",
                {
                    "grid_code": grid.code,
                    "name": "市南广场",
                    "longitude": "117.903000",
                    "latitude": "36.820000",
                    "radius": 50,
                },
            ),
            ("post", "gridwork:checkpoint-deactivate"): Send(f"/grid/checkpoints/{spare.pk}/off/"),
            ("post", "gridwork:route-list"): Send(
                "/grid/routes/",
                {
                    "grid_code": grid.code,
                    "name": "市南夜巡",
                    "worker": worker.pk,
                    "checkpoints": [gate.pk, spare.pk],
                    "patrols_per_week": 3,
                },
            ),
            ("post", "gridwork:route-end"): Send(f"/grid/routes/{route.pk}/end/"),
            ("post", "gridwork:visit-record"): Send(
                f"/grid/visits/new/{household.pk}/",
                {
                    "purpose": "routine",
                    "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "notes": "一切正常",
                },
            ),
            ("post", "gridwork:task-close"): Send(f"/grid/tasks/{task.pk}/close/", {"note": "好"}),
            ("post", "api:grid-task-close"): Send(
                f"/api/v1/grid-tasks/{task.pk}/close", {"note": "好"}, expect=200
            ),
            ("post", "api:patrol-start"): Send(
                "/api/v1/patrols", {"grid_code": grid.code}, expect=201
            ),
            ("post", "api:patrol-check-in"): Send(
                f"/api/v1/patrols/{patrol.pk}/check-ins", {"token": shop.token}, expect=201, **mine
            ),
            ("post", "api:patrol-end"): Send(
                f"/api/v1/patrols/{patrol.pk}/end", expect=200, **mine
            ),
            ("post", "api:patrol-track"): Send(
                f"/api/v1/patrols/{patrol.pk}/points", {"points": [fix]}, expect=200, **mine
            ),
            ("post", "api:visit-record"): Send(
                "/api/v1/visits", {"household": household.pk, "purpose": "routine"}, expect=201
            ),
        },
    )
