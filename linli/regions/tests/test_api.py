"""The regions API: /api/v1/regions… and /api/v1/grids…"""

import json

import pytest

from linli.accounts.services import token_create
from linli.regions.management.commands.regions import DEFAULT_FIXTURE
from linli.regions.models import Region
from linli.regions.services import grid_create, grid_retire, regions_import
from linli.testing.http import PROBLEM
from linli.testing.shapes import square


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def send(client, user, method, url, body=None):
    client.force_login(user)
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# GET /api/v1/regions


def test_region_list_is_paginated_in_tree_order(client, world):
    response = get(client, world.subdistrict_admin, "/api/v1/regions")

    body = response.json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert (body["count"], body["page"], body["page_size"]) == (5, 1, 50)
    assert codes(response) == [
        "370306001000",
        "370306001001",
        "370306001001001",
        "370306001003",
        "370306001003001",
    ]


def test_region_list_items_have_the_documented_fields(client, world):
    grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    items = get(client, world.worker_a, "/api/v1/regions").json()["items"]

    assert items == [
        {
            "code": "370306001001",
            "name": "车站社区居委会",
            "level": "community",
            "parent_code": "370306001000",
            "urban": True,
            "retired_at": None,
            "has_boundary": False,
        },
        {
            "code": "370306001001001",
            "name": "车站第一网格",
            "level": "grid",
            "parent_code": "370306001001",
            "urban": True,
            "retired_at": None,
            "has_boundary": False,
        },
        {
            "code": "370306001001002",
            "name": "车站第二网格",
            "level": "grid",
            "parent_code": "370306001001",
            "urban": True,
            "retired_at": None,
            "has_boundary": True,
        },
    ]


def test_region_list_pages_through_the_results(client, world):
    first = get(client, world.platform_admin, "/api/v1/regions", page_size=4)
    second = get(client, world.platform_admin, "/api/v1/regions", page_size=4, page=2)
    third = get(client, world.platform_admin, "/api/v1/regions", page_size=4, page=3)

    assert first.json()["count"] == second.json()["count"] == 9
    assert len(codes(first)) == len(codes(second)) == 4
    assert codes(third) == ["370306002001"]
    assert len(set(codes(first) + codes(second) + codes(third))) == 9
    assert get(client, world.platform_admin, "/api/v1/regions", page=9).json()["items"] == []


