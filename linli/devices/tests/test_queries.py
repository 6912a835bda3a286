"""The devices' lists cost a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.devices.services import device_provision
from linli.devices.tests.conftest import raise_alarm
from linli.testing.http import (
    EN,
    call_api,
    english_client,  # noqa: F401 (the English `client`)
)

pytestmark = pytest.mark.django_db

PAGES = ["/devices/", "/devices/alarms/", "/devices/profiles/", "/devices/notification-rules/"]
ROUTES = ["/devices", "/alarms", "/alarm-rules", "/alarm-notification-rules"]


def _more(world, smoke, home, n):
    for i in range(n):
        device, _token = device_provision(
            grid=world.a1, profile=smoke, key=f"N-{n}-{i}", name=f"烟感{i}",
            building=home.building, by=None,
        )  # fmt: skip
        raise_alarm(device)


def _counts(client, world):
    client.force_login(world.worker_a)
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, **EN).status_code == 200
        counts[url] = len(queries)
    for path in ROUTES:
        with CaptureQueriesContext(connection) as queries:
            assert call_api(client, world.worker_a, "get", path).status_code == 200
        counts[path] = len(queries)
    return counts


def test_lists_cost_the_same_for_2_rows_and_for_12(world, client, smoke, home):
    _more(world, smoke, home, 2)
    few = _counts(client, world)
    _more(world, smoke, home, 10)
    many = _counts(client, world)
    assert many == few
    assert max(few.values()) <= 25, few
