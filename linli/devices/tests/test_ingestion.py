import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from linli.devices.ingestion import (
    ATTRIBUTES,
    GATEWAY_ATTRIBUTES,
    GATEWAY_CONNECT,
    GATEWAY_DISCONNECT,
    GATEWAY_TELEMETRY,
    ingest,
)
from linli.devices.models import Device, DeviceRejection, LatestValue, ProfileKey, Telemetry
from linli.devices.services import device_retire
from linli.devices.tests.support import message, ms, now_ms, provision

pytestmark = pytest.mark.django_db


def values(device, key="temperature"):
    return [
        (row.ts, row.value)
        for row in Telemetry.objects.filter(device=device, key=key).order_by("ts")
    ]


def refusals(device=None):
    return {r.reason: r.count for r in DeviceRejection.objects.filter(device=device)}


def test_the_three_shapes_of_telemetry_are_stored_once(sensor):
    at = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    batch = [
        message({"temperature": 21.5, "humidity": 40}),
        message({"ts": ms(at), "values": {"temperature": 22.0}}),
        message([{"ts": ms(at) + 1000, "values": {"temperature": 22.5}}, {"humidity": 41}]),
    ]
    first = ingest(batch)
    again = ingest(batch[1:2])  # delivered again: stored once, counted as such
    assert (first["messages"], first["values"], first["stored"]) == (3, 5, 5)
    assert (again["stored"], again["duplicate"]) == (0, 1)
    assert [v for ts, v in values(sensor) if ts <= at + timedelta(seconds=1)] == [22.0, 22.5]
    assert Telemetry.objects.filter(device=sensor).count() == 5
    assert refusals(sensor) == {"duplicate": 1}
    sensor.refresh_from_db()
    assert sensor.online and sensor.last_seen_at is not None


def test_the_latest_value_is_the_newest_whatever_the_order(sensor):
    now = timezone.now().replace(microsecond=0)
    ingest([message({"ts": ms(now), "values": {"temperature": 30, "battery": 80}})])
    ingest([message({"ts": ms(now - timedelta(minutes=5)), "values": {"temperature": 10}})])
    latest = LatestValue.objects.get(device=sensor, key="temperature")
    assert (latest.ts, latest.value) == (now, 30)
    ingest([message({"ts": ms(now + timedelta(seconds=1)), "values": {"temperature": 31}})])
    assert LatestValue.objects.get(device=sensor, key="temperature").value == 31
    sensor.refresh_from_db()
    assert sensor.battery == 80


def test_battery_and_signal_go_to_the_devices_health(world):
    smoke = provision(world, "smoke", "YG-0001")
    ingest([message({"smoke": 0, "battery": 76.6, "signal": -85}, "YG-0001")])
    smoke.refresh_from_db()
    assert (smoke.battery, smoke.signal, smoke.online) == (77, -85, True)


def test_yes_no_keys_take_true_false_0_and_1_and_numbers_may_be_strings(world):
    smoke = provision(world, "smoke", "YG-0002")
    now = timezone.now().replace(microsecond=0)
    counts = ingest(
        [
            message({"ts": ms(now) + i, "values": {"smoke": raw}}, "YG-0002")
            for i, raw in enumerate([True, False, 0, 1, "1", 2, "yes", 0.5])
        ]
        + [message({"temperature": "21.5"}, "YG-0002")]
    )
    assert values(smoke, "smoke") == [
        (now + timedelta(milliseconds=i), v) for i, v in enumerate([1, 0, 0, 1, 1])
    ]
    assert values(smoke)[0][1] == 21.5
    assert counts["wrong_type"] == 3
    assert refusals(smoke)["wrong_type"] == 3


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"temperature": "hot"}, "wrong_type"),
        ({"temperature": True}, "wrong_type"),
        ({"temperature": {"c": 20}}, "wrong_type"),
        ({"temperature": 400}, "out_of_range"),
        ({"humidity": -1}, "out_of_range"),
        ({"pressure": 1013}, "unknown_key"),
        ({"ts": "yesterday", "values": {"temperature": 20}}, "malformed"),
        ({"ts": 1, "values": [20]}, "malformed"),
        ([1, 2], "malformed"),
    ],
)
def test_a_bad_value_is_refused_and_counted_and_the_rest_is_stored(sensor, payload, reason, caplog):
    caplog.set_level(logging.WARNING)
    counts = ingest([message(payload), message({"temperature": 20, "humidity": 50})])
    assert counts[reason] >= 1
    assert counts["stored"] == 2
    assert set(refusals(sensor)) == {reason}
    assert LatestValue.objects.filter(device=sensor).count() == 2
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert reason in warnings[0].getMessage()


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b'{"temperature": NaN}',
        b"\xff\xfe",
        b'{"temperature": 1e999}',
        b"[" * 30_000 + b"]" * 30_000,  # within the size limit
    ],
)
def test_malformed_json_is_refused_as_such(sensor, payload):
    counts = ingest([message(payload), message({"temperature": 20})])
    assert counts["malformed"] + counts["wrong_type"] == 1
    assert counts["stored"] == 1


