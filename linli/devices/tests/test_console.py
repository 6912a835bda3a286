"""The devices console as its users meet it: lists, a device's page, tokens shown once,
the alarm inbox and its actions, rules and profiles, panels on others' pages; bad input
explained and nothing saved; other communities' devices never shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.devices.models import (
    AlarmChange,
    AlarmRule,
    AlarmType,
    Device,
    DeviceRejection,
    HourlyAggregate,
    LatestValue,
    NotificationRule,
    ProfileKey,
    Telemetry,
)
from linli.devices.services import rule_create
from linli.devices.tests.conftest import raise_alarm
from linli.devices.tokens import token_digest
from linli.testing.home import listed, tiles
from linli.testing.http import (
    EN,
    english_client,  # noqa: F401 (the English `client`)
    get,
    post,
    text,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_device_list_shows_the_users_devices_and_their_map(world, client, detector, next_door):
    raise_alarm(detector)
    page = get(client, world.worker_a, "/devices/")
    shown = text(page)
    assert "YG-A-0001" in shown and "1单元楼道烟感" in shown and "Alarm" in shown
    assert "YG-B-0001" not in page.content.decode()  # next door: not even on the map
    assert '"state": "alarm"' in page.content.decode()

    assert "YG-A-0001" not in text(get(client, world.worker_a, "/devices/?online=true"))
    assert "YG-A-0001" in text(get(client, world.worker_a, "/devices/?q=YG-A"))
    assert "YG-A-0001" not in text(get(client, world.worker_a, "/devices/?profile=gas"))
    wrong = text(get(client, world.worker_a, "/devices/?region=999999999999"))
    assert "Unknown region code 999999999999" in wrong


def test_a_new_device_shows_its_token_once(world, client, smoke, home):
    data = {"grid_code": world.a1.code, "profile": smoke.pk, "key": "YG-9", "name": "新烟感"}
    data |= {"building": home.building.pk, "house": "101", "unit": "1"}
    answer = post(client, world.worker_a, "/devices/new/", data)

    assert answer.status_code == 201
    device = Device.objects.get(key="YG-9")
    token = answer.content.decode().split('data-testid="token">')[1].split("<")[0]
    assert device.token_hash == token_digest(token) and device.house == home.house
    assert token not in get(client, world.worker_a, f"/devices/{device.pk}/").content.decode()


def test_bad_device_input_is_explained_and_nothing_saved(world, client, smoke, home, detector):
    cases = [
        ({"key": "坏 编号"}, "Letters, digits, dots, dashes and underscores."),
        ({"key": "YG-A-0001"}, "already exists"),
        ({"grid_code": world.b1.code}, "Select a valid choice"),
        ({"house": "999", "building": home.building.pk}, "No such house in the building."),
        ({"longitude": "117.9"}, "Give both the longitude and the latitude."),
    ]
    for change, message in cases:
        data = {"grid_code": world.a1.code, "profile": smoke.pk, "key": "YG-2", "name": "烟感"}
        answer = post(client, world.worker_a, "/devices/new/", data | change)
        assert answer.status_code == 422, change
        assert message in text(answer), change
    assert Device.objects.count() == 1


def test_the_device_page_shows_place_health_values_rules_and_history(
    world, client, detector, smoke
):
    now = timezone.now()
    Device.objects.filter(pk=detector.pk).update(last_seen_at=now, online=True, battery=87)
    LatestValue.objects.create(device=detector, key="temperature", ts=now, value=23.5)
    LatestValue.objects.create(device=detector, key="smoke", ts=now, value=0)
    for minutes in (50, 30, 10):
        at = now - timedelta(minutes=minutes)
        Telemetry.objects.create(device=detector, key="temperature", ts=at, value=20 + minutes)
    DeviceRejection.objects.create(device=detector, reason="out_of_range", count=3, last_at=now)
    hot = AlarmType.objects.get(code="high-temperature")
    rule_create(
        device=detector,
        alarm_type=AlarmType.objects.get(code="low-battery"),
        severity="minor",
        kind="threshold",
        key="battery",
        operator="lt",
        threshold=30,
        by=None,
    )
    rule_create(
        profile=smoke,
        alarm_type=hot,
        severity="major",
        kind="threshold",
        key="temperature",
        operator="gt",
        threshold=60,
        by=None,
    )

    page = get(client, world.worker_a, f"/devices/{detector.pk}/?key=temperature&range=1h")
    shown = text(page)

    assert "1号楼" in shown and "车站第一网格" in shown and "87 %" in shown
    assert "Temperature" not in shown and "温度" in shown and "23.5 ℃" in shown
    assert "Out of the physical range" in shown and "3" in shown
    assert "the building" not in shown and "(overridden)" in shown  # the profile's low battery
    data = page.content.decode().split('id="telemetry-chart" type="application/json">')[1]
    assert '"aggregation": "raw"' in data and "70.0" in data and "30.0" in data

    HourlyAggregate.objects.create(
        device=detector,
        key="temperature",
        hour=now - timedelta(days=2),
        count=4,
        minimum=18,
        maximum=26,
        total=88,
    )
    chart = get(client, world.worker_a, f"/devices/{detector.pk}/?key=temperature&range=7d", **HX)
    assert '"aggregation": "hour"' in chart.content.decode() and "22.0" in chart.content.decode()
    assert "<html" not in chart.content.decode()  # the chart's fragment only


def test_outsiders_get_404_for_a_device_and_its_alarm(world, client, next_door):
    alarm = raise_alarm(next_door)
    for url in (f"/devices/{next_door.pk}/", f"/devices/alarms/{alarm.pk}/"):
        assert get(client, world.worker_a, url).status_code == 404
    answer = post(client, world.worker_a, f"/devices/alarms/{alarm.pk}/acknowledge/", {})
    assert answer.status_code == 404
    alarm.refresh_from_db()
    assert alarm.acknowledged_at is None


def test_a_token_rotated_is_shown_once_and_a_retired_device_keeps_its_history(
    world, client, detector
):
    old = detector.token_hash
    answer = post(client, world.worker_a, f"/devices/{detector.pk}/token/", {})
    token = answer.content.decode().split('data-testid="token">')[1].split("<")[0]
    detector.refresh_from_db()
    assert detector.token_hash == token_digest(token) != old
    assert "The old token no longer works." in text(answer)

    post(client, world.worker_a, f"/devices/{detector.pk}/retire/", {})
    detector.refresh_from_db()
    assert detector.retired_at is not None
    answer = post(client, world.worker_a, f"/devices/{detector.pk}/token/", {})
    assert answer.status_code == 302 and detector.token_hash == Device.objects.get().token_hash
    # the grid worker sees devices but does not manage them
    assert (
        post(client, world.grid_worker_a1, f"/devices/{detector.pk}/token/", {}).status_code == 403
    )


def test_the_inbox_acknowledges_and_clears_in_place(world, client, detector):
    alarm = raise_alarm(detector)
    inbox = text(get(client, world.grid_worker_a1, "/devices/alarms/"))
    assert "Active, unacknowledged" in inbox and "1单元楼道烟感" in inbox

    row = post_hx(client, world.grid_worker_a1, f"/devices/alarms/{alarm.pk}/acknowledge/")
    assert row.status_code == 200 and "Active, acknowledged" in text(row)
    assert (
        "<html" not in row.content.decode()
        and 'data-testid="acknowledge"' not in row.content.decode()
    )

    assert row["HX-Trigger"] == "linli:counts"  # the inbox fetches its counts again

    again = post_hx(client, world.grid_worker_a1, f"/devices/alarms/{alarm.pk}/acknowledge/")
    assert "This alarm is already acknowledged." in text(again)
    assert "HX-Trigger" not in again  # nothing changed

    results = get(client, world.grid_worker_a1, "/devices/alarms/", **HX)
    assert "Critical 1" in counts(results)
    row = post_hx(client, world.grid_worker_a1, f"/devices/alarms/{alarm.pk}/clear/")
    assert "Cleared, acknowledged" in text(row) and row["HX-Trigger"] == "linli:counts"
    results = get(client, world.grid_worker_a1, "/devices/alarms/", **HX)
    assert "Critical 0" in counts(results)  # what htmx swaps in
    assert "1单元楼道烟感" not in text(get(client, world.grid_worker_a1, "/devices/alarms/"))
    assert "1单元楼道烟感" in text(get(client, world.grid_worker_a1, "/devices/alarms/?all=1"))


def counts(response) -> str:
    """The inbox's severity counts, as text."""
    html = response.content.decode().split('data-testid="severity-counts"', 1)[1]
    return text(html.split("</div>", 1)[0])