@pytest.mark.parametrize(
    "params", [{"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "one"}]
)
def test_region_list_refuses_bad_pagination_with_a_problem(client, world, params):
    response = get(client, world.platform_admin, "/api/v1/regions", **params)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422
    assert body["title"] == "The request is not valid."
    assert body["instance"] == "/api/v1/regions"
    assert [e["field"].rsplit(".", 1)[-1] for e in body["errors"]] == list(params)


def test_region_list_accepts_the_maximum_page_size(client, world):
    response = get(client, world.platform_admin, "/api/v1/regions", page_size=100)

    assert response.json()["page_size"] == 100


def test_region_list_searches_names(client, world):
    response = get(client, world.district_admin, "/api/v1/regions", q="车站")

    assert codes(response) == ["370306001001", "370306001001001"]


def test_region_list_searches_code_prefixes(client, world):
    response = get(client, world.district_admin, "/api/v1/regions", q="370306001003")

    assert codes(response) == ["370306001003", "370306001003001"]


def test_region_list_search_stays_inside_the_callers_scope(client, world):
    response = get(client, world.worker_a, "/api/v1/regions", q="社区")

    assert codes(response) == ["370306001001"]


def test_region_list_filters_by_level(client, world):
    response = get(client, world.district_admin, "/api/v1/regions", level="community")

    assert codes(response) == ["370306001001", "370306001003", "370306002001"]


def test_region_list_filters_by_parent(client, world):
    response = get(client, world.district_admin, "/api/v1/regions", parent="370306001000")

    assert codes(response) == ["370306001001", "370306001003"]


def test_region_list_combines_filters(client, world):
    response = get(
        client,
        world.district_admin,
        "/api/v1/regions",
        q="社区",
        level="community",
        parent="370306002000",
    )

    assert codes(response) == ["370306002001"]


@pytest.mark.parametrize("params", [{"level": "province"}, {"parent": "3703"}, {"q": "x" * 101}])
def test_region_list_refuses_bad_filters(client, world, params):
    response = get(client, world.district_admin, "/api/v1/regions", **params)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [e["field"].rsplit(".", 1)[-1] for e in response.json()["errors"]] == list(params)


def test_region_list_hides_retired_grids_unless_asked(client, world):
    grid_retire(grid=world.b1, by=None)

    default = get(client, world.subdistrict_admin, "/api/v1/regions", level="grid")
    everything = get(
        client, world.subdistrict_admin, "/api/v1/regions", level="grid", include_retired="true"
    )
    searched = get(
        client, world.subdistrict_admin, "/api/v1/regions", q="市南", include_retired="true"
    )

    assert codes(default) == ["370306001001001"]
    assert codes(everything) == ["370306001001001", "370306001003001"]
    assert everything.json()["items"][1]["retired_at"] is not None
    assert codes(searched) == ["370306001003", "370306001003001"]
    assert codes(get(client, world.subdistrict_admin, "/api/v1/regions", q="市南")) == [
        "370306001003"
    ]


def test_region_list_works_with_a_bearer_token(client, world):
    _token, secret = token_create(user=world.worker_a, name="对接", days=1, by=None)

    response = client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert codes(response) == ["370306001001", "370306001001001"]


def test_region_list_queries_do_not_grow_with_the_tree(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.platform_admin)
    with django_assert_max_num_queries(5):
        small = client.get("/api/v1/regions", {"page_size": 100})
    regions_import(records=json.loads(DEFAULT_FIXTURE.read_text("utf-8")))
    with django_assert_max_num_queries(5):
        large = client.get("/api/v1/regions", {"page_size": 100})

    assert small.json()["count"] == 9
    assert large.json()["count"] == 264  # the 262 of the fixture and the two grids
    assert len(large.json()["items"]) == 100
    assert all(item["parent_code"] for item in large.json()["items"][1:])


# GET /api/v1/regions/{code}


def test_region_detail_includes_the_boundary(client, world):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    response = get(client, world.worker_a, f"/api/v1/regions/{grid.code}")

    assert response.status_code == 200
    assert response.json() == {
        "code": "370306001001002",
        "name": "车站第二网格",
        "level": "grid",
        "parent_code": "370306001001",
        "urban": True,
        "retired_at": None,
        "has_boundary": True,
        "boundary": square(),
    }


def test_region_detail_of_the_root_has_no_parent(client, world):
    response = get(client, world.platform_admin, "/api/v1/regions/370300000000")

    assert response.json()["parent_code"] is None
    assert response.json()["name"] == "淄博市"


@pytest.mark.parametrize("code", ["370306001003", "370306001003001", "370306001000", "999"])
def test_region_detail_outside_the_scope_is_a_404_problem(client, world, code):
    response = get(client, world.worker_a, f"/api/v1/regions/{code}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found.",
        "status": 404,
        "instance": f"/api/v1/regions/{code}",
    }


# POST /api/v1/regions/{code}/grids


def test_grid_create_answers_201_with_the_new_grid(client, world):
    response = send(
        client,
        world.worker_a,
        "post",
        "/api/v1/regions/370306001001/grids",
        {"name": "车站第二网格", "boundary": square()},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "370306001001002"
    assert body["parent_code"] == "370306001001"
    assert (body["level"], body["name"], body["boundary"]) == ("grid", "车站第二网格", square())
    assert Region.objects.get(code="370306001001002").boundary == square()


def test_grid_create_answers_utf8_not_escapes(client, world):
    response = send(
        client,
        world.worker_a,
        "post",
        "/api/v1/regions/370306001001/grids",
        {"name": "车站第二网格"},
    )

    assert "车站第二网格".encode() in response.content


def test_grid_create_with_invalid_geojson_is_a_422_problem_with_errors(client, world):
    body = {"name": "车站第二网格", "boundary": {"type": "Point", "coordinates": [117.8, 36.8]}}

    response = send(client, world.worker_a, "post", "/api/v1/regions/370306001001/grids", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"] == [
        {
            "field": "boundary",
            "message": "The boundary must be a Polygon or MultiPolygon, not Point.",
        }
    ]
    assert problem["detail"] == problem["errors"][0]["message"]
    assert not Region.objects.filter(code="370306001001002").exists()


def test_grid_create_with_a_taken_name_is_a_422_problem(client, world):
    response = send(
        client,
        world.worker_a,
        "post",
        "/api/v1/regions/370306001001/grids",
        {"name": "车站第一网格"},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "message": "This community already has a grid named 车站第一网格."}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "name"), ({"name": "网" * 101}, "name"), ({"name": "x", "boundary": "text"}, "boundary")],
)
def test_grid_create_with_a_malformed_payload_is_a_422_problem(client, world, body, field):
    response = send(client, world.worker_a, "post", "/api/v1/regions/370306001001/grids", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [e["field"].rsplit(".", 1)[-1] for e in response.json()["errors"]] == [field]


def test_grid_create_under_a_subdistrict_is_a_422_problem(client, world):
    response = send(
        client, world.subdistrict_admin, "post", "/api/v1/regions/370306001000/grids", {"name": "x"}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "Grids can only be added to a community or village."


# PATCH /api/v1/grids/{code}


def test_grid_patch_renames_and_keeps_the_boundary(client, world):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    response = send(client, world.worker_a, "patch", f"/api/v1/grids/{grid.code}", {"name": "东区"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["boundary"]) == ("东区", square())
    grid.refresh_from_db()
    assert (grid.name, grid.boundary) == ("东区", square())


def test_grid_patch_redraws_and_removes_the_boundary(client, world):
    url = "/api/v1/grids/370306001001001"

    drawn = send(client, world.worker_a, "patch", url, {"boundary": square()})
    removed = send(client, world.worker_a, "patch", url, {"boundary": None})

    assert drawn.json()["boundary"] == square()
    assert removed.json()["boundary"] is None
    world.a1.refresh_from_db()
    assert (world.a1.name, world.a1.boundary) == ("车站第一网格", None)


def test_grid_patch_with_invalid_geojson_is_a_422_problem(client, world):
    open_ring = {"type": "Polygon", "coordinates": [[*square()["coordinates"][0][:-1], [1, 1]]]}

    response = send(
        client, world.worker_a, "patch", "/api/v1/grids/370306001001001", {"boundary": open_ring}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "boundary", "message": "Each ring must end at the position where it starts."}
    ]


def test_grid_patch_of_a_non_grid_is_a_404_problem(client, world):
    response = send(client, world.worker_a, "patch", "/api/v1/grids/370306001001", {"name": "x"})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert Region.objects.get(code="370306001001").name == "车站社区居委会"


def test_grid_patch_of_a_retired_grid_is_a_422_problem(client, world):
    grid_retire(grid=world.a1, by=None)

    response = send(client, world.worker_a, "patch", "/api/v1/grids/370306001001001", {"name": "x"})

    assert response.status_code == 422
    assert response.json()["detail"] == "A retired grid cannot be changed."
    assert Region.objects.get(pk=world.a1.pk).name == "车站第一网格"


# POST /api/v1/grids/{code}/retire


def test_grid_retire_answers_the_retired_grid(client, world):
    response = send(client, world.worker_a, "post", "/api/v1/grids/370306001001001/retire")

    assert response.status_code == 200
    assert response.json()["code"] == "370306001001001"
    assert response.json()["retired_at"] is not None
    assert Region.objects.get(pk=world.a1.pk).is_retired


def test_grid_retire_twice_is_a_422_problem(client, world):
    send(client, world.worker_a, "post", "/api/v1/grids/370306001001001/retire")

    response = send(client, world.worker_a, "post", "/api/v1/grids/370306001001001/retire")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "This grid is already retired."
