"""The audit lists cost a fixed number of queries, however many entries a page shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.audit.choices import AuditAction
from linli.audit.tests.support import record

MANY = 40
# Session, viewer, the viewer's grants, count, the page of entries (regions joined); the
# console also the regions its region input offers and the kinds of object it filters by.
# Pinned: a rise means a query was added, perhaps one per row.
API_LIST_QUERIES = 5
CONSOLE_LIST_QUERIES = 7


def add_entries(world, n: int) -> None:
    places = [world.a, world.b, world.a1, world.b1, world.district]
    for i in range(n):
        record(region=places[i % len(places)], actor=world.worker_a, action=AuditAction.EXPORT)


def queries_for(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["auditor", "platform_admin"])
def test_the_api_list_has_no_n_plus_one(client, world, django_assert_max_num_queries, viewer):
    client.force_login(getattr(world, viewer))
    add_entries(world, 1)
    few = queries_for(client, "/api/v1/audit?page_size=100")
    add_entries(world, MANY)
    with django_assert_max_num_queries(API_LIST_QUERIES):
        response = client.get("/api/v1/audit?page_size=100")
    assert len(response.json()["items"]) == MANY + 1
    assert queries_for(client, "/api/v1/audit?page_size=100") == few


def test_the_console_list_has_no_n_plus_one(client, world, django_assert_max_num_queries):
    client.force_login(world.auditor)
    add_entries(world, 1)
    queries_for(client, "/audit/")  # the filter's kinds are kept (cached) from the first
    few = queries_for(client, "/audit/")
    add_entries(world, MANY)
    with django_assert_max_num_queries(CONSOLE_LIST_QUERIES):
        response = client.get("/audit/")
    assert response.content.decode().count("<tr>") == MANY + 2  # header + rows
    assert queries_for(client, "/audit/") == few
    # the results alone: without the regions of the form's region input
    assert queries_for(client, "/audit/?action=export", HTTP_HX_REQUEST="true") == few - 1