def test_timestamps_too_far_ahead_or_back_are_refused(sensor):
    counts = ingest(
        [
            message({"ts": now_ms(10 * 60), "values": {"temperature": 1}}),
            message({"ts": now_ms(2 * 60), "values": {"temperature": 2}}),  # a fast clock
            message({"ts": now_ms(-8 * 86400), "values": {"temperature": 3}}),
            message({"ts": now_ms(-6 * 86400), "values": {"temperature": 4}}),
            message({"ts": 10**30, "values": {"temperature": 5}}),
        ]
    )
    assert (counts["future"], counts["past"], counts["stored"]) == (2, 1, 2)
    assert sorted(v for _ts, v in values(sensor)) == [2, 4]
    with override_settings(LINLI_TELEMETRY_MAX_AGE_DAYS=30):
        assert (
            ingest([message({"ts": now_ms(-20 * 86400), "values": {"temperature": 6}})])["stored"]
            == 1
        )
    assert refusals(sensor) == {"future": 2, "past": 1}


@override_settings(LINLI_TELEMETRY_MAX_PAYLOAD=1024)
def test_an_oversize_payload_is_refused_whole(sensor):
    big = {"ts": now_ms(), "values": {"temperature": 20}, "padding": "x" * 2000}
    counts = ingest([message(big), message({"humidity": 30})])
    assert (counts["oversize"], counts["stored"]) == (1, 1)
    assert refusals(sensor) == {"oversize": 1}


@override_settings(LINLI_DEVICE_BURST=3, LINLI_DEVICE_MESSAGES_PER_MINUTE=60)
def test_a_flooding_device_is_rate_limited_and_others_are_not(world, sensor):
    provision(world, "smoke", "YG-0003")
    start = now_ms(-60_000)
    flood = [message({"ts": start + i, "values": {"temperature": 20}}) for i in range(10)]
    counts = ingest([*flood, message({"smoke": 0}, "YG-0003")])
    assert (counts["rate_limited"], counts["stored"]) == (7, 4)
    assert refusals(sensor) == {"rate_limited": 7}


def test_unknown_and_retired_devices_are_refused_without_a_device(world, sensor):
    old = provision(world, "smoke", "YG-0004")
    device_retire(device=old, by=None)
    counts = ingest(
        [
            message({"temperature": 20}, "NOPE"),
            message({"smoke": 1}, "YG-0004"),
            message({"humidity": 40}),
        ]
    )
    assert (counts["unknown_token"], counts["stored"]) == (2, 1)
    assert refusals(None) == {"unknown_token": 2}
    assert not Telemetry.objects.filter(device=old).exists()


def test_a_profile_key_edited_applies_at_once_in_this_process(sensor):
    ProfileKey.objects.filter(profile=sensor.profile, key="temperature").update(maximum=50)
    from linli.devices.ingestion import forget_configuration

    forget_configuration()
    assert ingest([message({"temperature": 60})])["out_of_range"] == 1


def test_client_attributes_are_merged_and_a_null_removes_one(sensor):
    ingest([message({"firmware": "1.2", "model": "TH-10"}, kind=ATTRIBUTES)])
    ingest([message({"firmware": "1.3", "model": None}, kind=ATTRIBUTES)])
    counts = ingest([message([1], kind=ATTRIBUTES)])
    sensor.refresh_from_db()
    assert sensor.attributes == {"firmware": "1.3"}
    assert counts["malformed"] == 1
    assert not Telemetry.objects.filter(device=sensor).exists()


@pytest.fixture
def gateway(world):
    gw = provision(world, "environment", "GW-01", is_gateway=True)
    for key in ("WSD-A", "WSD-B"):
        child = provision(world, "temp-humidity", key)
        Device.objects.filter(pk=child.pk).update(gateway=gw)
    provision(world, "temp-humidity", "WSD-STRANGER")  # nobody's child
    return gw


