from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.devices.models import Alarm, AlarmType, DeviceProfile
from linli.devices.services import alarm_raise, device_provision
from linli.testing.http import english_client  # noqa: F401 (the English `client` fixture)
from linli.testing.registry import place


@pytest.fixture
def smoke(world):
    return DeviceProfile.objects.get(code="smoke")


@pytest.fixture
def home(world):
    """A building (1号楼) with a house (101) in grid A1."""
    return place(world.a1)


@pytest.fixture
def detector(world, smoke, home):
    """A smoke detector in grid A1's building, located."""
    device, _token = device_provision(
        grid=world.a1,
        profile=smoke,
        key="YG-A-0001",
        name="1单元楼道烟感",
        building=home.building,
        longitude=Decimal("117.870000"),
        latitude=Decimal("36.800000"),
        by=None,
    )
    return device


@pytest.fixture
def next_door(world, smoke):
    """A smoke detector in community B (outside community A's people's scope)."""
    device, _token = device_provision(
        grid=world.b1, profile=smoke, key="YG-B-0001", name="市南楼道烟感", by=None
    )
    return device


def raise_alarm(device, code="fire", severity="critical", minutes_ago=5) -> Alarm:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    alarm, _new = alarm_raise(
        device=device, alarm_type=AlarmType.objects.get(code=code), severity=severity, at=at
    )
    return alarm
