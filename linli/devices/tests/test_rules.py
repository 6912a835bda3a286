from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from linli.devices import rules
from linli.devices.ingestion import ATTRIBUTES, ingest
from linli.devices.models import Alarm, AlarmRule, AlarmType, Device, RuleState
from linli.devices.tests.support import message, ms, provision
from linli.testing.registry import place

pytestmark = pytest.mark.django_db


def alarms(device, code):
    return list(Alarm.objects.filter(device=device, alarm_type__code=code).order_by("pk"))


def active(device, code):
    return Alarm.objects.filter(
        device=device, alarm_type__code=code, cleared_at__isnull=True
    ).first()


def send(device, at, **values):
    return ingest([message({"ts": ms(at), "values": values}, device.key)])


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0) - timedelta(minutes=10)


def test_a_threshold_must_hold_for_its_duration_then_clears_itself(sensor, t0):
    send(sensor, t0, temperature=61)
    send(sensor, t0 + timedelta(seconds=10), temperature=62)
    assert not alarms(sensor, "high-temperature")
    assert RuleState.objects.get(device=sensor).since == t0
    counts = send(sensor, t0 + timedelta(seconds=30), temperature=63)
    alarm = active(sensor, "high-temperature")
    assert counts["alarms_raised"] == 1
    assert (alarm.severity, alarm.started_at, alarm.details["value"]) == (
        "major",
        t0 + timedelta(seconds=30),
        63,
    )
    send(sensor, t0 + timedelta(seconds=40), temperature=64)
    alarm.refresh_from_db()
    assert alarm.count == 2  # a repeat while active is counted
    counts = send(sensor, t0 + timedelta(seconds=50), temperature=50)
    alarm.refresh_from_db()
    assert counts["alarms_cleared"] == 1 and alarm.cleared_at is not None
    cleared = alarm.changes.get(action="cleared")
    assert cleared.actor is None
    assert not RuleState.objects.filter(device=sensor).exists()


def test_a_dip_restarts_the_holding(sensor, t0):
    for seconds, value in [(0, 61), (20, 59), (40, 61), (60, 62)]:
        send(sensor, t0 + timedelta(seconds=seconds), temperature=value)
    assert not alarms(sensor, "high-temperature")
    send(sensor, t0 + timedelta(seconds=70), temperature=62)
    assert active(sensor, "high-temperature")


def test_the_holding_period_is_crossed_within_one_batch(sensor, t0):
    ingest(
        [
            message({"ts": ms(t0 + timedelta(seconds=s)), "values": {"temperature": 65}})
            for s in (40, 0, 20)  # out of order: evaluated in time order
        ]
    )
    assert active(sensor, "high-temperature").started_at == t0 + timedelta(seconds=40)


def test_the_sweep_raises_a_duration_held_by_a_device_fallen_silent(sensor, t0):
    send(sensor, t0, temperature=70)
    assert rules.sweep(t0 + timedelta(seconds=29))["held"] == 0
    assert rules.sweep(t0 + timedelta(seconds=31))["held"] == 1
    assert active(sensor, "high-temperature").started_at == t0 + timedelta(seconds=30)
    assert rules.sweep(t0 + timedelta(seconds=90))["held"] == 0  # already active


def test_a_yes_no_trigger_raises_at_once_and_a_replay_changes_nothing(world, t0):
    smoke = provision(world, "smoke", "YG-0100")
    batch = [message({"ts": ms(t0), "values": {"smoke": 1}}, smoke.key)]
    assert ingest(batch)["alarms_raised"] == 1
    again = ingest(batch)
    assert (again["duplicate"], again["alarms_raised"], again["alarms_repeated"]) == (1, 0, 0)
    fire = active(smoke, "fire")
    assert (fire.severity, fire.count) == ("critical", 1)
    send(smoke, t0 + timedelta(seconds=5), smoke=0)
    fire.refresh_from_db()
    assert fire.cleared_at is not None


def test_an_alarm_that_does_not_clear_itself_stays(world, t0):
    button = provision(world, "call-button", "HJ-0001")
    send(button, t0, emergency=1)
    send(button, t0 + timedelta(seconds=5), emergency=0)
    assert active(button, "elder-emergency")


def test_a_rate_of_change_compares_with_the_value_before(sensor, t0):
    send(sensor, t0, temperature=20)
    send(sensor, t0 + timedelta(minutes=1), temperature=25)  # 5 °C a minute
    assert not alarms(sensor, "temperature-rise")
    counts = send(sensor, t0 + timedelta(minutes=1, seconds=30), temperature=30)  # 10/min
    assert counts["alarms_raised"] == 1
    rise = active(sensor, "temperature-rise")
    assert rise.details["value"] == 30
    send(sensor, t0 + timedelta(minutes=3), temperature=30.5)
    rise.refresh_from_db()
    assert rise.cleared_at is not None


def local(day, hour, minute=0):
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(hour, minute), zone)


