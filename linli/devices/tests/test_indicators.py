"""The devices' indicators: devices online (daily snapshots), alarms in all and per
type, mean minutes to acknowledge and to clear — each in the viewer's scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.devices.indicators import snapshot
from linli.devices.models import Alarm, AlarmType, Device, DeviceDay, DeviceProfile
from linli.devices.services import device_provision, device_retire
from linli.testing.indicators import table

pytestmark = pytest.mark.django_db


def provision(grid, key: str, online: bool) -> Device:
    device, _token = device_provision(
        grid=grid, profile=DeviceProfile.objects.get(code="smoke"), key=key, name=key, by=None
    )
    Device.objects.filter(pk=device.pk).update(online=online)
    return device


def alarm(device: Device, code: str, started, ack: int | None = None, clear: int | None = None):
    """An alarm started at `started`, acknowledged and cleared so many minutes later."""
    return Alarm.objects.create(
        device=device,
        alarm_type=AlarmType.objects.get(code=code),
        severity="critical",
        started_at=started,
        last_at=started,
        acknowledged_at=started + timedelta(minutes=ack) if ack is not None else None,
        cleared_at=started + timedelta(minutes=clear) if clear is not None else None,
    )


@pytest.fixture
def figures(world):
    """A1: three devices in service (two online today, all three yesterday) and one
    retired; a fire alarm acknowledged in 4 minutes and cleared in 10, a low battery
    cleared in 30 and never acknowledged, a fire still active. B1: one device, one alarm."""
    today = timezone.localdate()
    a = [provision(world.a1, f"A-{n}", online=n < 2) for n in range(3)]
    device_retire(device=provision(world.a1, "A-old", online=False), by=None)
    b = provision(world.b1, "B-0", online=True)
    snapshot()
    DeviceDay.objects.create(day=today - timedelta(days=1), grid=world.a1, devices=3, online=3)
    now = timezone.now()
    alarm(a[0], "fire", now - timedelta(hours=3), ack=4, clear=10)
    alarm(a[1], "low-battery", now - timedelta(hours=2), clear=30)
    alarm(a[2], "fire", now - timedelta(hours=1))
    alarm(a[0], "fire", now - timedelta(days=40), ack=60, clear=60)  # before the period
    alarm(b, "gas", now - timedelta(hours=1), ack=2)


def test_a_community_s_figures(world, figures):
    rows = table(world.district_admin, "community")

    a = rows[world.a.path]
    assert a.value("devices.online_rate") == pytest.approx(5 / 6, abs=1e-4)  # (2 + 3) ÷ (3 + 3)
    assert a.value("devices.alarms") == 3
    assert a.value("devices.alarms_fire") == 2 and a.value("devices.alarms_low_battery") == 1
    assert a.value("devices.ack_minutes") == 4.0  # of the one acknowledged
    assert a.value("devices.clear_minutes") == 20.0  # (10 + 30) ÷ 2
    b = rows[world.b.path]
    assert (b.value("devices.alarms_gas"), b.value("devices.ack_minutes")) == (1, 2.0)
    assert b.value("devices.clear_minutes") is None  # nothing cleared: no mean, not 0


def test_grids_and_subdistricts_add_up_alike(world, figures):
    assert table(world.district_admin, "grid")[world.a1.path].value("devices.alarms") == 3
    subdistrict = table(world.district_admin, "subdistrict")[world.subdistrict.path]
    assert subdistrict.value("devices.alarms") == 4


def test_a_community_worker_sees_only_her_community(world, figures):
    rows = table(world.worker_a, "community")

    assert world.a.path in rows and world.b.path not in rows


def test_the_snapshot_replaces_the_days_last_counts(world, figures):
    Device.objects.filter(grid=world.a1).update(online=False)

    assert snapshot() == 2
    today = DeviceDay.objects.get(day=timezone.localdate(), grid=world.a1)
    assert (today.devices, today.online) == (3, 0)

    Device.objects.filter(grid=world.b1).update(retired_at=timezone.now())
    snapshot()
    assert not DeviceDay.objects.filter(day=timezone.localdate(), grid=world.b1).exists()
