import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.devices.models import Device, DeviceProfile
from linli.devices.services import device_provision, device_retire, device_token_rotate
from linli.devices.tokens import token_digest
from linli.testing.registry import place

pytestmark = pytest.mark.django_db


def test_the_seeded_profiles_say_what_devices_report(world):
    smoke = DeviceProfile.objects.get(code="smoke")
    keys = {k.key: k for k in smoke.keys.all()}
    assert keys["smoke"].type == "boolean" and keys["battery"].unit == "%"
    assert keys["battery"].minimum == 0 and keys["battery"].maximum == 100
    fire = smoke.rules.get(alarm_type__code="fire")
    assert (fire.kind, fire.key, fire.severity) == ("boolean", "smoke", "critical")
    assert fire.alarm_type.case_category.code == "fire-alarm"
    assert DeviceProfile.objects.count() == 20


def test_a_device_gets_a_token_kept_only_as_its_digest(world):
    home = place(world.a1)
    smoke = DeviceProfile.objects.get(code="smoke")
    device, token = device_provision(
        grid=world.a1,
        profile=smoke,
        key="YG-0001",
        name="1单元楼道烟感",
        house=home.house,
        by=world.worker_a,
    )
    assert len(token) == 20 and token.isalnum()
    assert device.token_hash == token_digest(token) and token not in device.token_hash
    assert device.building == home.building
    new = device_token_rotate(device=device, by=world.worker_a)
    device.refresh_from_db()
    assert new != token and device.token_hash == token_digest(new)
    device_retire(device=device, by=world.worker_a)
    with pytest.raises(ValidationError):
        device_token_rotate(device=device, by=world.worker_a)


def test_only_the_grids_people_provision_there(world):
    smoke = DeviceProfile.objects.get(code="smoke")
    with pytest.raises(PermissionDenied):
        device_provision(grid=world.a1, profile=smoke, key="X1", name="烟感", by=world.worker_b)
    other = place(world.b1)
    with pytest.raises(ValidationError) as raised:
        device_provision(
            grid=world.a1,
            profile=smoke,
            key="X1",
            name="烟感",
            building=other.building,
            by=world.worker_a,
        )
    assert "building" in raised.value.message_dict
    assert not Device.objects.exists()
