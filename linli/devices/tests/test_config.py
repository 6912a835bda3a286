"""Configuring devices, in the console and the API: new device profiles with their
keys, profiles removed only while no device uses them, alarm types (the case they
open, escalation, reminders) listed, created and edited; bad input explained with
nothing saved; only the district's administrators change them. And what the device
page shows of a device: its reported attributes in words, whether it is a gateway,
and its history's times in the deployment's time zone."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.api import api
from linli.audit.models import AuditEntry
from linli.cases.models import Category
from linli.devices.models import AlarmRule, AlarmType, Device, DeviceProfile, ProfileKey, Telemetry
from linli.devices.services import alarm_type_create, profile_create
from linli.devices.tests.support import ms, provision
from linli.testing.http import (
    API,
    EN,
    call_api,
    english_client,  # noqa: F401 (the English `client`)
    error_messages,
    get,
    ok,
    post,
    problem_of,
    text,
)

pytestmark = pytest.mark.django_db

NEW = "/devices/profiles/new/"


def key_rows(*rows: dict) -> dict:
    """The new-profile form's key rows: `rows` filled, the rest of 4 left empty."""
    data = {"keys-TOTAL_FORMS": 4, "keys-INITIAL_FORMS": 0}
    for n, row in enumerate(rows):
        data |= {f"keys-{n}-{name}": value for name, value in row.items()}
    for n in range(4):
        data.setdefault(f"keys-{n}-order", 0)
    return data


LEVEL = {"key": "level", "type": "number", "label": "液位", "unit": "m", "minimum": 0, "maximum": 5}
FLOAT = {"key": "float", "type": "boolean", "label": "浮球开关"}
PROFILE = {"name": "水箱液位计", "code": "tank-level", "description": "屋顶水箱", "interval": 300}


def patch(client, user, path, body):
    client.force_login(user)
    return client.patch(API + path, json.dumps(body), content_type="application/json", **EN)


def delete(client, user, path):
    client.force_login(user)
    return client.delete(API + path, **EN)


# --- device profiles in the console ----------------------------------------------------


def test_a_district_administrator_creates_a_profile_with_its_keys(world, client):
    assert "New device profile" in text(get(client, world.district_admin, "/devices/profiles/"))
    form = text(get(client, world.district_admin, NEW))
    assert "Expected reporting interval (s)" in form and "Key 4" in form

    answer = post(client, world.district_admin, NEW, PROFILE | key_rows(LEVEL, FLOAT))
    profile = DeviceProfile.objects.get(code="tank-level")
    assert answer.status_code == 302 and answer.url == f"/devices/profiles/{profile.pk}/"
    keys = {k.key: k for k in profile.keys.all()}
    assert set(keys) == {"level", "float"}  # the empty rows are no keys
    assert (keys["level"].unit, keys["level"].maximum) == ("m", 5)
    assert (keys["float"].minimum, keys["float"].maximum) == (0, 1)  # yes/no: 0 to 1
    page = text(get(client, world.district_admin, answer.url))
    assert "水箱液位计" in page and "液位" in page and "0 – 5" in page
    entry = AuditEntry.objects.filter(object_type="devices.deviceprofile").latest("seq")
    assert (entry.action, entry.actor, entry.object_label) == (
        "record_create",
        world.district_admin,
        "水箱液位计",
    )
    assert entry.details["keys"] == ["level", "float"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "smoke"}, "A device profile with this code exists already."),
        ({"code": "Tank Level"}, "Lower-case letters, digits and dashes."),
        ({"interval": 0}, "Ensure this value is greater than or equal to 1."),
        ({"name": ""}, "This field is required."),
        (key_rows(LEVEL | {"minimum": 9}), "The minimum must not exceed the maximum."),
        (key_rows(LEVEL, LEVEL | {"label": "又一个液位"}), "The profile already has this key."),
        (key_rows(LEVEL, {"label": "浮球"}), "This field is required."),  # no key, no type
        (key_rows(LEVEL | {"key": "2level"}), "A letter, then letters, digits or underscores."),
        (key_rows({**FLOAT, "type": "text", "minimum": 1}), "A text key has no range."),
    ],
)
def test_a_bad_profile_is_explained_and_nothing_saved(world, client, change, message):
    data = PROFILE | key_rows(LEVEL) | change
    answer = post(client, world.district_admin, NEW, data)
    assert answer.status_code == 422 and message in text(answer)
    assert not DeviceProfile.objects.filter(name="水箱液位计").exists()
    assert not ProfileKey.objects.filter(label__in=["液位", "又一个液位", "浮球开关"]).exists()
    assert not AuditEntry.objects.filter(object_type="devices.deviceprofile").exists()


