import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from linli.devices.ingestion import TELEMETRY, Message, ingest
from linli.devices.models import Device, DeviceProfile, Telemetry
from linli.devices.services import device_provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensor(world) -> Device:
    device, _token = device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="temp-humidity"),
        key="WSD-0001",
        name="配电房温湿度",
        by=None,
    )
    return device


def message(payload, device="WSD-0001") -> Message:
    return Message(device, TELEMETRY, json.dumps(payload).encode(), timezone.now())


def test_the_three_shapes_of_telemetry_are_stored_once(sensor):
    at = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    ms = int(at.timestamp() * 1000)
    batch = [
        message({"temperature": 21.5, "humidity": 40}),
        message({"ts": ms, "values": {"temperature": 22.0}}),
        message([{"ts": ms + 1000, "values": {"temperature": 22.5}}, {"humidity": 41}]),
    ]
    ingest(batch)
    ingest(batch[1:2])  # delivered again: stored once
    stored = Telemetry.objects.filter(device=sensor, key="temperature", ts__in=[at])
    assert [row.value for row in stored] == [22.0]
    assert Telemetry.objects.filter(device=sensor).count() == 5
    sensor.refresh_from_db()
    assert sensor.online and sensor.last_seen_at is not None
