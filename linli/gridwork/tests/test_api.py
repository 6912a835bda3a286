"""The grid work API: patrols (start, points, check-ins, end), checkpoints, visits;
scoping, problems for bad input, pinned query counts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.gridwork.models import CheckIn, Patrol, PatrolPoint, Visit
from linli.testing.gridwork import started
from linli.testing.http import API, PROBLEM, call_api, ok
from linli.testing.registry import place


def points(patrol, *offsets):
    return {
        "points": [
            {
                "at": (patrol.started_at + timedelta(seconds=s)).isoformat(),
                "longitude": "117.870000",
                "latitude": f"{36.8 + s / 100_000:.6f}",
                "accuracy": 6,
            }
            for s in offsets
        ]
    }


def test_a_patrol_from_start_to_end(client, world, gate):
    me = world.grid_worker_a1
    body = ok(call_api(client, me, "post", "/patrols", {"grid_code": world.a1.code}), 201)
    assert body["grid_code"] == world.a1.code and body["ended_at"] is None
    patrol = Patrol.objects.get(pk=body["id"])
    Patrol.objects.filter(pk=patrol.pk).update(started_at=timezone.now() - timedelta(hours=1))
    patrol.refresh_from_db()

    sent = ok(call_api(client, me, "post", f"/patrols/{patrol.pk}/points", points(patrol, 10, 70)))
    assert sent == {"added": 2, "points": 2, "distance": 67}
    again = ok(call_api(client, me, "post", f"/patrols/{patrol.pk}/points", points(patrol, 10, 70)))
    assert again == {"added": 0, "points": 2, "distance": 67}  # a retry stores nothing twice

    check_in = ok(
        call_api(client, me, "post", f"/patrols/{patrol.pk}/check-ins", {"token": gate.token}), 201
    )
    assert check_in["checkpoint_name"] == "车站北门" and check_in["method"] == "qr"

    ended = ok(call_api(client, me, "post", f"/patrols/{patrol.pk}/end"))
    assert ended["ended_at"] is not None
    detail = ok(call_api(client, world.worker_a, "get", f"/patrols/{patrol.pk}"))
    assert detail["track"] == [[117.87, 36.8001], [117.87, 36.8007]]
    assert [c["checkpoint_name"] for c in detail["check_ins"]] == ["车站北门"]


def test_bad_input_is_a_problem_and_saves_nothing(client, world, grid):
    me = world.grid_worker_a1
    patrol = started(grid, me)
    bad = call_api(
        client,
        me,
        "post",
        f"/patrols/{patrol.pk}/points",
        {"points": [{"at": timezone.now().isoformat(), "longitude": "200", "latitude": "36.8"}]},
    )
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert "longitude" in bad.content.decode()
    naive = call_api(
        client,
        me,
        "post",
        f"/patrols/{patrol.pk}/points",
        {"points": [{"at": "2026-11-22T10:00:00", "longitude": "117.87", "latitude": "36.8"}]},
    )
    assert naive.status_code == 422 and "timezone" in naive.content.decode().lower()
    too_many = call_api(
        client, me, "post", f"/patrols/{patrol.pk}/points", points(patrol, *range(501))
    )
    assert too_many.status_code == 422
    nowhere = call_api(
        client,
        me,
        "post",
        f"/patrols/{patrol.pk}/check-ins",
        {"longitude": "117.879", "latitude": "36.809"},
    )
    assert nowhere.status_code == 422 and "This grid has no checkpoints" in nowhere.json()["detail"]
    twice = call_api(client, me, "post", "/patrols", {"grid_code": world.a1.code})
    assert twice.status_code == 422 and "already have a patrol" in twice.json()["detail"]
    assert not PatrolPoint.objects.exists() and not CheckIn.objects.exists()
    assert Patrol.objects.count() == 1


def test_only_the_worker_records_their_patrol(client, world, grid):
    patrol = started(grid, world.grid_worker_a1)
    by_colleague = call_api(
        client, world.worker_a, "post", f"/patrols/{patrol.pk}/points", points(patrol, 5)
    )
    assert by_colleague.status_code == 403
    outsider = call_api(client, world.worker_b, "get", f"/patrols/{patrol.pk}")
    assert outsider.status_code == 404
    assert (
        call_api(
            client, world.worker_b, "post", "/patrols", {"grid_code": world.a1.code}
        ).status_code
        == 404
    )
    assert ok(call_api(client, world.worker_b, "get", "/patrols"))["count"] == 0
    assert not PatrolPoint.objects.exists()


def test_visits_through_the_api(client, world):
    household = place(world.a1).household
    body = ok(
        call_api(
            client,
            world.grid_worker_a1,
            "post",
            "/visits",
            {
                "household": household.pk,
                "purpose": "care",
                "notes": "独居老人，状况良好",
                "confirmed": True,
            },
        ),
        201,
    )
    assert body["household"] == household.pk and body["confirmed"] is True
    household.refresh_from_db()
    assert household.verified_at is not None
    listed = ok(call_api(client, world.worker_a, "get", "/visits"))
    assert [v["id"] for v in listed["items"]] == [body["id"]]
    assert ok(call_api(client, world.worker_b, "get", "/visits"))["count"] == 0
    refused = call_api(
        client, world.worker_b, "post", "/visits", {"household": household.pk, "purpose": "care"}
    )
    assert refused.status_code == 404 and Visit.objects.count() == 1


def test_list_query_counts_are_pinned(client, world, grid):
    for worker in (world.grid_worker_a1, world.worker_a):
        started(grid, worker)
    household = place(world.a1).household
    for _ in range(3):
        Visit.objects.create(
            household=household,
            grid=world.a1,
            visitor=world.worker_a,
            visited_at=timezone.now(),
            purpose="routine",
        )
    client.force_login(world.district_admin)
    for path, expected in (("/patrols", 2), ("/visits", 3), ("/checkpoints", 0)):
        with CaptureQueriesContext(connection) as queries:
            body = ok(client.get(API + path))
        assert body["count"] == expected
        assert len(queries) <= 6, [q["sql"] for q in queries.captured_queries]
