"""Community B for the leak test: a smoke detector in B's grid (in B's building), an
alarm of it, the device's and the building's own rules and who hears of B's alarms;
telemetry sent for it with its token (anyone holding the token may) and through the
staff batch endpoint (B's staff only); a valid request for every route of the devices
console and API that changes something. Profiles are district-wide: the profile and
the key those requests change are listed too, so a change made from outside would
show."""

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from linli.devices import sheet
from linli.devices.models import Alarm, AlarmType, DeviceProfile, NotificationRule
from linli.devices.services import device_provision, profile_key_create, rule_create
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏烟感", "SNXL-0001"]
API = "/api/v1"
DISTRICT = "district_admin"  # profiles are district-wide


def _sheet(grid_code: str):
    def upload():
        wb = Workbook()
        ws = wb.active
        ws.title = sheet.SHEET
        ws.append(sheet.HEADERS)
        ws.append([grid_code, "SNXL-XLS1", "导入烟感", "smoke"])
        out = BytesIO()
        wb.save(out)
        return {"file": SimpleUploadedFile("devices.xlsx", out.getvalue())}

    return upload


RULE: dict[str, Any] = {
    "severity": "major",
    "kind": "threshold",
    "key": "temperature",
    "operator": "gt",
}


def community_b(world, made) -> Leaks:
    smoke = DeviceProfile.objects.get(code="smoke")
    building = made["building"][0]
    device, token = device_provision(
        grid=world.b1, profile=smoke, key=MARKERS[1], name=MARKERS[0], building=building, by=None
    )
    now = timezone.now()
    fire = AlarmType.objects.get(code="fire")
    alarm = Alarm.objects.create(
        device=device, alarm_type=fire, severity="critical", started_at=now, last_at=now
    )
    rule = NotificationRule.objects.create(
        region=world.b, roles=["community_worker"], severities=["critical"], channels=["console"]
    )
    hot = AlarmType.objects.get(code="high-temperature")
    device_rule = rule_create(device=device, alarm_type=hot, threshold=70, by=None, **RULE)
    building_rule = rule_create(building=building, alarm_type=hot, threshold=65, by=None, **RULE)
    probe = profile_key_create(profile=smoke, key="probe", type="number", label="探针", by=None)
    spare = DeviceProfile.objects.create(code="leak-spare", name="备用类型", interval=600)
    leak_type = AlarmType.objects.create(code="leak-type", name="泄漏测试告警")
    new_profile = {"code": "leak-new", "name": "新设备类型", "interval": 300}
    new_type = {"code": "leak-new-type", "name": "新告警类型"}
    d, a, r = device.pk, alarm.pk, device_rule.pk
    rule_form = {"alarm_type": hot.pk, "duration": 30, "threshold": 60, **RULE}
    key_form = {"label": "探针二", "unit": "V", "order": 5}
    sends = {
        ("post", "devices:device-create"): Send(
            "/devices/new/",
            {"grid_code": world.b1.code, "profile": smoke.pk, "key": "SNXL-NEW1", "name": "新烟感"},
            expect=201,
        ),
        ("post", "devices:device-import"): Send(
            "/devices/import/", _sheet(world.b1.code), expect=200
        ),
        ("post", "devices:device-edit"): Send(
            f"/devices/{d}/edit/", {"name": "改名烟感", "longitude": "117.87", "latitude": "36.8"}
        ),
        ("post", "devices:device-token-rotate"): Send(f"/devices/{d}/token/", expect=200),
        ("post", "devices:device-retire"): Send(f"/devices/{d}/retire/"),
        ("post", "devices:device-rule-create"): Send(f"/devices/{d}/rules/new/", rule_form),
        ("post", "devices:building-rule-create"): Send(
            f"/devices/buildings/{building.pk}/rules/new/", rule_form
        ),
        ("post", "devices:rule-edit"): Send(f"/devices/rules/{r}/", rule_form),
        ("post", "devices:rule-delete"): Send(f"/devices/rules/{r}/delete/"),
        ("post", "devices:alarm-acknowledge"): Send(f"/devices/alarms/{a}/acknowledge/"),
        ("post", "devices:alarm-clear"): Send(f"/devices/alarms/{a}/clear/", {"note": "已处理"}),
        ("post", "devices:alarm-comment"): Send(
            f"/devices/alarms/{a}/comment/", {"note": "已到场"}
        ),
        ("post", "devices:alarm-assign"): Send(
            f"/devices/alarms/{a}/assign/", {"to": world.worker_b.pk}
        ),
        ("post", "devices:profile-detail"): Send(
            f"/devices/profiles/{smoke.pk}/",
            {"name": "烟感探测器", "description": "改过的说明", "interval": 1800},
            by=DISTRICT,
        ),
        ("post", "devices:profile-key-create"): Send(
            f"/devices/profiles/{smoke.pk}/keys/",
            {"key": "voltage", "type": "number", **key_form},
            by=DISTRICT,
        ),
        ("post", "devices:profile-key-edit"): Send(
            f"/devices/keys/{probe.pk}/", key_form, by=DISTRICT
        ),
        ("post", "devices:profile-key-delete"): Send(
            f"/devices/keys/{probe.pk}/delete/", by=DISTRICT
        ),
        ("post", "devices:profile-rule-create"): Send(
            f"/devices/profiles/{smoke.pk}/rules/new/", rule_form, by=DISTRICT
        ),
        ("post", "devices:profile-create"): Send(
            "/devices/profiles/new/",
            {**new_profile, "keys-TOTAL_FORMS": 0, "keys-INITIAL_FORMS": 0},
            by=DISTRICT,
        ),
        ("post", "devices:profile-delete"): Send(
            f"/devices/profiles/{spare.pk}/delete/", by=DISTRICT
        ),
        ("post", "devices:alarm-type-create"): Send(
            "/devices/alarm-types/new/", new_type, by=DISTRICT
        ),
        ("post", "devices:alarm-type-edit"): Send(
            f"/devices/alarm-types/{leak_type.pk}/",
            {"name": "改过的告警类型", "escalate_after": 10},
            by=DISTRICT,
        ),
        ("post", "devices:notification-rule-list"): Send(
            "/devices/notification-rules/",
            {
                "region_code": world.b.code,
                "roles": ["grid_worker"],
                "severities": ["critical", "major"],
                "channels": ["console", "sms"],
                "enabled": "on",
            },
        ),
        ("post", "devices:notification-rule-edit"): Send(
            f"/devices/notification-rules/{rule.pk}/",
            {"roles": ["grid_worker"], "severities": ["minor"], "channels": ["email"]},
        ),
        ("post", "devices:notification-rule-delete"): Send(
            f"/devices/notification-rules/{rule.pk}/delete/"
        ),
        # ingestion: ThingsBoard's device API (anyone holding the token) and the batch
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
        # the EMQX broker's calls: without LINLI_EMQX_SECRET (the tests' default) they
        # do not exist for anyone; with it, test_emqx_api.py covers them
        ("post", "api:device-emqx-authenticate"): Send(
            "/api/v1/devices/emqx/authenticate",
            {"username": token, "password": "", "clientid": "c"},
            expect=404,
            anyone=True,
        ),
        ("post", "api:device-emqx-authorize"): Send(
            "/api/v1/devices/emqx/authorize",
            {"username": token, "topic": "v1/devices/me/telemetry", "action": "publish"},
            expect=404,
            anyone=True,
        ),
        ("post", "api:device-telemetry-batch"): Send(
            "/api/v1/devices/telemetry",
            {"messages": [{"device": MARKERS[1], "values": {"smoke": 0}}]},
            expect=200,
        ),
        # the API
        ("post", "api:device-create"): Send(
            f"{API}/devices",
            {
                "grid_code": world.b1.code,
                "profile": "smoke",
                "key": "SNXL-API1",
                "name": "接口烟感",
            },
            expect=201,
        ),
        ("post", "api:device-import"): Send(
            f"{API}/devices/import", _sheet(world.b1.code), expect=200
        ),
        ("patch", "api:device-update"): Send(
            f"{API}/devices/{d}", {"name": "改名烟感"}, expect=200
        ),
        ("post", "api:device-token-rotate"): Send(f"{API}/devices/{d}/rotate-token", expect=200),
        ("post", "api:device-retire"): Send(f"{API}/devices/{d}/retire", expect=200),
        ("post", "api:alarm-acknowledge"): Send(f"{API}/alarms/{a}/acknowledge", expect=200),
        ("post", "api:alarm-clear"): Send(f"{API}/alarms/{a}/clear", {"note": "好了"}, expect=200),
        ("post", "api:alarm-comment"): Send(
            f"{API}/alarms/{a}/comments", {"note": "已到场"}, expect=201
        ),
        ("post", "api:alarm-assign"): Send(
            f"{API}/alarms/{a}/assign", {"to": world.worker_b.username}, expect=200
        ),
        ("post", "api:alarm-rule-create"): Send(
            f"{API}/alarm-rules",
            {"device": d, "alarm_type": "high-temperature", "threshold": 80, **RULE},
            expect=201,
        ),
        ("patch", "api:alarm-rule-update"): Send(
            f"{API}/alarm-rules/{r}", {"threshold": 75}, expect=200
        ),
        ("delete", "api:alarm-rule-delete"): Send(f"{API}/alarm-rules/{r}", expect=204),
        ("patch", "api:device-profile-update"): Send(
            f"{API}/device-profiles/{smoke.pk}", {"interval": 1200}, expect=200, by=DISTRICT
        ),
        ("post", "api:profile-key-create"): Send(
            f"{API}/device-profiles/{smoke.pk}/keys",
            {"key": "voltage", "type": "number", **key_form},
            expect=201,
            by=DISTRICT,
        ),
        ("patch", "api:profile-key-update"): Send(
            f"{API}/profile-keys/{probe.pk}", {"unit": "mV"}, expect=200, by=DISTRICT
        ),
        ("delete", "api:profile-key-delete"): Send(
            f"{API}/profile-keys/{probe.pk}", expect=204, by=DISTRICT
        ),
        ("post", "api:device-profile-create"): Send(
            f"{API}/device-profiles",
            {**new_profile, "keys": [{"key": "level", "type": "number", "label": "液位"}]},
            expect=201,
            by=DISTRICT,
        ),
        ("delete", "api:device-profile-delete"): Send(
            f"{API}/device-profiles/{spare.pk}", expect=204, by=DISTRICT
        ),
        ("post", "api:alarm-type-create"): Send(
            f"{API}/alarm-types", new_type, expect=201, by=DISTRICT
        ),
        ("patch", "api:alarm-type-update"): Send(
            f"{API}/alarm-types/{leak_type.pk}", {"remind_every": 30}, expect=200, by=DISTRICT
        ),
        ("post", "api:notification-rule-create"): Send(
            f"{API}/alarm-notification-rules",
            {
                "region_code": world.b.code,
                "roles": ["grid_worker"],
                "severities": ["critical"],
                "channels": ["sms"],
            },
            expect=201,
        ),
        ("patch", "api:notification-rule-update"): Send(
            f"{API}/alarm-notification-rules/{rule.pk}", {"severities": ["major"]}, expect=200
        ),
        ("delete", "api:notification-rule-delete"): Send(
            f"{API}/alarm-notification-rules/{rule.pk}", expect=204
        ),
    }
    return Leaks(
        objects={
            "device": [device],
            "alarm": [alarm],
            "notificationrule": [rule],
            "alarmrule": [device_rule, building_rule],
            "deviceprofile": [smoke, spare],
            "profilekey": [probe],
            "alarmtype": [leak_type],
        },
        markers=MARKERS,
        sends=sends,
        searches=["?q=SNXL"],
    )
