"""The devices API: every operation, its refusals as problems, nothing of other
communities."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.devices.models import AlarmRule, Device, HourlyAggregate, NotificationRule, Telemetry
from linli.devices.tests.conftest import raise_alarm
from linli.devices.tokens import token_digest
from linli.testing.http import (
    API,
    EN,
    call_api,
    english_client,  # noqa: F401 (the English `client`)
    error_messages,
    ok,
    problem_of,
)

pytestmark = pytest.mark.django_db


def patch(client, user, path, body):
    client.force_login(user)
    return client.patch(API + path, json.dumps(body), content_type="application/json", **EN)


def delete(client, user, path):
    client.force_login(user)
    return client.delete(API + path, **EN)


def test_devices_are_provisioned_listed_changed_and_retired(world, client, home, next_door):
    body = {"grid_code": world.a1.code, "profile": "smoke", "key": "YG-API-1", "name": "接口烟感"}
    made = ok(
        call_api(client, world.worker_a, "post", "/devices", body | {"house": home.house.pk}), 201
    )
    device = Device.objects.get(key="YG-API-1")
    assert device.token_hash == token_digest(made["token"]) and device.building == home.building

    listed = ok(call_api(client, world.worker_a, "get", "/devices"))
    assert [d["key"] for d in listed["items"]] == ["YG-API-1"]  # not next door's
    one = ok(call_api(client, world.worker_a, "get", f"/devices/{device.pk}"))
    assert "token" not in one and one["rejections"] == []

    changed = ok(patch(client, world.worker_a, f"/devices/{device.pk}", {"name": "改名"}))
    assert changed["name"] == "改名"
    rotated = ok(call_api(client, world.worker_a, "post", f"/devices/{device.pk}/rotate-token"))
    device.refresh_from_db()
    assert device.token_hash == token_digest(rotated["token"]) != token_digest(made["token"])
    ok(call_api(client, world.worker_a, "post", f"/devices/{device.pk}/retire"))
    problem_of(call_api(client, world.worker_a, "post", f"/devices/{device.pk}/rotate-token"), 422)

    for path in (f"/devices/{next_door.pk}", f"/devices/{next_door.pk}/latest"):
        problem_of(call_api(client, world.worker_a, "get", path), 404)
    problem_of(call_api(client, world.worker_a, "post", f"/devices/{next_door.pk}/retire"), 404)


def test_bad_devices_are_refused_with_the_field_named(world, client, detector):
    body = {"grid_code": world.a1.code, "profile": "smoke", "key": "YG-2", "name": "烟感"}
    for change, field in [
        ({"grid_code": world.b1.code}, "grid_code"),
        ({"profile": "toaster"}, "profile"),
        ({"key": detector.key}, "key"),
        ({"key": "坏编号"}, "key"),
    ]:
        problem = problem_of(
            call_api(client, world.worker_a, "post", "/devices", body | change), 422
        )
        assert field in str(problem["errors"]), change
    assert Device.objects.count() == 1
    problem_of(call_api(client, world.grid_worker_a1, "post", "/devices", body), 403)


def test_history_is_raw_for_short_ranges_and_hourly_for_long_ones(world, client, detector):
    now = timezone.now()
    Telemetry.objects.create(
        device=detector, key="temperature", ts=now - timedelta(minutes=5), value=21
    )
    HourlyAggregate.objects.create(
        device=detector,
        key="temperature",
        hour=now - timedelta(days=3),
        count=2,
        minimum=19,
        maximum=23,
        total=42,
    )
    url = f"/devices/{detector.pk}/telemetry"
    short = ok(
        call_api(
            client,
            world.worker_a,
            "get",
            url,
            key="temperature",
            since=(now - timedelta(hours=1)).isoformat(),
        )
    )
    assert short["aggregation"] == "raw" and [p[1] for p in short["points"]] == [21.0]
    long = ok(
        call_api(
            client,
            world.worker_a,
            "get",
            url,
            key="temperature",
            since=(now - timedelta(days=7)).isoformat(),
        )
    )
    assert long["aggregation"] == "hour" and long["points"][0][1:] == [21.0, 19.0, 23.0]

    unknown = call_api(client, world.worker_a, "get", url, key="co", since=now.isoformat())
    assert "not reported by the profile" in str(problem_of(unknown, 422))
    year = (now - timedelta(days=400)).isoformat()
    problem_of(call_api(client, world.worker_a, "get", url, key="temperature", since=year), 422)


def test_the_alarm_lifecycle_through_the_api(world, client, detector, next_door):
    alarm = raise_alarm(detector)
    raise_alarm(next_door)
    listed = ok(call_api(client, world.grid_worker_a1, "get", "/alarms", state="active_unack"))
    assert [a["id"] for a in listed["items"]] == [alarm.pk]
    assert listed["items"][0]["state"] == "active_unack"

    base = f"/alarms/{alarm.pk}"
    done = ok(
        call_api(client, world.grid_worker_a1, "post", f"{base}/acknowledge", {"note": "到场"})
    )
    assert done["state"] == "active_ack"
    again = problem_of(call_api(client, world.grid_worker_a1, "post", f"{base}/acknowledge"), 422)
    assert "already acknowledged" in str(again)
    ok(call_api(client, world.grid_worker_a1, "post", f"{base}/comments", {"note": "已处理"}), 201)
    problem_of(
        call_api(client, world.grid_worker_a1, "post", f"{base}/comments", {"note": ""}), 422
    )
    refused = call_api(
        client, world.worker_a, "post", f"{base}/assign", {"to": world.worker_b.username}
    )
    assert "may not handle alarms here" in str(problem_of(refused, 422))
    ok(
        call_api(
            client, world.worker_a, "post", f"{base}/assign", {"to": world.grid_worker_a1.username}
        )
    )
    cleared = ok(call_api(client, world.grid_worker_a1, "post", f"{base}/clear"))
    assert cleared["state"] == "cleared_ack"
    assert [c["action"] for c in cleared["changes"]] == [
        "raised",
        "acknowledged",
        "commented",
        "assigned",
        "cleared",
    ]
    assert (
        ok(call_api(client, world.worker_a, "get", "/alarms", state="active_unack"))["count"] == 0
    )
    problem_of(
        call_api(client, world.worker_a, "get", "/alarms", since="2026-02-01", until="2026-01-01"),
        422,
    )
    other = next_door.alarms.get()
    problem_of(call_api(client, world.worker_a, "post", f"/alarms/{other.pk}/acknowledge"), 404)


def test_rules_through_the_api(world, client, detector, smoke):
    rule = {"device": detector.pk, "alarm_type": "high-temperature", "severity": "major"}
    for change, message in [
        (
            {"kind": "threshold", "key": "co", "operator": "gt", "threshold": 1},
            "not reported by the profile",
        ),
        ({"kind": "rate", "key": "temperature"}, "Choose the comparison"),
        ({"kind": "no_data"}, "minutes"),
        ({"kind": "boolean", "key": "smoke", "active_from": "22:00"}, "both times"),
        (
            {"kind": "boolean", "key": "smoke", "device": None},
            "one profile, one building or one device",
        ),
    ]:
        answer = call_api(client, world.subdistrict_admin, "post", "/alarm-rules", rule | change)
        assert message in str(problem_of(answer, 422)), change
    problem_of(
        call_api(
            client,
            world.subdistrict_admin,
            "post",
            "/alarm-rules",
            rule
            | {"kind": "boolean", "key": "smoke", "active_from": "25:00", "active_until": "05:00"},
        ),
        422,
    )
    assert not AlarmRule.objects.filter(device=detector).exists()

    good = rule | {
        "kind": "boolean",
        "key": "smoke",
        "active_from": "22:00",
        "active_until": "06:00",
    }
    made = ok(call_api(client, world.subdistrict_admin, "post", "/alarm-rules", good), 201)
    assert (made["active_from"], made["active_until"]) == ("22:00", "06:00")
    changed = ok(
        patch(
            client,
            world.subdistrict_admin,
            f"/alarm-rules/{made['id']}",
            {"active_from": None, "active_until": None},
        )
    )
    assert changed["active_from"] is None
    assert delete(client, world.subdistrict_admin, f"/alarm-rules/{made['id']}").status_code == 204

    # a profile's rule applies district-wide: its district's administrators only
    profile_rule = {
        "profile": "smoke",
        "alarm_type": "high-temperature",
        "severity": "major",
        "kind": "threshold",
        "key": "temperature",
        "operator": "gt",
        "threshold": 60,
    }
    problem_of(call_api(client, world.subdistrict_admin, "post", "/alarm-rules", profile_rule), 403)
    ok(call_api(client, world.district_admin, "post", "/alarm-rules", profile_rule), 201)
    listed = ok(call_api(client, world.worker_a, "get", "/alarm-rules", page_size=100))
    assert any(r["profile"] == "smoke" and r["threshold"] == 60 for r in listed["items"])


def test_profiles_and_keys_through_the_api(world, client, smoke):
    profiles = ok(call_api(client, world.worker_a, "get", "/device-profiles"))
    assert {"smoke", "battery"} <= {
        k["key"] for p in profiles if p["code"] == "smoke" for k in p["keys"]
    }
    problem_of(
        patch(client, world.subdistrict_admin, f"/device-profiles/{smoke.pk}", {"interval": 60}),
        403,
    )
    assert (
        ok(patch(client, world.district_admin, f"/device-profiles/{smoke.pk}", {"interval": 60}))[
            "interval"
        ]
        == 60
    )
    key = ok(
        call_api(
            client,
            world.district_admin,
            "post",
            f"/device-profiles/{smoke.pk}/keys",
            {"key": "lux", "type": "number", "label": "照度", "unit": "lx"},
        ),
        201,
    )
    bad = patch(
        client, world.district_admin, f"/profile-keys/{key['id']}", {"minimum": 9, "maximum": 1}
    )
    problem_of(bad, 422)
    assert delete(client, world.district_admin, f"/profile-keys/{key['id']}").status_code == 204
    watched = smoke.keys.get(key="smoke").pk
    problem_of(delete(client, world.district_admin, f"/profile-keys/{watched}"), 422)


def test_notification_rules_through_the_api(world, client):
    body = {
        "region_code": world.b.code,
        "roles": ["grid_worker"],
        "severities": ["critical"],
        "channels": ["sms"],
    }
    problem_of(
        call_api(client, world.other_subdistrict_admin, "post", "/alarm-notification-rules", body),
        422,
    )
    made = ok(
        call_api(client, world.subdistrict_admin, "post", "/alarm-notification-rules", body), 201
    )
    assert error_messages(
        problem_of(
            patch(
                client,
                world.subdistrict_admin,
                f"/alarm-notification-rules/{made['id']}",
                {"roles": []},
            ),
            422,
        )
    )
    path = f"/alarm-notification-rules/{made['id']}"
    assert ok(patch(client, world.subdistrict_admin, path, {"channels": ["email", "console"]}))[
        "channels"
    ] == ["console", "email"]
    assert ok(call_api(client, world.worker_a, "get", "/alarm-notification-rules"))["count"] == 0
    problem_of(delete(client, world.other_subdistrict_admin, path), 404)
    assert delete(client, world.subdistrict_admin, path).status_code == 204
    assert not NotificationRule.objects.exists()