@pytest.mark.parametrize(
    ("start", "raises"),
    [
        ((0, 23, 30), True),  # in the night's hours
        ((1, 0, 30), True),  # past midnight
        ((1, 4, 50), True),  # held until after 05:00: raised at 04:55
        ((1, 12, 0), False),  # daytime
        ((0, 22, 0), False),
    ],
)
def test_a_schedule_wraps_past_midnight(world, start, raises):
    door = provision(world, "door", "MC-0001")
    day = timezone.localdate() - timedelta(days=3)
    opened = local(day + timedelta(days=start[0]), start[1], start[2])
    send(door, opened, open=1)
    send(door, opened + timedelta(minutes=5), open=1)
    assert bool(active(door, "door-open-night")) is raises


def test_the_nearest_rule_wins_device_then_building_then_profile(world, t0):
    home = place(world.a1)
    hot = AlarmType.objects.get(code="high-temperature")
    in_building = provision(world, "temp-humidity", "WSD-0201", building=home.building)
    own_rule = provision(world, "temp-humidity", "WSD-0202", building=home.building)
    switched_off = provision(world, "temp-humidity", "WSD-0203", building=home.building)
    elsewhere = provision(world, "temp-humidity", "WSD-0204")
    common = {"alarm_type": hot, "kind": "threshold", "key": "temperature", "operator": "gt"}
    AlarmRule.objects.create(building=home.building, severity="minor", threshold=40, **common)
    AlarmRule.objects.create(device=own_rule, severity="critical", threshold=80, **common)
    AlarmRule.objects.create(
        device=switched_off, severity="minor", threshold=0, enabled=False, **common
    )
    for device in (in_building, own_rule, switched_off, elsewhere):
        send(device, t0, temperature=50)
    assert active(in_building, "high-temperature").severity == "minor"
    assert not alarms(own_rule, "high-temperature")
    assert not alarms(elsewhere, "high-temperature")  # the profile's: > 60 for 30 s
    send(own_rule, t0 + timedelta(seconds=1), temperature=85)
    assert active(own_rule, "high-temperature").severity == "critical"
    send(switched_off, t0 + timedelta(minutes=1), temperature=100)
    assert not alarms(switched_off, "high-temperature")
    # The profile's rule for the others: its own key rules (low battery) still apply.
    send(in_building, t0 + timedelta(seconds=2), battery=10)
    assert active(in_building, "low-battery")


def test_a_rule_edited_applies_to_the_next_batch(sensor, t0):
    send(sensor, t0, temperature=30)
    rule = AlarmRule.objects.get(profile=sensor.profile, alarm_type__code="high-temperature")
    rule.threshold, rule.duration = 25, 0
    rule.save()
    send(sensor, t0 + timedelta(seconds=1), temperature=31)
    assert active(sensor, "high-temperature")


def test_no_data_raises_after_the_minutes_and_data_clears_it(world, t0):
    smoke = provision(world, "smoke", "YG-0300")
    never = provision(world, "smoke", "YG-0301")  # never heard from: not alarmed
    send(smoke, t0, smoke=0)
    now = timezone.now()
    Device.objects.filter(pk=smoke.pk).update(last_seen_at=now - timedelta(minutes=179))
    assert rules.sweep(now)["no_data"] == 0
    Device.objects.filter(pk=smoke.pk).update(last_seen_at=now - timedelta(minutes=181))
    assert rules.sweep(now)["no_data"] == 1
    assert rules.sweep(now)["no_data"] == 0  # once
    offline = active(smoke, "offline")
    assert (offline.severity, offline.details["minutes"]) == ("warning", 180)
    assert not alarms(never, "offline")
    counts = ingest([message({"firmware": "2.1"}, smoke.key, ATTRIBUTES)])  # any message
    assert counts["alarms_cleared"] == 1 and not active(smoke, "offline")


def test_no_data_of_a_key(world, t0):
    meter = provision(world, "temp-humidity", "WSD-0400")
    Device.objects.filter(pk=meter.pk).update(created_at=t0 - timedelta(days=1))
    AlarmRule.objects.create(
        device=meter,
        alarm_type=AlarmType.objects.get(code="offline"),
        severity="minor",
        kind="no_data",
        key="humidity",
        minutes=5,
    )
    send(meter, t0, humidity=40)
    send(meter, t0 + timedelta(minutes=9), temperature=20)  # but no humidity
    assert rules.sweep()["no_data"] == 1
    send(meter, t0 + timedelta(minutes=9, seconds=1), humidity=41)
    assert not active(meter, "offline")


def test_the_offline_sweep_uses_each_profiles_interval(world):
    now = timezone.now()
    smoke = provision(world, "smoke", "YG-0500")  # heartbeat hourly: offline after 2 h
    sensor = provision(world, "temp-humidity", "WSD-0500")  # every 5 min: after 10
    fresh = provision(world, "temp-humidity", "WSD-0501")
    for device, ago in ((smoke, 100), (sensor, 11), (fresh, 9)):
        Device.objects.filter(pk=device.pk).update(
            online=True, last_seen_at=now - timedelta(minutes=ago)
        )
    assert rules.sweep(now)["offline"] == 1
    assert list(
        Device.objects.filter(online=True).order_by("key").values_list("key", flat=True)
    ) == [
        "WSD-0501",
        "YG-0500",
    ]
