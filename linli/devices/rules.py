"""Alarm rules: evaluated in the ingestion path for each batch (`evaluate`) and by
the minutely sweep (`sweep`: devices offline, no data, durations held while a
device is silent). See docs/devices.md, "Rules".

A device's effective rules: per alarm type, the device's own rules, else its
building's, else its profile's (the nearest level that has a rule of that type
wins, even a disabled one: a disabled device rule switches the type off there).

- THRESHOLD: `value <operator> threshold`, held for `duration` seconds;
- RATE: the change per minute from the previous value to the new one;
- BOOLEAN: the value is 1 (yes), held for `duration` seconds;
- NO_DATA: no message at all, or no value of `key`, for `minutes` (the sweep).

A rule with a schedule (`active_from`–`active_until`, local time of TIME_ZONE, past
midnight if `until` < `from`) raises only within it. Holding starts at the first
value meeting the condition (`RuleState.since`); the alarm is raised once the
condition has held `duration` seconds, by a later value or by the sweep. When a
value no longer meets the condition, the holding ends and, if the rule `clears`,
the active alarm of its type is cleared by the system.

Only values newer than the key's latest value before the batch are evaluated: a
message delivered again, or late, does not raise or clear anything twice. Loading
costs a fixed number of queries per batch (the rules, checked by a version query;
the holdings and active alarms of the batch's devices), none per message.
"""

import operator
import threading
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone

from linli.devices import storage
from linli.devices.choices import Operator, RuleKind
from linli.devices.models import (
    Alarm,
    AlarmRule,
    Device,
    DeviceProfile,
    LatestValue,
    RuleState,
)
from linli.devices.services import alarm_clear, alarm_raise

SWEEP_RAISES = 500  # no-data alarms raised by one sweep at most (the next goes on)
SWEEP_SECONDS = 3.0  # and for at most this long: the sweep runs every minute

COMPARE: dict[str, Callable[[float, float], bool]] = {
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
}


class Target(NamedTuple):
    """A device as a batch needs it."""

    id: int
    key: str
    profile_id: int
    building_id: int | None
    gateway_id: int | None
    retired: bool
    seen_at: datetime | None = None
    online: bool = False
    battery: int | None = None
    signal: int | None = None


type ByType = dict[int, list[AlarmRule]]  # alarm type id → rules


class RuleBook:
    """Every alarm rule, by profile, building and device, kept by the process and
    reloaded when a rule is added, changed or deleted (a query per batch compares
    their number and latest `updated_at`)."""

    def __init__(self) -> None:
        self.version: tuple[int, datetime | None] | None = None
        self.by_profile: dict[int, ByType] = {}
        self.by_building: dict[int, ByType] = {}
        self.by_device: dict[int, ByType] = {}
        self.rules: list[AlarmRule] = []
        self.lock = threading.Lock()

    def refresh(self) -> None:
        figures = AlarmRule.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
        version = (figures["n"], figures["latest"])
        with self.lock:
            if version == self.version:
                return
            by: dict[str, dict[int, ByType]] = {"profile": {}, "building": {}, "device": {}}
            loaded = list(AlarmRule.objects.select_related("alarm_type").order_by("pk"))
            for rule in loaded:
                for level in by:
                    owner = getattr(rule, f"{level}_id")
                    if owner is not None:
                        by[level].setdefault(owner, {}).setdefault(rule.alarm_type_id, []).append(
                            rule
                        )
            self.by_profile, self.by_building, self.by_device = (
                by["profile"],
                by["building"],
                by["device"],
            )
            self.rules = loaded
            self.version = version

    def forget(self) -> None:
        with self.lock:
            self.version = None

    def effective(self, device: Target) -> list[AlarmRule]:
        merged = dict(self.by_profile.get(device.profile_id, {}))
        if device.building_id is not None:
            merged.update(self.by_building.get(device.building_id, {}))
        merged.update(self.by_device.get(device.id, {}))
        return [rule for rules in merged.values() for rule in rules if rule.enabled]