def test_only_the_districts_administrators_create_and_remove_profiles(world, client, smoke):
    spare = profile_create(code="spare", name="备用", interval=60, by=None)
    for user in (world.subdistrict_admin, world.worker_a, world.grid_worker_a1):
        assert get(client, user, NEW).status_code == 403
        assert post(client, user, NEW, PROFILE | key_rows(LEVEL)).status_code == 403
        delete_url = f"/devices/profiles/{spare.pk}/delete/"
        assert post(client, user, delete_url, {}).status_code == 403
        assert "New device profile" not in text(get(client, user, "/devices/profiles/"))
        assert "Remove this profile" not in text(
            get(client, user, f"/devices/profiles/{spare.pk}/")
        )
    assert not DeviceProfile.objects.filter(code="tank-level").exists()
    assert DeviceProfile.objects.filter(pk=spare.pk).exists()
    assert (
        post(client, world.district_admin, "/devices/profiles/999999/delete/", {}).status_code
        == 404
    )


def test_a_profile_in_use_stays_and_an_unused_one_goes(world, client, smoke, detector):
    page = text(get(client, world.district_admin, f"/devices/profiles/{smoke.pk}/"))
    assert "1 device uses this profile: it cannot be removed." in page
    assert "Remove this profile" not in page
    answer = post(client, world.district_admin, f"/devices/profiles/{smoke.pk}/delete/", {})
    assert answer.status_code == 302 and answer.url == f"/devices/profiles/{smoke.pk}/"
    shown = text(get(client, world.district_admin, answer.url))
    assert "1 device uses this profile: it cannot be removed." in shown
    assert DeviceProfile.objects.filter(pk=smoke.pk).exists()

    Device.objects.filter(pk=detector.pk).update(retired_at=detector.created_at)  # retired: kept
    post(client, world.district_admin, f"/devices/profiles/{smoke.pk}/delete/", {})
    assert DeviceProfile.objects.filter(pk=smoke.pk).exists()

    spare = profile_create(
        code="spare",
        name="备用",
        interval=60,
        keys=[{"key": "level", "type": "number", "label": "液位"}],
        by=None,
    )
    AlarmRule.objects.create(
        profile=spare,
        alarm_type=AlarmType.objects.get(code="offline"),
        severity="warning",
        kind="no_data",
        minutes=30,
    )
    page = text(get(client, world.district_admin, f"/devices/profiles/{spare.pk}/"))
    assert "No device uses it: removing it removes its keys and default rules too." in page
    answer = post(client, world.district_admin, f"/devices/profiles/{spare.pk}/delete/", {})
    assert answer.status_code == 302 and answer.url == "/devices/profiles/"
    assert "Device profile 备用 removed." in text(get(client, world.district_admin, answer.url))
    assert not DeviceProfile.objects.filter(pk=spare.pk).exists()
    assert not ProfileKey.objects.filter(profile_id=spare.pk).exists()
    assert not AlarmRule.objects.filter(profile_id=spare.pk).exists()
    entry = AuditEntry.objects.filter(object_type="devices.deviceprofile").latest("seq")
    assert (entry.action, entry.object_label) == ("record_delete", "备用")


# --- alarm types in the console --------------------------------------------------------


def test_everyone_who_sees_devices_sees_the_alarm_types(world, client):
    page = get(client, world.grid_worker_a1, "/devices/alarm-types/")
    shown = text(page)
    fire = AlarmType.objects.get(code="fire")
    assert "火灾报警" in shown and fire.case_category.name in shown
    assert "5 min" in shown and "15 min" in shown and "No case" in shown
    assert f"/devices/alarm-types/{fire.pk}/" not in page.content.decode()  # not editable
    assert "New alarm type" not in shown
    assert get(client, world.grid_worker_a1, f"/devices/alarm-types/{fire.pk}/").status_code == 403
    assert (
        get(client, world.subdistrict_admin, f"/devices/alarm-types/{fire.pk}/").status_code == 403
    )
    assert "Alarm types" in text(get(client, world.grid_worker_a1, "/devices/alarms/"))