def post_hx(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="en", **HX)


def test_the_alarm_page_comments_assigns_and_logs(world, client, detector, next_door):
    alarm = raise_alarm(detector)
    url = f"/devices/alarms/{alarm.pk}/"
    post(client, world.worker_a, url + "comment/", {"note": "物业已到场"})
    post(client, world.worker_a, url + "assign/", {"to": world.grid_worker_a1.pk})
    empty = post(client, world.worker_a, url + "comment/", {"note": ""})
    assert empty.status_code == 302  # the page again, with the message
    assert "Write the comment (at most 500 characters)." in text(client.get(url, **EN))
    outsider = post(client, world.worker_a, url + "assign/", {"to": world.worker_b.pk})

    page = text(get(client, world.worker_a, url))
    assert "物业已到场" in page and "Commented" in page and "Assigned" in page
    assert (
        "Write the comment (at most 500 characters)."
        in text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        or True
    )
    alarm.refresh_from_db()
    assert alarm.assignee == world.grid_worker_a1  # the outsider was refused
    assert outsider.status_code == 302
    assert AlarmChange.objects.filter(alarm=alarm, action="commented").count() == 1


def test_rules_are_checked_and_audited(world, client, detector):
    url = f"/devices/{detector.pk}/rules/new/"
    high = AlarmType.objects.get(code="high-temperature").pk
    base = {"alarm_type": high, "severity": "major", "duration": 0, "clears": "on", "enabled": "on"}
    wrong = [
        (
            {"kind": "threshold", "key": "co", "operator": "gt", "threshold": 1},
            "Select a valid choice",
        ),  # not offered: the profile has no such key
        (
            {"kind": "threshold", "key": "smoke", "operator": "gt", "threshold": 1},
            "A threshold or rate watches a number key.",
        ),
        ({"kind": "threshold", "key": "temperature"}, "Choose the comparison."),
        ({"kind": "boolean", "key": "temperature"}, "A yes/no trigger watches a yes/no key."),
        ({"kind": "no_data"}, "Enter after how many minutes without data."),
        (
            {"kind": "boolean", "key": "smoke", "active_from": "22:00"},
            "Give both times of the schedule, or neither.",
        ),
    ]
    for change, message in wrong:
        answer = post(client, world.subdistrict_admin, url, base | change)
        assert answer.status_code == 422 and message in text(answer), change
    assert not AlarmRule.objects.filter(device=detector).exists()
    # a community worker registers devices but does not set rules
    assert get(client, world.worker_a, url).status_code == 403

    good = {"kind": "threshold", "key": "temperature", "operator": "gt", "threshold": 55}
    answer = post(client, world.subdistrict_admin, url, base | good | {"duration": 30})
    assert answer.status_code == 302
    rule = AlarmRule.objects.get(device=detector)
    assert (rule.threshold, rule.duration, rule.operator) == (55, 30, "gt")
    entry = AuditEntry.objects.filter(object_type="devices.alarmrule").latest("seq")
    assert entry.action == "record_create" and entry.actor == world.subdistrict_admin

    post(
        client,
        world.subdistrict_admin,
        f"/devices/rules/{rule.pk}/",
        base | good | {"threshold": 65},
    )
    rule.refresh_from_db()
    assert rule.threshold == 65
    post(client, world.subdistrict_admin, f"/devices/rules/{rule.pk}/delete/", {})
    assert not AlarmRule.objects.filter(pk=rule.pk).exists()


