"""Bad input the API must refuse with a problem, never a server error."""

import pytest

from linli.accounts.services import token_create
from linli.registry.models import Household
from linli.testing.cases import report
from linli.testing.http import PROBLEM, bearer
from linli.testing.registry import place

HUGE = 9223372036854775807  # the largest signed 64-bit integer


@pytest.fixture
def worker(world):
    return bearer(token_create(user=world.worker_a, name="t", days=30, by=world.worker_a)[1])


@pytest.mark.parametrize("path", ["/api/v1/patrols", "/api/v1/cases", "/api/v1/registry/residents"])
def test_a_page_far_beyond_the_last_is_an_empty_page(client, world, worker, path):
    response = client.get(path, {"page": HUGE}, **worker)
    assert response.status_code in (200, 422), response.content


def test_an_id_beyond_64_bits_is_refused(client, world, worker):
    response = client.get(f"/api/v1/cases/{HUGE + 1}/photos/1", **worker)
    assert response.status_code == 422, response.content


def test_a_body_over_the_limit_is_too_large(client, world, worker):
    case = report(world)
    response = client.post(
        f"/api/v1/cases/{case.pk}/accept",
        '{"note": "' + "x" * 2_700_000 + '"}',
        content_type="application/json",
        **worker,
    )
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == PROBLEM


def test_multipart_without_a_boundary_is_a_bad_request(client, world, worker):
    case = report(world)
    response = client.post(
        f"/api/v1/cases/{case.pk}/photos", b"abc", content_type="multipart/form-data", **worker
    )
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[]", "application/json"),
        ('"abc"', "application/json"),
        ("[null, null]", "application/json"),
        ("{}", "text/plain"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, world, worker, body, content_type):
    house = place(world.a1).house
    response = client.post(
        f"/api/v1/registry/houses/{house.pk}/households", body, content_type=content_type, **worker
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert Household.objects.filter(house=house).count() == 1  # the one place() made


def test_nul_in_any_text_is_refused_where_it_is_and_nothing_is_saved(client, world, worker):
    """PostgreSQL cannot hold NUL in text: every app's body, query and form is checked
    once, by the API's parser, and answered 422 with the place (not 500 at the INSERT)."""
    from linli.cases.models import Case

    body = {"category": "environment.litter", "description": "楼道堆放杂物", "answers": {}}
    for bad, field in (
        ({"description": "楼道\x00堆物"}, "body.description"),
        ({"answers": {"floor": ["3", "4\x00"]}}, "body.answers.floor.1"),
        ({"answers": {"fl\x00or": "3"}}, "body.answers.fl\x00or"),
    ):
        response = client.post(
            "/api/v1/cases", {**body, **bad}, content_type="application/json", **worker
        )
        assert response.status_code == 422, response.content
        problem = response.json()
        assert response["Content-Type"] == PROBLEM
        assert problem["errors"] == [{"field": field, "message": problem["detail"]}]
    assert not Case.objects.exists()

    response = client.get("/api/v1/cases", {"q": "楼道\x00"}, **worker)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "query.q"