def test_an_alarm_type_is_edited_checked_and_audited(world, client):
    hot = AlarmType.objects.get(code="high-temperature")
    url = f"/devices/alarm-types/{hot.pk}/"
    page = text(get(client, world.district_admin, url))
    assert "Profile rules raising it" in page and "配电房温湿度" not in page
    leaf = Category.objects.get(code="fire-alarm")
    parent = leaf.parent
    base = {"name": "高温报警", "case_category": leaf.pk, "escalate_after": 10}
    wrong = [
        ({"remind_every": 3}, "Ensure this value is greater than or equal to 5."),
        ({"escalate_after": 0}, "Ensure this value is greater than or equal to 1."),
        ({"case_category": parent.pk}, "Select a valid choice."),  # not at the lowest level
        ({"name": " "}, "This field is required."),
    ]
    for change, message in wrong:
        answer = post(client, world.district_admin, url, base | change)
        assert answer.status_code == 422 and message in text(answer), change
    hot.refresh_from_db()
    assert (hot.case_category, hot.escalate_after, hot.remind_every) == (None, 15, 60)

    answer = post(client, world.district_admin, url, base | {"remind_every": ""})
    assert answer.status_code == 302 and answer.url == "/devices/alarm-types/"
    hot.refresh_from_db()
    assert (hot.case_category, hot.escalate_after, hot.remind_every) == (leaf, 10, None)
    entry = AuditEntry.objects.filter(object_type="devices.alarmtype").latest("seq")
    assert entry.action == "record_update" and entry.details == {
        "fields": ["case_category", "escalate_after", "remind_every"]
    }
    assert "Alarm type saved." in text(get(client, world.district_admin, answer.url))


def test_a_new_alarm_type_is_made_from_a_profiles_rule_form(world, client, smoke):
    rule_url = f"/devices/profiles/{smoke.pk}/rules/new/"
    form = get(client, world.district_admin, rule_url)
    assert "Create an alarm type" in text(form)
    assert f'href="/devices/alarm-types/new/?next={rule_url}"' in form.content.decode()

    data = {"name": "探测器被拆", "code": "tamper", "escalate_after": 30, "next": rule_url}
    bad = post(client, world.district_admin, "/devices/alarm-types/new/", data | {"code": "fire"})
    assert bad.status_code == 422 and "An alarm type with this code exists already." in text(bad)
    answer = post(client, world.district_admin, "/devices/alarm-types/new/", data)
    tamper = AlarmType.objects.get(code="tamper")
    assert answer.status_code == 302 and answer.url == f"{rule_url}?alarm_type={tamper.pk}"
    chosen = get(client, world.district_admin, answer.url).content.decode()
    assert f'<option value="{tamper.pk}" selected>探测器被拆</option>' in chosen
    entry = AuditEntry.objects.filter(object_type="devices.alarmtype").latest("seq")
    assert (entry.action, entry.object_label) == ("record_create", "探测器被拆")

    elsewhere = post(
        client,
        world.district_admin,
        "/devices/alarm-types/new/",
        {"name": "别处", "code": "elsewhere", "next": "https://example.com/"},
    )
    assert elsewhere.url == "/devices/alarm-types/"  # not sent off the site
    assert (
        post(client, world.subdistrict_admin, "/devices/alarm-types/new/", data).status_code == 403
    )


# --- the device page -------------------------------------------------------------------