book = RuleBook()


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def in_schedule(rule: AlarmRule, at: datetime, zone: ZoneInfo | None = None) -> bool:
    """Whether `at` lies in the rule's hours (local time), past midnight included."""
    start: time | None = rule.active_from
    end: time | None = rule.active_until
    if start is None and end is None:
        return True
    local = at.astimezone(zone or _zone()).time()
    if start is None:
        return local < end  # type: ignore[operator]
    if end is None:
        return local >= start
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def _condition(
    rule: AlarmRule, ts: datetime, value: float, before: tuple[datetime, float | None] | None
) -> bool | None:
    """Whether a value meets the rule (None: cannot tell, e.g. a rate without a
    previous value)."""
    if rule.kind == RuleKind.BOOLEAN:
        return value >= 0.5
    if rule.threshold is None:
        return None
    if rule.kind == RuleKind.RATE:
        if before is None or before[1] is None or ts <= before[0]:
            return None
        minutes = (ts - before[0]).total_seconds() / 60
        measured = (value - before[1]) / minutes
        return COMPARE[rule.operator or Operator.GT](measured, rule.threshold)
    if not rule.operator:
        return None
    return COMPARE[rule.operator](value, rule.threshold)


class _Plan:
    """What evaluation decided: holdings started and ended, alarms to raise or clear
    (in time order), applied at the end with a fixed number of statements."""

    def __init__(self, active: dict[tuple[int, int], int]) -> None:
        self.active = active  # (device, alarm type) → alarm pk (0: raised in this batch)
        self.hold: dict[tuple[int, int], datetime] = {}
        self.release: set[tuple[int, int]] = set()
        self.actions: list[tuple[str, int, AlarmRule, datetime, dict[str, Any]]] = []
        self.raised: set[tuple[int, int]] = set()

    def raise_(self, device: int, rule: AlarmRule, at: datetime, details: dict[str, Any]) -> None:
        pair = (device, rule.alarm_type_id)
        if pair in self.raised and pair in self.active:
            return  # counted once per batch
        self.raised.add(pair)
        self.active.setdefault(pair, 0)
        self.actions.append(("raise", device, rule, at, details))

    def clear(self, device: int, rule: AlarmRule, at: datetime) -> None:
        pair = (device, rule.alarm_type_id)
        if rule.clears and pair in self.active:
            del self.active[pair]
            self.raised.discard(pair)
            self.actions.append(("clear", device, rule, at, {}))


def evaluate(
    *,
    devices: Mapping[int, Target],
    rows: Sequence[storage.Row],
    previous: Mapping[tuple[int, str], tuple[datetime, float | None]],
) -> Counter[str]:
    """Evaluate the rules of the devices heard from in a batch over its new values
    (`rows`; `previous`: each key's latest value before the batch). Runs inside the
    batch's transaction."""
    book.refresh()
    effective = {d: rules for d, target in devices.items() if (rules := book.effective(target))}
    if not effective:
        return Counter()
    series: dict[int, dict[str, dict[datetime, float]]] = {}
    heard: dict[int, set[str]] = {}
    for device_id, key, ts, number, _text in rows:
        if device_id not in effective:
            continue
        before = previous.get((device_id, key))
        if before is not None and ts <= before[0]:
            continue
        heard.setdefault(device_id, set()).add(key)
        if number is not None:
            series.setdefault(device_id, {}).setdefault(key, {})[ts] = number
    ids = sorted(effective)
    states: dict[tuple[int, int], datetime] = {}
    if any(rule.duration > 0 for rules in effective.values() for rule in rules):
        condition, params = storage.ids_in("device_id", ids)
        states = {
            (rule_id, device_id): aware(since)
            for rule_id, device_id, since in storage.select(
                f"SELECT rule_id, device_id, since FROM devices_rulestate WHERE {condition}",  # noqa: S608
                params,
            )
        }
    condition, params = storage.ids_in("device_id", ids)
    plan = _Plan(
        {
            (device_id, type_id): pk
            for pk, device_id, type_id in storage.select(
                "SELECT id, device_id, alarm_type_id FROM devices_alarm"  # noqa: S608
                f" WHERE {condition} AND cleared_at IS NULL",
                params,
            )
        }
    )
    zone, now = _zone(), timezone.now()
    for device_id, rules in effective.items():
        values = series.get(device_id, {})
        for rule in rules:
            if rule.kind == RuleKind.NO_DATA:
                if not rule.key or rule.key in heard.get(device_id, ()):
                    plan.clear(device_id, rule, now)
                continue
            points = values.get(rule.key)
            if not points:
                continue
            _follow(device_id, rule, sorted(points.items()), previous, states, plan, zone)
    return _apply(plan, states)


