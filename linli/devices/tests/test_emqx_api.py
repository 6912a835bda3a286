"""EMQX 5's HTTP authentication and authorisation answered by Linli (emqx_api.py):
the broker's calls as EMQX sends them (its body templates, docs/deploy.md), the
answers in its format, the same decisions as the Mosquitto plugin's."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from linli.devices.emqx_api import SECRET_HEADER
from linli.devices.models import DeviceProfile
from linli.devices.services import device_provision, device_retire, device_token_rotate

pytestmark = pytest.mark.django_db

SECRET = "emqx-shared-secret-for-tests"
WORKER, PASSWORD = "linli-ingest", "worker-password-for-tests"
AUTHN, AUTHZ = "/api/v1/devices/emqx/authenticate", "/api/v1/devices/emqx/authorize"


@pytest.fixture(autouse=True)
def emqx_settings():
    with override_settings(
        LINLI_EMQX_SECRET=SECRET, LINLI_MQTT_USERNAME=WORKER, LINLI_MQTT_PASSWORD=PASSWORD
    ):
        yield


@pytest.fixture
def broker():
    return Client(enforce_csrf_checks=True)  # the broker has no session, no CSRF cookie


@pytest.fixture
def device(world):
    return device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="smoke"),
        key="YG-0001",
        name="楼道烟感",
        by=None,
    )


def call(client, url, body, secret=SECRET):
    headers = {} if secret is None else {"headers": {SECRET_HEADER: secret}}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def authenticate(client, username, password="", secret=SECRET):
    body = {"username": username, "password": password, "clientid": "c-1"}
    return call(client, AUTHN, body, secret)


def authorize(client, username, action, topic):
    body = {"username": username, "topic": topic, "action": action, "clientid": "c-1"}
    response = call(client, AUTHZ, body)
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_a_device_in_service_connects_with_its_key_as_client_attribute(broker, device):
    _sensor, token = device
    with CaptureQueriesContext(connection) as queries:
        response = authenticate(broker, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "result": "allow",
        "is_superuser": False,
        "client_attrs": {"device": "YG-0001"},
    }
    assert len(queries) == 1  # one indexed lookup by the token's digest


def test_a_retired_device_a_rotated_token_and_an_unknown_one_are_denied(broker, device):
    sensor, token = device
    assert authenticate(broker, "A" * 20).json() == {"result": "deny", "is_superuser": False}
    assert authenticate(broker, "x" * 10_000).json()["result"] == "deny"
    assert authenticate(broker, "").json()["result"] == "deny"

    new_token = device_token_rotate(device=sensor, by=None)
    assert authenticate(broker, token).json()["result"] == "deny"
    assert authenticate(broker, new_token).json()["result"] == "allow"

    device_retire(device=sensor, by=None)
    assert authenticate(broker, new_token).json()["result"] == "deny"


def test_the_worker_connects_with_its_password_only(broker):
    assert authenticate(broker, WORKER, PASSWORD).json() == {
        "result": "allow",
        "is_superuser": False,
    }
    assert authenticate(broker, WORKER, "wrong").json()["result"] == "deny"
    assert authenticate(broker, WORKER).json()["result"] == "deny"
    assert authenticate(broker, "someone-else", PASSWORD).json()["result"] == "deny"
    with override_settings(LINLI_MQTT_PASSWORD=""):  # no password set: no worker
        assert authenticate(broker, WORKER, "").json()["result"] == "deny"


def test_without_the_secret_nothing_is_answered(broker, device):
    _sensor, token = device
    for secret in (None, "", "wrong", SECRET + "x"):
        response = authenticate(broker, token, secret=secret)
        assert response.status_code == 401, secret  # EMQX takes any 4xx as "ignore"
        assert "result" not in response.json()
        response = call(
            broker,
            AUTHZ,
            {"username": token, "topic": "v1/devices/me/telemetry", "action": "publish"},
            secret,
        )
        assert response.status_code == 401


def test_disabled_when_no_secret_is_set(broker, device):
    _sensor, token = device
    with override_settings(LINLI_EMQX_SECRET=""):
        assert authenticate(broker, token, secret="").status_code == 404
        assert authenticate(broker, token, secret="anything").status_code == 404
        response = call(
            broker,
            AUTHZ,
            {"username": token, "topic": "v1/devices/me/telemetry", "action": "publish"},
            "",
        )
        assert response.status_code == 404


# The ACL, pair by pair: (action, topic, device?, worker?).
ACL = [
    ("publish", "v1/devices/me/telemetry", True, False),
    ("publish", "v1/devices/me/attributes", True, False),
    ("publish", "v1/gateway/telemetry", True, False),
    ("publish", "v1/gateway/attributes", True, False),
    ("publish", "v1/gateway/connect", True, False),
    ("publish", "v1/gateway/disconnect", True, False),
    ("publish", "v1/devices/me/rpc/response/1", False, False),
    ("publish", "v1/devices/me/other", False, False),
    ("publish", "linli/YG-0001/telemetry", False, False),
    ("publish", "linli/OTHER/telemetry", False, False),
    ("publish", "#", False, False),
    ("subscribe", "v1/devices/me/attributes", True, False),
    ("subscribe", "v1/devices/me/attributes/response/+", True, False),
    ("subscribe", "v1/devices/me/rpc/request/+", True, False),
    ("subscribe", "v1/devices/me/telemetry", False, False),
    ("subscribe", "v1/gateway/#", False, False),
    ("subscribe", "#", False, False),
    ("subscribe", "linli/#", False, True),
    ("subscribe", "$share/linli/linli/#", False, True),
    ("subscribe", "$share/linli/v1/devices/me/telemetry", False, False),
    ("subscribe", "$share/linli", False, False),
    ("subscribe", "$SYS/#", False, False),
    ("all", "v1/devices/me/telemetry", False, False),
    ("", "v1/devices/me/telemetry", False, False),
]


@pytest.mark.parametrize(("action", "topic", "device_may", "worker_may"), ACL)
def test_the_acl(broker, device, action, topic, device_may, worker_may):
    _sensor, token = device
    assert authorize(broker, token, action, topic) == ("allow" if device_may else "deny")
    assert authorize(broker, WORKER, action, topic) == ("allow" if worker_may else "deny")
    assert authorize(broker, "A" * 20, action, topic) == "deny"  # unknown token


def test_a_device_retired_or_rotated_since_it_connected_may_publish_no_more(broker, device):
    sensor, token = device
    topic = "v1/devices/me/telemetry"
    assert authorize(broker, token, "publish", topic) == "allow"
    new_token = device_token_rotate(device=sensor, by=None)
    assert authorize(broker, token, "publish", topic) == "deny"
    device_retire(device=sensor, by=None)
    assert authorize(broker, new_token, "publish", topic) == "deny"


def test_tokens_and_passwords_are_neither_logged_nor_echoed(broker, device, caplog):
    _sensor, token = device
    caplog.set_level(logging.DEBUG)
    answers = [
        authenticate(broker, token).content,
        authenticate(broker, token, secret="wrong").content,
        authenticate(broker, WORKER, PASSWORD).content,
        call(broker, AUTHN, {"username": ["not", "a", "string"], "password": PASSWORD}).content,
    ]
    for secret in (token, PASSWORD, SECRET):
        assert secret not in caplog.text
        assert all(secret.encode() not in answer for answer in answers)
