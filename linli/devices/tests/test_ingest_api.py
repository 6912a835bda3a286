import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from linli.accounts.services import token_create
from linli.devices.models import DeviceProfile, DeviceRejection, LatestValue, Telemetry
from linli.devices.services import device_provision, device_retire, device_token_rotate
from linli.devices.tests.support import now_ms
from linli.testing.http import EN, PROBLEM, bearer, problem_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(world):
    return device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="temp-humidity"),
        key="WSD-0001",
        name="配电房温湿度",
        by=None,
    )


@pytest.fixture
def device_client():
    return Client(enforce_csrf_checks=True)  # a device has no session, no CSRF cookie


def post(client, url, body, content_type="application/json", **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data, content_type=content_type, **{**EN, **headers})


def test_thingsboard_http_telemetry_in_its_shapes(device_client, device):
    sensor, token = device
    response = post(device_client, f"/api/v1/{token}/telemetry", {"temperature": 21.5})
    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 1, "duplicate": 0, "refused": {}}
    array = [
        {"ts": now_ms(-1000), "values": {"humidity": 40}},
        {"ts": now_ms(-2000), "values": {"pressure": 1}},
    ]
    response = post(device_client, f"/api/v1/{token}/telemetry", array, content_type="text/plain")
    assert response.json() == {"stored": 1, "duplicate": 0, "refused": {"unknown_key": 1}}
    assert Telemetry.objects.filter(device=sensor).count() == 2


def test_thingsboard_http_attributes(device_client, device):
    sensor, token = device
    response = post(device_client, f"/api/v1/{token}/attributes", {"firmware": "1.0.3"})
    assert response.status_code == 200
    sensor.refresh_from_db()
    assert sensor.attributes == {"firmware": "1.0.3"}


def test_an_unknown_rotated_or_retired_token_is_401_and_counted(device_client, device, world):
    sensor, token = device
    response = post(device_client, "/api/v1/abcdefghij0123456789/telemetry", {"temperature": 1})
    assert problem_of(response, 401)["title"]
    new = device_token_rotate(device=sensor, by=None)
    assert post(device_client, f"/api/v1/{token}/telemetry", {"temperature": 1}).status_code == 401
    assert post(device_client, f"/api/v1/{new}/telemetry", {"temperature": 1}).status_code == 200
    device_retire(device=sensor, by=None)
    assert post(device_client, f"/api/v1/{new}/attributes", {"a": 1}).status_code == 401
    assert post(device_client, f"/api/v1/{'x' * 300}/telemetry", {"a": 1}).status_code == 401
    refused = DeviceRejection.objects.get(device=None, reason="unknown_token")
    assert refused.count == 4
    assert Telemetry.objects.filter(device=sensor).count() == 1


def test_bad_bodies_get_the_answers_thingsboard_gives(device_client, device):
    sensor, token = device
    url = f"/api/v1/{token}/telemetry"
    response = post(device_client, url, b"{oops")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    with override_settings(LINLI_TELEMETRY_MAX_PAYLOAD=1024):
        assert post(device_client, url, {"temperature": 1, "x": "y" * 2000}).status_code == 413
    with override_settings(LINLI_DEVICE_BURST=1):
        assert post(device_client, url, {"temperature": 1}).status_code == 200
        assert post(device_client, url, {"temperature": 2}).status_code == 429
    reasons = dict(DeviceRejection.objects.filter(device=sensor).values_list("reason", "count"))
    assert reasons == {"malformed": 1, "oversize": 1, "rate_limited": 1}


def batch(*devices, ts=None):
    return {
        "messages": [
            {
                "device": key,
                "ts": ts or now_ms(-1000),
                "values": {"temperature": 20, "humidity": 41},
            }
            for key in devices
        ]
    }


@pytest.fixture
def worker_a(world):
    return bearer(token_create(user=world.worker_a, name="集成", days=30, by=world.worker_a)[1])


def test_the_batch_endpoint_stores_the_callers_devices_only(client, world, device, worker_a):
    sensor, _token = device
    outside, _ = device_provision(
        grid=world.b1,
        profile=DeviceProfile.objects.get(code="temp-humidity"),
        key="WSD-B001",
        name="市南温湿度",
        by=None,
    )
    response = post(client, "/api/v1/devices/telemetry", batch("WSD-0001", "WSD-B001"), **worker_a)
    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 2, "duplicate": 0, "refused": {"unknown_device": 1}}
    unknown = post(client, "/api/v1/devices/telemetry", batch("NO-SUCH"), **worker_a)
    assert unknown.json() == {"stored": 0, "duplicate": 0, "refused": {"unknown_device": 1}}
    assert not Telemetry.objects.filter(device=outside).exists()
    assert not LatestValue.objects.filter(device=outside).exists()
    assert not DeviceRejection.objects.filter(device=outside).exists()
    assert Telemetry.objects.filter(device=sensor).count() == 2


def test_the_batch_endpoint_is_for_staff_managing_devices(client, world, device):
    resident = bearer(token_create(user=world.resident_a, name="t", days=1, by=world.resident_a)[1])
    assert (
        post(client, "/api/v1/devices/telemetry", batch("WSD-0001"), **resident).status_code == 403
    )
    assert post(client, "/api/v1/devices/telemetry", batch("WSD-0001")).status_code == 401


def test_the_batch_endpoint_has_limits(client, device, worker_a):
    too_many = batch(*["WSD-0001"] * 1001)
    assert post(client, "/api/v1/devices/telemetry", too_many, **worker_a).status_code == 422
    nested = {"messages": [{"device": "WSD-0001", "values": {"temperature": {"c": 1}}}]}
    assert post(client, "/api/v1/devices/telemetry", nested, **worker_a).status_code == 422
    # Not rate limited (an integration uploads history), still checked and idempotent.
    hundred = {
        "messages": [
            {"device": "WSD-0001", "ts": now_ms(-i * 1000), "values": {"temperature": 20}}
            for i in range(1, 101)
        ]
    }
    assert post(client, "/api/v1/devices/telemetry", hundred, **worker_a).json()["stored"] == 100
    again = post(client, "/api/v1/devices/telemetry", hundred, **worker_a).json()
    assert (again["stored"], again["duplicate"]) == (0, 100)
    late = batch("WSD-0001", ts=int((timezone.now().timestamp() - 30 * 86400) * 1000))
    assert post(client, "/api/v1/devices/telemetry", late, **worker_a).json()["refused"] == {
        "past": 1  # the message's time: refused whole
    }


def test_a_device_number_that_cannot_be_one_is_refused_at_the_edge(client, device, worker_a):
    body = {"messages": [{"device": "WSD\u00000001", "values": {"temperature": 20}}]}
    assert post(client, "/api/v1/devices/telemetry", body, **worker_a).status_code == 422