def aware(value: datetime | str) -> datetime:
    """A time read with plain SQL: SQLite gives Django's text form, naive UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _follow(
    device_id: int,
    rule: AlarmRule,
    points: Iterable[tuple[datetime, float]],
    previous: Mapping[tuple[int, str], tuple[datetime, float | None]],
    states: Mapping[tuple[int, int], datetime],
    plan: _Plan,
    zone: ZoneInfo,
) -> None:
    """One rule over one device's new values of its key, in time order."""
    pair = (rule.pk, device_id)
    since = states.get(pair)
    before = previous.get((device_id, rule.key))
    for ts, value in points:
        holds = _condition(rule, ts, value, before)
        before = (ts, value)
        if holds is None:
            continue
        if not holds:
            since = None
            plan.clear(device_id, rule, ts)
            continue
        if not in_schedule(rule, ts, zone):
            continue
        if since is None:
            since = ts
        if (ts - since).total_seconds() >= rule.duration:
            plan.raise_(
                device_id,
                rule,
                ts,
                {"key": rule.key, "value": value, "since": since.isoformat()},
            )
    if rule.duration <= 0:
        since = None  # nothing to remember
    if since is not None and pair not in states:
        plan.hold[pair] = since
    elif since is None and pair in states:
        plan.release.add(pair)


def _apply(plan: _Plan, states: Mapping[tuple[int, int], datetime]) -> Counter[str]:
    counts: Counter[str] = Counter()
    with connection.cursor() as cursor:
        if plan.release:
            cursor.executemany(
                "DELETE FROM devices_rulestate WHERE rule_id = %s AND device_id = %s",
                sorted(plan.release),
            )
        if plan.hold:
            cursor.executemany(
                "INSERT INTO devices_rulestate (rule_id, device_id, since) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                [(r, d, storage.db_time(since)) for (r, d), since in sorted(plan.hold.items())],
            )
    if not plan.actions:
        return counts
    objects = Device.objects.in_bulk({device for _a, device, _r, _t, _d in plan.actions})
    alarms: dict[tuple[int, int], int] = {}
    for action, device_id, rule, at, details in plan.actions:
        pair = (device_id, rule.alarm_type_id)
        if action == "raise":
            alarm, new = alarm_raise(
                device=objects[device_id],
                alarm_type=rule.alarm_type,
                severity=rule.severity,
                at=at,
                rule=rule,
                details=details,
            )
            alarms[pair] = alarm.pk
            counts["alarms_raised" if new else "alarms_repeated"] += 1
            continue
        pk = alarms.pop(pair, None) or _active_pk(device_id, rule.alarm_type_id)
        if pk is None:
            continue
        try:
            alarm_clear(alarm=Alarm(pk=pk), by=None)
        except ValidationError:  # cleared meanwhile, by someone else
            continue
        counts["alarms_cleared"] += 1
    return counts


