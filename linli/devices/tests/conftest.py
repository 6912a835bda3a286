from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from linli.devices import storage
from linli.devices.ingestion import forget_configuration, limiter
from linli.devices.models import Alarm, AlarmType, Device, DeviceProfile
from linli.devices.services import alarm_raise, device_provision
from linli.devices.tests.support import provision
from linli.testing.registry import place


@pytest.fixture(autouse=True)
def default_language():
    """The deployment's language, whatever an earlier test left active in the thread
    (the API's schemathesis run ends in English)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no process state: rate buckets, cached keys and rules,
    partitions known (a test's partitions are rolled back with it)."""
    limiter.reset()
    forget_configuration()
    yield
    storage.partitions_forget()
    forget_configuration()


@pytest.fixture
def sensor(world) -> Device:
    return provision(world, "temp-humidity", "WSD-0001", name="配电房温湿度")


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