def test_a_gateway_reports_for_its_children_only(gateway):
    at = timezone.now().replace(microsecond=0)
    payload = {
        "WSD-A": [{"ts": ms(at), "values": {"temperature": 21}}],
        "WSD-B": [{"ts": ms(at), "values": {"temperature": 22, "humidity": 300}}],
        "WSD-STRANGER": [{"ts": ms(at), "values": {"temperature": 23}}],
        "NOBODY": [{"ts": ms(at), "values": {"temperature": 24}}],
    }
    counts = ingest([message(payload, "GW-01", GATEWAY_TELEMETRY)])
    assert (counts["stored"], counts["unknown_device"], counts["out_of_range"]) == (2, 2, 1)
    child_a = Device.objects.get(key="WSD-A")
    assert values(child_a) == [(at, 21)] and child_a.online
    assert not Device.objects.get(key="WSD-STRANGER").online
    assert refusals(gateway) == {"unknown_device": 2}
    assert refusals(Device.objects.get(key="WSD-B")) == {"out_of_range": 1}
    assert Device.objects.get(pk=gateway.pk).online


def test_gateway_attributes_connect_and_disconnect(gateway):
    ingest(
        [
            message({"WSD-A": {"firmware": "2.0"}}, "GW-01", GATEWAY_ATTRIBUTES),
            message({"device": "WSD-B"}, "GW-01", GATEWAY_CONNECT),
            message({"device": "WSD-STRANGER"}, "GW-01", GATEWAY_CONNECT),
        ]
    )
    a, b = Device.objects.get(key="WSD-A"), Device.objects.get(key="WSD-B")
    assert a.attributes == {"firmware": "2.0"} and b.online and b.last_seen_at
    assert not Device.objects.get(key="WSD-STRANGER").online
    ingest([message({"device": "WSD-B"}, "GW-01", GATEWAY_DISCONNECT)])
    assert not Device.objects.get(key="WSD-B").online
    assert ingest([message({"nodevice": 1}, "GW-01", GATEWAY_CONNECT)])["malformed"] == 1


def test_a_batch_writes_a_fixed_number_of_statements(world, django_assert_max_num_queries):
    for i in range(20):
        provision(world, "temp-humidity", f"WSD-1{i:02}")
    batch = [
        message(
            {
                "ts": now_ms(-i),
                "values": {"temperature": 20 + i % 5, "humidity": 40, "battery": 90},
            },
            f"WSD-1{i % 20:02}",
        )
        for i in range(200)
    ]
    ingest(batch[:1])  # the caches filled
    with django_assert_max_num_queries(12):
        counts = ingest(batch[1:])
    assert counts["stored"] == 199 * 3


def test_last_seen_is_written_at_a_resolution_of_a_minute(sensor):
    now = timezone.now()
    ingest([message({"temperature": 20}, at=now)])
    ingest([message({"temperature": 21}, at=now + timedelta(seconds=20))])
    sensor.refresh_from_db()
    assert sensor.last_seen_at == now
    ingest([message({"battery": 50}, at=now + timedelta(seconds=30))])  # news: written
    Device.objects.filter(pk=sensor.pk).update(online=False)  # the sweep meanwhile
    ingest([message({"temperature": 22}, at=now + timedelta(seconds=40))])
    sensor.refresh_from_db()
    assert (sensor.battery, sensor.online) == (50, True)
    assert sensor.last_seen_at == now + timedelta(seconds=40)
    ingest([message({"temperature": 23}, at=now + timedelta(seconds=101))])
    sensor.refresh_from_db()
    assert sensor.last_seen_at == now + timedelta(seconds=101)


def test_a_batch_is_written_whole_or_not_at_all(sensor, monkeypatch):
    from linli.devices import storage

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(storage, "rejections_record", broken)
    with pytest.raises(RuntimeError):
        ingest([message({"temperature": 20, "pressure": 1})])
    assert not Telemetry.objects.exists() and not LatestValue.objects.exists()
    sensor.refresh_from_db()
    assert sensor.last_seen_at is None


def test_characters_a_database_cannot_hold_are_refused_not_fatal(sensor, gateway):
    from linli.devices.ingestion import forget_configuration

    ProfileKey.objects.create(profile=sensor.profile, key="status", label="状态", type="text")
    forget_configuration()
    at = timezone.now().replace(microsecond=0)
    counts = ingest(
        [
            message(b'{"status": "ok\\u0000", "temperature": 20}'),
            message(b'{"status": "\\ud800", "pressure\\u0000": 1}'),
            message(b'{"firmware": "1\\u0000", "model": "TH"}', kind=ATTRIBUTES),
            message(b'{"WSD-A\\u0000": {"a": 1}}', "GW-01", GATEWAY_ATTRIBUTES),
            message({"ts": ms(at), "values": {"status": "正常"}}),
        ]
    )
    assert (counts["wrong_type"], counts["unknown_key"], counts["unknown_device"]) == (3, 1, 1)
    assert counts["stored"] == 2
    assert Telemetry.objects.get(device=sensor, key="status").text == "正常"
    sensor.refresh_from_db()
    assert sensor.attributes == {"model": "TH"}
    assert all("\x00" not in r.last_detail for r in DeviceRejection.objects.all())