def _active_pk(device_id: int, type_id: int) -> int | None:
    return (
        Alarm.objects.filter(device_id=device_id, alarm_type_id=type_id, cleared_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )


# The sweep -----------------------------------------------------------------------


def offline_sweep(now: datetime) -> int:
    """Devices silent for twice their profile's interval: offline. One UPDATE per
    profile, on the index of (online, last seen)."""
    changed = 0
    for profile_id, interval in DeviceProfile.objects.values_list("pk", "interval"):
        changed += Device.objects.filter(
            profile_id=profile_id,
            online=True,
            last_seen_at__lt=now - timedelta(seconds=2 * interval),
        ).update(online=False)
    return changed


def _overridden(rule: AlarmRule) -> tuple[set[int], set[int]]:
    """Devices and buildings with rules of their own of `rule`'s alarm type."""
    kind = rule.alarm_type_id
    devices = {d for d, by_type in book.by_device.items() if kind in by_type}
    buildings = {b for b, by_type in book.by_building.items() if kind in by_type}
    return devices, buildings


def no_data_sweep(now: datetime) -> int:
    """Raise the alarms of NO_DATA rules for devices heard from before but silent for
    the rule's minutes (or silent on its key), at most SWEEP_RAISES a run and for
    SWEEP_SECONDS (the most silent first; the next run goes on). Alarms of
    these rules are cleared by the ingestion path when data comes."""
    raised = 0
    zone = _zone()
    deadline = clock.monotonic() + SWEEP_SECONDS
    for rule in book.rules:
        if rule.kind != RuleKind.NO_DATA or not rule.enabled or not rule.minutes:
            continue
        if raised >= SWEEP_RAISES or clock.monotonic() > deadline:
            break
        if not in_schedule(rule, now, zone):
            continue
        cutoff = now - timedelta(minutes=rule.minutes)
        devices, buildings = _overridden(rule)
        found = Device.objects.filter(retired_at__isnull=True, last_seen_at__isnull=False)
        if rule.device_id is not None:
            found = found.filter(pk=rule.device_id)
        elif rule.building_id is not None:
            found = found.filter(building_id=rule.building_id).exclude(pk__in=devices)
        else:
            found = (
                found.filter(profile_id=rule.profile_id)
                .exclude(pk__in=devices)
                .exclude(building_id__in=buildings)
            )
        if rule.key:
            found = found.filter(created_at__lt=cutoff).exclude(
                Exists(
                    LatestValue.objects.filter(device=OuterRef("pk"), key=rule.key, ts__gte=cutoff)
                )
            )
        else:
            found = found.filter(last_seen_at__lt=cutoff)
        found = found.exclude(
            Exists(
                Alarm.objects.filter(
                    device=OuterRef("pk"), alarm_type_id=rule.alarm_type_id, cleared_at__isnull=True
                )
            )
        )
        for device in found.only("pk", "grid_id").order_by("last_seen_at")[: SWEEP_RAISES - raised]:
            if clock.monotonic() > deadline:
                break
            alarm_raise(
                device=device,
                alarm_type=rule.alarm_type,
                severity=rule.severity,
                at=now,
                rule=rule,
                details={"key": rule.key, "minutes": rule.minutes},
            )
            raised += 1
    return raised


def held_sweep(now: datetime) -> int:
    """Raise the alarms whose condition has held its duration while the device fell
    silent (the last value met it, and no later value has said otherwise)."""
    by_pk = {rule.pk: rule for rule in book.rules}
    due: list[tuple[AlarmRule, int, datetime]] = []
    zone = _zone()
    for rule_id, device_id, since in RuleState.objects.values_list("rule_id", "device_id", "since"):
        rule = by_pk.get(rule_id)
        if rule is None or not rule.enabled or rule.duration <= 0:
            continue
        at = since + timedelta(seconds=rule.duration)
        if at <= now and in_schedule(rule, now, zone):
            due.append((rule, device_id, at))
    if not due:
        return 0
    ids = {device_id for _r, device_id, _a in due}
    targets = {
        row[0]: Target(*row[:5], retired=row[5] is not None)
        for row in Device.objects.filter(pk__in=ids).values_list(
            "pk", "key", "profile_id", "building_id", "gateway_id", "retired_at"
        )
    }
    active = set(
        Alarm.objects.filter(device_id__in=ids, cleared_at__isnull=True).values_list(
            "device_id", "alarm_type_id"
        )
    )
    objects = Device.objects.in_bulk(ids)
    raised = 0
    for rule, device_id, at in due:
        target = targets.get(device_id)
        if target is None or target.retired or rule not in book.effective(target):
            continue
        if (device_id, rule.alarm_type_id) in active:
            continue
        alarm_raise(
            device=objects[device_id],
            alarm_type=rule.alarm_type,
            severity=rule.severity,
            at=at,
            rule=rule,
            details={"key": rule.key, "since": (at - timedelta(seconds=rule.duration)).isoformat()},
        )
        active.add((device_id, rule.alarm_type_id))
        raised += 1
    return raised


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The minutely sweep (task `devices-offline`)."""
    now = now or timezone.now()
    book.refresh()
    return {
        "offline": offline_sweep(now),
        "no_data": no_data_sweep(now),
        "held": held_sweep(now),
    }
