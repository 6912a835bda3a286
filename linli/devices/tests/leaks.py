"""Community B for the leak test: a smoke detector in B's grid, an alarm of it and
who hears of B's alarms; telemetry sent for it with its token (anyone holding the
token may) and through the staff batch endpoint (B's staff only)."""

from django.utils import timezone

from linli.devices.models import Alarm, AlarmType, DeviceProfile, NotificationRule
from linli.devices.services import device_provision
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏烟感", "SNXL-0001"]


def community_b(world, made) -> Leaks:
    device, token = device_provision(
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
        sends={
            ("post", "api:device-telemetry"): Send(
                f"/api/v1/{token}/telemetry",
                {"smoke": 0, "battery": 90},
                expect=200,
                anyone=True,
                adds_to_b=True,
            ),
            ("post", "api:device-attributes"): Send(
                f"/api/v1/{token}/attributes",
                {"firmware": "1.0"},
                expect=200,
                anyone=True,
                adds_to_b=True,
            ),
            ("post", "api:device-telemetry-batch"): Send(
                "/api/v1/devices/telemetry",
                {"messages": [{"device": MARKERS[1], "values": {"smoke": 0}}]},
                expect=200,
            ),
        },
    )