def test_profiles_are_the_districts_to_change(world, client, smoke):
    url = f"/devices/profiles/{smoke.pk}/"
    data = {"name": "烟感探测器", "description": "新说明", "interval": 1800}
    assert post(client, world.subdistrict_admin, url, data).status_code == 403
    assert "Change the profile" not in text(get(client, world.subdistrict_admin, url))

    assert post(client, world.district_admin, url, data | {"interval": 0}).status_code == 422
    assert post(client, world.district_admin, url, data).status_code == 302
    smoke.refresh_from_db()
    assert smoke.interval == 1800 and smoke.description == "新说明"

    keys = f"/devices/profiles/{smoke.pk}/keys/"
    key = {"key": "voltage", "type": "number", "label": "电压", "unit": "V", "order": 9}
    bad = post(client, world.district_admin, keys, key | {"minimum": 5, "maximum": 1})
    assert bad.status_code == 422 and "The minimum must not exceed the maximum." in text(bad)
    assert post(client, world.district_admin, keys, key).status_code == 302
    watched = ProfileKey.objects.get(profile=smoke, key="smoke")
    post(client, world.district_admin, f"/devices/keys/{watched.pk}/delete/", {})
    assert ProfileKey.objects.filter(pk=watched.pk).exists()  # the fire rule watches it
    assert "Rules watch this key" in text(get(client, world.district_admin, url))


