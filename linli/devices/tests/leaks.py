"""Community B for the leak test: a smoke detector in B's grid, an alarm of it and
who hears of B's alarms."""

from django.utils import timezone

from linli.devices.models import Alarm, AlarmType, DeviceProfile, NotificationRule
from linli.devices.services import device_provision
from linli.testing.leaks import Leaks

MARKERS = ["市南泄漏烟感", "SNXL-0001"]


def community_b(world, made) -> Leaks:
    device, _token = device_provision(
        grid=world.b1,
        profile=DeviceProfile.objects.get(code="smoke"),
        key=MARKERS[1],
        name=MARKERS[0],
        by=None,
    )
    now = timezone.now()
    alarm = Alarm.objects.create(
        device=device,
        alarm_type=AlarmType.objects.get(code="fire"),
        severity="critical",
        started_at=now,
        last_at=now,
    )
    rule = NotificationRule.objects.create(
        region=world.b, roles=["community_worker"], severities=["critical"], channels=["console"]
    )
    return Leaks(
        objects={"device": [device], "alarm": [alarm], "notificationrule": [rule]},
        markers=MARKERS,
    )