def test_the_device_page_shows_attributes_in_words_and_the_gateway(world, client, home):
    gateway = provision(world, "smoke", "GW-0001", name="楼道网关", is_gateway=True)
    child = provision(world, "smoke", "YG-CH-1", name="网关下烟感")
    Device.objects.filter(pk=child.pk).update(gateway=gateway)
    Device.objects.filter(pk=gateway.pk).update(
        attributes={
            "fwVersion": "2.1.0",
            "model": "JTY-GD",
            "config": {"interval": 60, "alarm": True},
            "channels": [1, 2],
            "note": None,
            "empty": {},
        }
    )
    page = get(client, world.worker_a, f"/devices/{gateway.pk}/")
    shown = text(page)
    assert "Yes: 1 device connects through it" in shown
    table = page.content.decode().split('data-testid="attributes"')[1].split("</table>")[0]
    assert "{" not in table and "[" not in table and "true" not in table.lower()
    rows = text(table)
    assert "Firmware version fwVersion 2.1.0" in rows and "Model model JTY-GD" in rows
    assert "config.alarm Yes" in rows and "config.interval 60" in rows
    assert "channels 1、2" in rows and "note —" in rows and "empty —" in rows

    shown = text(get(client, world.worker_a, f"/devices/{child.pk}/"))
    assert (
        "connects through 楼道网关" in shown and "The device has reported no attributes." in shown
    )
    assert get(client, world.worker_b, f"/devices/{gateway.pk}/").status_code == 404


def test_the_history_chart_is_drawn_in_the_deployments_wall_clock(world, client, detector):
    """The chart (telemetry.js) formats times in UTC: it is given, for each value, the
    instant at which UTC reads what Shanghai's clocks read (8 hours on)."""
    at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    Telemetry.objects.create(device=detector, key="temperature", ts=at, value=21)
    page = get(client, world.worker_a, f"/devices/{detector.pk}/?key=temperature&range=24h")
    data = page.content.decode().split('id="telemetry-chart" type="application/json">')[1]
    series = json.loads(data.split("</script>")[0])
    assert series["points"] == [[ms(at) + 8 * 3600 * 1000, 21.0]]


# --- the API ---------------------------------------------------------------------------


def test_profiles_are_created_read_and_removed_through_the_api(world, client, detector):
    body = {**PROFILE, "keys": [LEVEL, FLOAT]}
    problem_of(call_api(client, world.subdistrict_admin, "post", "/device-profiles", body), 403)
    made = ok(call_api(client, world.district_admin, "post", "/device-profiles", body), 201)
    assert made["code"] == "tank-level" and {k["key"] for k in made["keys"]} == {"level", "float"}
    assert ok(call_api(client, world.worker_a, "get", f"/device-profiles/{made['id']}")) == made
    problem_of(call_api(client, world.worker_a, "get", "/device-profiles/999999"), 404)

    again = problem_of(
        call_api(client, world.district_admin, "post", "/device-profiles", body), 422
    )
    assert "A device profile with this code exists already." in error_messages(again)
    bad = {**PROFILE, "code": "tank-2", "keys": [LEVEL, LEVEL | {"key": "x", "minimum": 9}]}
    problem = problem_of(
        call_api(client, world.district_admin, "post", "/device-profiles", bad), 422
    )
    assert [(e["field"], e["message"]) for e in problem["errors"]] == [
        ("keys.1.maximum", "The minimum must not exceed the maximum.")
    ]
    assert not DeviceProfile.objects.filter(code="tank-2").exists()
    assert not ProfileKey.objects.filter(key="x").exists()

    in_use = problem_of(
        delete(client, world.district_admin, f"/device-profiles/{detector.profile_id}"), 422
    )
    assert "1 device uses this profile: it cannot be removed." in json.dumps(
        in_use, ensure_ascii=False
    )
    problem_of(delete(client, world.subdistrict_admin, f"/device-profiles/{made['id']}"), 403)
    assert delete(client, world.district_admin, f"/device-profiles/{made['id']}").status_code == 204
    assert not DeviceProfile.objects.filter(code="tank-level").exists()


