"""User lists cost a fixed number of queries, however many users (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import RoleGrant, User
from linli.core.permissions import Role

MANY = 30
# Session, viewer, the viewer's grants, count, page of users, their grants (one query);
# the console page also the regions its region input offers.
# Pinned: a rise means a query was added, perhaps one per row.
API_LIST_QUERIES = 6
CONSOLE_LIST_QUERIES = 7


def add_people(world, n: int) -> None:
    """n residents of community A, each also a grid worker in A1: two grants a person."""
    users = User.objects.bulk_create(
        User(username=f"resident.{i:03d}", full_name=f"居民{i}", phone=f"1390000{i:04d}")
        for i in range(n)
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.RESIDENT, region=world.a) for u in users]
        + [RoleGrant(user=u, role=Role.GRID_WORKER, region=world.a1) for u in users]
    )


def queries_for(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("viewer", ["subdistrict_admin", "platform_admin"])
def test_the_api_user_list_has_no_n_plus_one(client, world, django_assert_max_num_queries, viewer):
    client.force_login(getattr(world, viewer))
    few, _ = queries_for(client, "/api/v1/users?page_size=100")
    add_people(world, MANY)
    with django_assert_max_num_queries(API_LIST_QUERIES):
        response = client.get("/api/v1/users?page_size=100")
    body = response.json()
    assert body["count"] >= MANY
    assert len([u for u in body["items"] if u["username"].startswith("resident.0")]) == MANY
    assert all(
        len(u["grants"]) == 2 for u in body["items"] if u["username"].startswith("resident.0")
    )
    assert queries_for(client, "/api/v1/users?page_size=100")[0] == few


def test_the_console_user_list_has_no_n_plus_one(client, world, django_assert_max_num_queries):
    client.force_login(world.subdistrict_admin)
    few, _ = queries_for(client, "/accounts/users/")
    add_people(world, MANY)
    with django_assert_max_num_queries(CONSOLE_LIST_QUERIES):
        response = client.get("/accounts/users/")
    html = response.content.decode()
    assert html.count(">resident.0") == MANY
    assert html.count("车站第一网格") >= MANY, "each person's grid role is shown"
    assert queries_for(client, "/accounts/users/")[0] == few


def test_the_console_search_fragment_has_no_n_plus_one(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.subdistrict_admin)
    add_people(world, MANY)
    with django_assert_max_num_queries(CONSOLE_LIST_QUERIES):
        response = client.get("/accounts/users/?q=resident.0", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html, "an htmx search gets only the results fragment"
    assert html.count(">resident.0") == MANY


def test_a_user_detail_costs_the_same_with_many_roles(client, world):
    client.force_login(world.subdistrict_admin)
    url = f"/accounts/users/{world.worker_a.pk}/"
    few, _ = queries_for(client, url)
    RoleGrant.objects.bulk_create(
        RoleGrant(user=world.worker_a, role=role, region=region)
        for role, region in [
            (Role.RESIDENT, world.a),
            (Role.RESIDENT, world.b),
            (Role.GRID_WORKER, world.a1),
            (Role.GRID_WORKER, world.b1),
            (Role.COMMUNITY_WORKER, world.b),
        ]
    )
    many, response = queries_for(client, url)
    assert response.content.decode().count("/revoke/") == 6
    assert many == few