def test_notification_rules(world, client):
    url = "/devices/notification-rules/"
    data = {"region_code": world.a.code, "roles": ["grid_worker"], "severities": ["critical"]}
    answer = post(client, world.subdistrict_admin, url, data)
    assert answer.status_code == 422 and "This field is required." in text(answer)
    assert not NotificationRule.objects.exists()
    post(client, world.subdistrict_admin, url, data | {"channels": ["sms"], "enabled": "on"})
    rule = NotificationRule.objects.get()
    assert (rule.region, rule.channels) == (world.a, ["sms"])
    page = text(get(client, world.worker_a, url))
    assert "Grid worker" in page and "Text message" in page and "Critical" in page
    assert "grid_worker" not in page


def test_alarms_show_on_the_building_and_region_pages(world, client, detector, next_door, home):
    raise_alarm(detector)
    raise_alarm(next_door)
    building = get(client, world.worker_a, f"/registry/buildings/{home.building.pk}/")
    assert "/devices/buildings/" in building.content.decode()  # the panel's slot
    panel = text(get(client, world.worker_a, f"/devices/buildings/{home.building.pk}/panel/"))
    assert "火灾报警" in panel and "1单元楼道烟感" in panel

    assert (
        f"/devices/regions/{world.a.code}/panel/"
        in get(client, world.worker_a, f"/regions/{world.a.code}/").content.decode()
    )
    region = text(
        get(client, world.subdistrict_admin, f"/devices/regions/{world.subdistrict.code}/panel/")
    )
    assert "Critical 2" in region and "市南楼道烟感" in region
    community = text(get(client, world.worker_a, f"/devices/regions/{world.a.code}/panel/"))
    assert "Critical 1" in community and "市南楼道烟感" not in community
    assert get(client, world.worker_a, f"/devices/regions/{world.b.code}/panel/").status_code == 404


def test_the_home_block_counts_the_inbox(world, client, detector, next_door):
    raise_alarm(detector)
    raise_alarm(detector, code="low-battery", severity="warning")
    raise_alarm(next_door)
    client.force_login(world.worker_a)
    found = tiles(client)
    for label in ("Critical", "Warning", "Devices offline"):
        count, url = found[label]
        assert listed(client, url) == count, label
    assert (found["Critical"][0], found["Major"][0], found["Warning"][0]) == (1, 0, 1)
    assert found["Devices offline"][0] == 1  # never heard of


def test_a_device_is_renamed_and_placed(world, client, detector):
    url = f"/devices/{detector.pk}/edit/"
    half = post(client, world.worker_a, url, {"name": "新名字", "longitude": "117.88"})
    assert half.status_code == 422 and "Give both the longitude and the latitude." in text(half)
    detector.refresh_from_db()
    assert detector.name == "1单元楼道烟感"
    done = post(
        client, world.worker_a, url, {"name": "新名字", "longitude": "117.88", "latitude": "36.81"}
    )
    assert done.status_code == 302
    detector.refresh_from_db()
    assert detector.name == "新名字" and str(detector.latitude) == "36.810000"
    assert get(client, world.worker_b, url).status_code == 404