def test_alarm_types_through_the_api(world, client):
    listed = ok(call_api(client, world.grid_worker_a1, "get", "/alarm-types"))
    fire = next(t for t in listed if t["code"] == "fire")
    assert (fire["case_category"], fire["escalate_after"], fire["remind_every"]) == (
        "fire-alarm",
        5,
        15,
    )
    body = {
        "code": "tamper",
        "name": "探测器被拆",
        "case_category": "fire-alarm",
        "remind_every": 30,
    }
    problem_of(call_api(client, world.subdistrict_admin, "post", "/alarm-types", body), 403)
    parent = Category.objects.get(code="fire-alarm").parent.code
    for change, field in [
        ({"case_category": parent}, "case_category"),
        ({"case_category": "no-such"}, "case_category"),
        ({"remind_every": 1}, "remind_every"),
        ({"code": "Tamper!"}, "code"),
        ({"code": "fire"}, "code"),
    ]:
        problem = problem_of(
            call_api(client, world.district_admin, "post", "/alarm-types", body | change), 422
        )
        assert field in [e["field"].split(".")[-1] for e in problem["errors"]], change
    assert not AlarmType.objects.filter(code="tamper").exists()
    made = ok(call_api(client, world.district_admin, "post", "/alarm-types", body), 201)
    assert made["case_category_name"] == Category.objects.get(code="fire-alarm").name

    changed = ok(
        patch(
            client,
            world.district_admin,
            f"/alarm-types/{made['id']}",
            {"case_category": None, "escalate_after": 20, "remind_every": None},
        )
    )
    assert (changed["case_category"], changed["escalate_after"], changed["remind_every"]) == (
        None,
        20,
        None,
    )
    problem_of(
        patch(client, world.district_admin, f"/alarm-types/{made['id']}", {"name": None}), 422
    )
    problem_of(
        patch(client, world.subdistrict_admin, f"/alarm-types/{made['id']}", {"name": "x"}), 403
    )
    problem_of(patch(client, world.district_admin, "/alarm-types/999999", {"name": "x"}), 404)
    assert AlarmType.objects.get(code="tamper").name == "探测器被拆"


def test_the_new_routes_are_documented():
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    expected = {
        ("post", "device-profile-create", "/api/v1/device-profiles", "201"): "DeviceProfileOut",
        ("get", "device-profile-detail", "/api/v1/device-profiles/1", "200"): "DeviceProfileOut",
        ("delete", "device-profile-delete", "/api/v1/device-profiles/1", "204"): None,
        ("get", "alarm-type-list", "/api/v1/alarm-types", "200"): "AlarmTypeOut",
        ("post", "alarm-type-create", "/api/v1/alarm-types", "201"): "AlarmTypeOut",
        ("patch", "alarm-type-update", "/api/v1/alarm-types/1", "200"): "AlarmTypeOut",
    }
    for (method, name, path, status), out in expected.items():
        args = [1] if path.endswith("/1") else []
        assert reverse(f"api:{name}", args=args) == path
        template = path.replace("device-profiles/1", "device-profiles/{profile_id}").replace(
            "alarm-types/1", "alarm-types/{alarm_type_id}"
        )
        operation = schema["paths"][template][method]
        assert operation["operationId"] == name.replace("-detail", "-get").replace("-", "_")
        answer = json.dumps(operation["responses"][status])
        assert (out is None and "content" not in operation["responses"][status]) or (
            f"#/components/schemas/{out}" in answer
        ), (name, answer)
    assert "keys.<n>.<field>" in json.dumps(schema["components"]["schemas"]["DeviceProfileIn"])


def test_a_profile_made_through_the_service_checks_every_key(world):
    with pytest.raises(ValidationError) as caught:
        profile_create(
            code="x-1",
            name="x",
            interval=60,
            keys=[
                {"key": "a", "type": "number", "label": "甲"},
                {"key": "b", "type": "bogus", "label": "乙"},
            ],
            by=world.district_admin,
        )
    assert "keys.1.type" in caught.value.message_dict
    assert not DeviceProfile.objects.filter(code="x-1").exists()
    with pytest.raises(PermissionDenied):
        alarm_type_create(code="y", name="乙", by=world.subdistrict_admin)


def test_every_error_of_a_new_profile_is_shown_at_once(world, client):
    data = PROFILE | {"code": "smoke"} | key_rows(LEVEL | {"minimum": 9}, {"label": "浮球"})
    shown = text(post(client, world.district_admin, NEW, data))
    assert "A device profile with this code exists already." in shown
    assert "The minimum must not exceed the maximum." in shown
    assert "This field is required." in shown  # the second row: no key, no type
