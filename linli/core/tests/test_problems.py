"""API errors are RFC 7807 `application/problem+json`."""

import json

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from linli.core.problems import PROBLEM_CONTENT_TYPE, problem
from linli.regions import selectors
from linli.testing.http import EN


def as_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["instance"] == response.request["PATH_INFO"]
    return body


def test_problem_builds_a_minimal_body():
    request = RequestFactory().get("/api/v1/x")

    response = problem(request, 409, "Conflict.")

    assert json.loads(response.content) == {
        "type": "about:blank",
        "title": "Conflict.",
        "status": 409,
        "instance": "/api/v1/x",
    }


def test_problem_includes_detail_and_errors_when_given():
    request: HttpRequest = RequestFactory().post("/api/v1/x")

    response = problem(request, 422, "Bad.", "Name missing.", [{"field": "name", "message": "m"}])

    body = json.loads(response.content)
    assert body["detail"] == "Name missing."
    assert body["errors"] == [{"field": "name", "message": "m"}]


def test_401_without_credentials(client, db):
    response = client.get("/api/v1/regions", **EN)

    body = as_problem(response, 401)
    assert body["title"] == "Authentication required."
    assert body["detail"] == "Sign in or send a valid access token."
    assert response["WWW-Authenticate"] == "Bearer"


def test_401_with_a_bad_token(client, db):
    response = client.get("/api/v1/regions", HTTP_AUTHORIZATION="Bearer linli_nope", **EN)

    assert as_problem(response, 401)["detail"] == "The access token is not valid."


def test_401_also_for_writes_without_credentials(client, world):
    response = client.post(
        "/api/v1/grids/370306001001001/retire", "{}", content_type="application/json", **EN
    )

    as_problem(response, 401)
    assert not world.region("370306001001001").is_retired


def test_403_when_the_roles_do_not_allow_the_action(client, world):
    client.force_login(world.grid_worker_a1)

    response = client.post(
        "/api/v1/regions/370306001001/grids",
        json.dumps({"name": "x"}),
        content_type="application/json",
        **EN,
    )

    body = as_problem(response, 403)
    assert body["title"] == "Permission denied."
    assert body["detail"] == "Your roles do not allow this action."


def test_404_for_an_object_outside_the_scope(client, world):
    client.force_login(world.worker_a)

    body = as_problem(client.get("/api/v1/regions/370306001003", **EN), 404)

    assert body["title"] == "Not found."
    assert "市南" not in json.dumps(body, ensure_ascii=False)


def test_404_for_an_unknown_api_route(client, world):
    client.force_login(world.worker_a)

    body = as_problem(client.get("/api/v1/no-such-thing", **EN), 404)

    assert body["title"] == "Not found."


def test_422_for_a_malformed_query(client, world):
    client.force_login(world.worker_a)

    body = as_problem(client.get("/api/v1/regions?page_size=101", **EN), 422)

    assert body["title"] == "The request is not valid."
    assert body["errors"][0]["field"].endswith("page_size")
    assert body["errors"][0]["message"]


def test_400_for_a_body_that_is_not_json(client, world):
    client.force_login(world.worker_a)

    response = client.post(
        "/api/v1/regions/370306001001/grids", "{name:", content_type="application/json", **EN
    )

    body = as_problem(response, 400)
    assert body["title"] == "The request body cannot be read."
    assert "application/json" in body["detail"]


def test_405_for_a_method_the_route_does_not_take(client, world):
    client.force_login(world.worker_a)

    response = client.delete("/api/v1/regions", **EN)

    assert as_problem(response, 405)["detail"] == "This address accepts: GET."
    assert response["Allow"] == "GET"


def test_a_route_added_straight_on_the_api_must_declare_its_action_too():
    from django.core.exceptions import ImproperlyConfigured

    from linli.api import api

    with pytest.raises(ImproperlyConfigured, match="declares no action"):

        @api.get("/undeclared", response=dict, operation_id="x", url_name="x")
        def undeclared(request):
            return {}


def test_422_from_a_service_lists_its_errors_by_field(client, world):
    client.force_login(world.worker_a)

    response = client.post(
        "/api/v1/regions/370306001001/grids",
        json.dumps({"name": "  ", "boundary": None}),
        content_type="application/json",
        **EN,
    )

    body = as_problem(response, 422)
    assert body["errors"] == [{"field": "name", "message": "A grid needs a name."}]
    assert body["detail"] == "A grid needs a name."


def test_unexpected_errors_are_a_500_problem_without_details(client, world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "regions_visible", broken)
    client.force_login(world.worker_a)

    response = client.get("/api/v1/regions/370306001001", **EN)

    body = as_problem(response, 500)
    assert body["title"] == "Internal server error."
    assert "secret internals" not in response.content.decode()
