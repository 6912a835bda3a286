"""Who may manage which grids: the service, the console and the API agree.

A community worker manages the grids of their own community only; a sibling
community's grids are out of reach (PermissionDenied in the service, 404 on the
console and API, so their existence is not revealed). A grid worker may not
manage grids at all (403).
"""

import pytest
from django.core.exceptions import PermissionDenied

from linli.regions.models import Region
from linli.regions.permissions import GRID_MANAGE
from linli.regions.services import grid_create, grid_retire, grid_update
from linli.testing.shapes import square


def tree_state():
    return sorted(Region.objects.values_list("code", "name", "boundary", "retired_at"))


# Service


def test_community_worker_manages_grids_of_their_own_community(world):
    grid = grid_create(community=world.a, name="车站第二网格", by=world.worker_a)
    grid_update(grid=grid, name="车站东网格", boundary=square(), by=world.worker_a)
    grid_retire(grid=grid, by=world.worker_a)

    grid.refresh_from_db()
    assert (grid.name, grid.boundary, grid.is_retired) == ("车站东网格", square(), True)


@pytest.mark.parametrize(
    "call",
    [
        lambda w, by: grid_create(community=w.b, name="市南第二网格", by=by),
        lambda w, by: grid_update(grid=w.b1, name="改名", by=by),
        lambda w, by: grid_update(grid=w.b1, boundary=square(), by=by),
        lambda w, by: grid_retire(grid=w.b1, by=by),
    ],
    ids=["create", "rename", "redraw", "retire"],
)
@pytest.mark.parametrize("outsider", ["worker_a", "other_subdistrict_admin", "grid_worker_a1"])
def test_service_refuses_grids_outside_the_actors_scope(world, call, outsider):
    before = tree_state()

    with pytest.raises(PermissionDenied):
        call(world, getattr(world, outsider))

    assert tree_state() == before


def test_a_grid_worker_may_not_manage_even_their_own_grid(world):
    with pytest.raises(PermissionDenied):
        grid_update(grid=world.a1, name="改名", by=world.grid_worker_a1)
    with pytest.raises(PermissionDenied):
        grid_create(community=world.a, name="车站第二网格", by=world.grid_worker_a1)


@pytest.mark.parametrize("admin", ["subdistrict_admin", "district_admin", "platform_admin"])
def test_admins_above_manage_grids_of_every_community_below(world, admin):
    by = getattr(world, admin)

    grid_create(community=world.a, name="车站第二网格", by=by)
    grid_create(community=world.b, name="市南第二网格", by=by)
    grid_retire(grid=world.b1, by=by)

    assert Region.objects.filter(parent__in=[world.a, world.b]).count() == 4


def test_who_holds_grid_manage(world):
    holders = {
        name
        for name in [
            "platform_admin",
            "district_admin",
            "subdistrict_admin",
            "worker_a",
            "grid_worker_a1",
            "auditor",
            "resident_a",
        ]
        if getattr(world, name).has_action(GRID_MANAGE)
    }

    assert holders == {"platform_admin", "district_admin", "subdistrict_admin", "worker_a"}


# Console: 404 outside the scope, 403 without the action


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/regions/370306001003/grids/new/"),
        ("post", "/regions/370306001003/grids/new/"),
        ("get", "/regions/370306001003001/edit/"),
        ("post", "/regions/370306001003001/edit/"),
        ("post", "/regions/370306001003001/retire/"),
    ],
)
def test_console_answers_404_for_a_sibling_communitys_grids(client, world, method, url):
    before = tree_state()
    client.force_login(world.worker_a)

    response = getattr(client, method)(url, {"name": "改名", "boundary": ""})

    assert response.status_code == 404
    assert tree_state() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/regions/370306001001/grids/new/"),
        ("post", "/regions/370306001001/grids/new/"),
        ("get", "/regions/370306001001001/edit/"),
        ("post", "/regions/370306001001001/edit/"),
        ("post", "/regions/370306001001001/retire/"),
    ],
)
def test_console_answers_403_to_a_grid_worker(client, world, method, url):
    before = tree_state()
    client.force_login(world.grid_worker_a1)

    response = getattr(client, method)(url, {"name": "改名", "boundary": ""})

    assert response.status_code == 403
    assert tree_state() == before


def test_console_hides_grid_management_from_those_who_may_not(client, world):
    client.force_login(world.resident_a)

    page = client.get("/regions/370306001001/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "/grids/new/" not in page.content.decode()
    client.force_login(world.worker_a)
    assert (
        "/regions/370306001001/grids/new/" in client.get("/regions/370306001001/").content.decode()
    )


# API: 404 outside the scope, 403 without the action


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/regions/370306001003/grids", {"name": "市南第二网格"}),
        ("patch", "/api/v1/grids/370306001003001", {"name": "改名"}),
        ("post", "/api/v1/grids/370306001003001/retire", {}),
    ],
)
def test_api_answers_404_for_a_sibling_communitys_grids(client, world, method, url, body):
    before = tree_state()
    client.force_login(world.worker_a)

    response = getattr(client, method)(url, body, content_type="application/json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert tree_state() == before


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/regions/370306001001/grids", {"name": "车站第二网格"}),
        ("patch", "/api/v1/grids/370306001001001", {"name": "改名"}),
        ("post", "/api/v1/grids/370306001001001/retire", {}),
    ],
)
def test_api_answers_403_to_a_grid_worker(client, world, method, url, body):
    before = tree_state()
    client.force_login(world.grid_worker_a1)

    response = getattr(client, method)(url, body, content_type="application/json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 403
    assert tree_state() == before
