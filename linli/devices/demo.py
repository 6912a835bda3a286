"""Demo devices (docs/devices.md): about five hundred across 车站社区 and three more
communities of 周村区, placed as a community has them — smoke detectors in the
stairwells of each building, elevators in the high-rise ones, electricity, water and
gas meters in every home of 车站社区, street lamps and manhole covers in each grid,
charging piles, an environment station, perimeter beams, a power room's temperature
and a pump room's water sensor in each community, and a call button and a motion
sensor in the home of each elder living alone (独居老人) in 车站社区 and 市南社区.

Devices are provisioned through `device_provision` (owners: the community's property
company, made if the registry has none; maintainers: the company, or for lamps and
manholes the district's 住建局); their tokens go to `tokens_path()` (0600; lines
`key<TAB>token<TAB>profile`), which the simulator reads. History is written
set-based with past times: latest values and health, three days of hourly
aggregates, a day of raw telemetry of the stations, seven days of online snapshots,
past alarms in all four states with their logs — and one fire alarm whose case went
the whole way (reported by the alarm, dispatched by the routing rules, handled,
closed, clearing the alarm), through the services and then moved two days back.

Also: the district's notification rules (docs/devices.md), a property company's
handler (`wuye.cz`, acting for it) and the routing rule sending 车站社区's trapped
elevators to the elevator's owner.
"""

import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from linli.accounts.models import RoleGrant, User
from linli.accounts.services import user_create
from linli.cases import services as cases
from linli.cases.events import StageChanged
from linli.cases.models import Case, CaseTransition, Category, RoutingRule, RoutingTarget
from linli.core.geojson import contains
from linli.core.permissions import Role
from linli.core.private import write_private_lines
from linli.devices.choices import AlarmAction, Channel, Severity, ValueType
from linli.devices.events import AlarmRaised
from linli.devices.indicators import snapshot
from linli.devices.models import (
    Alarm,
    AlarmChange,
    AlarmType,
    Device,
    DeviceDay,
    DeviceProfile,
    HourlyAggregate,
    LatestValue,
    NotificationRule,
    ProfileKey,
    Telemetry,
)
from linli.devices.services import alarm_raise, device_provision
from linli.devices.subscribers import case_description, clear_when_closed, open_a_case
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import district
from linli.registry.choices import OrganisationType
from linli.registry.labels import ELDERLY_ALONE, derived_label_q
from linli.registry.models import Building, House, Organisation, Resident
from linli.registry.services import affiliation_set, organisation_create

HOME = "370306001001"  # 车站社区: meters in every home, the demo's grid worker
COMMUNITIES = [HOME, "370306001003", "370306001004", "370306002001"]
ELDERS_IN = {HOME, "370306001003"}
TOKENS_FILE = "demo-device-tokens.tsv"
STEWARD = ("wuye.cz", "钱伟", "13805330010")  # acts for 车站社区's property company
DEMO_PASSWORD = "Linli-demo-2026"  # the accounts demo's
HISTORY_HOURS = 72
RAW_HOURS = 24
SNAPSHOT_DAYS = 7
PREFIX = {
    "smoke": "YG",
    "elevator": "DT",
    "electricity-meter": "DB",
    "water-meter": "SB",
    "gas-meter": "QB",
    "street-lamp": "LD",
    "manhole": "JG",
    "charging-pile": "CD",
    "environment": "HJ",
    "perimeter": "ZJ",
    "temp-humidity": "WS",
    "water-leak": "SJ",
    "call-button": "YJ",
    "motion": "RT",
}
CHARTED = {  # keys with hourly history: (typical, daily swing, noise) or cumulative
    "temperature": (22.0, 3.0, 0.5),
    "humidity": (50.0, 10.0, 2.0),
    "gas": (0.5, 0.3, 0.2),
    "power": (1.2, 0.8, 0.3),
    "voltage": (228.0, 3.0, 1.0),
    "flow": (0.05, 0.04, 0.02),
    "pm25": (55.0, 20.0, 8.0),
    "pm10": (90.0, 30.0, 10.0),
    "noise": (52.0, 8.0, 3.0),
}
CUMULATIVE = {"energy": 0.6, "volume": 0.02}  # per hour
# (profile, key, value now): what the latest values start from, besides CHARTED.
STILL = {
    "battery": 86.0,
    "signal": -85.0,
    "fault": 0.0,
    "tilt": 0.5,
    "floor": 1.0,
    "valve_open": 1.0,
}


def tokens_path() -> Path:
    """Where the demo's device tokens are (the simulator reads them)."""
    return Path(settings.DATA_DIR) / TOKENS_FILE


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    if Device.objects.exists():
        stdout.write("devices: demo devices already there")
        return
    communities = list(
        Region.objects.filter(code__in=COMMUNITIES, level=Level.COMMUNITY).order_by("code")
    )
    worker = User.objects.filter(username="chezhan.wg1").first()
    if len(communities) < len(COMMUNITIES) or worker is None:
        stdout.write("devices: no demo communities or users, nothing to seed")
        return
    rng = random.Random(3703060013)
    tokens: list[tuple[str, str, str]] = []
    for community in communities:
        _community(community, rng, tokens)
    write_private_lines(tokens_path(), tokens)
    _steward_and_rules()
    devices = list(Device.objects.select_related("profile").order_by("pk"))
    now = timezone.now()
    _health(devices, rng, now)
    _history(devices, rng, now)
    _snapshots(rng)
    # The past alarms are on an elevator, a charging pile, a lamp and smoke detectors:
    # a demo seeded with no residents has no building high enough for an elevator.
    alarms = 0
    if {"charging-pile", "elevator", "street-lamp", "smoke"} <= {d.profile.code for d in devices}:
        alarms = _past_alarms(rng, now) + _case_through(now)
    stdout.write(
        f"devices: {len(devices)} demo devices (tokens in {tokens_path()}), "
        f"{alarms} past alarms, {NotificationRule.objects.count()} notification rules"
    )


class Numbering:
    """Device numbers of one community: YG-001001-001…"""

    def __init__(self, community: Region) -> None:
        self.code = community.code[6:12]
        self.counts: dict[str, int] = {}

    def next(self, profile: str) -> str:
        self.counts[profile] = self.counts.get(profile, 0) + 1
        return f"{PREFIX[profile]}-{self.code}-{self.counts[profile]:03d}"


def _community(community: Region, rng: random.Random, tokens: list[tuple[str, str, str]]) -> None:
    profiles = {p.code: p for p in DeviceProfile.objects.all()}
    numbers = Numbering(community)
    grids = list(community.children.filter(retired_at__isnull=True).order_by("path"))
    company = _property_company(community, grids[0])
    department = (
        Organisation.objects.filter(kind=OrganisationType.GOVERNMENT).order_by("pk").first()
    )
    short = community.name.removesuffix("居委会")

    def add(profile: str, grid: Region, name: str, **place: Any) -> None:
        owner = department if profile in ("street-lamp", "manhole") else company
        if profile in ("electricity-meter", "water-meter", "gas-meter", "call-button", "motion"):
            owner = None  # the utilities' and the household's own
        device, token = device_provision(
            grid=grid,
            profile=profiles[profile],
            key=numbers.next(profile),
            name=name,
            owner=owner,
            maintainer=owner or company,
            by=None,
            **place,
        )
        tokens.append((device.key, token, profile))

    for grid in grids:
        for building in Building.objects.filter(grid=grid).order_by("pk"):
            for unit in range(1, building.units + 1):
                for floor in range(1, building.floors + 1, 3):
                    add(
                        "smoke",
                        grid,
                        f"{building.name}{unit}单元{floor}层楼道烟感",
                        building=building,
                    )
                if building.floors >= 11:
                    add("elevator", grid, f"{building.name}{unit}单元电梯", building=building)
            if community.code == HOME:
                for house in House.objects.filter(building=building).order_by("pk"):
                    where = f"{building.name}{house.unit}-{house.number}"
                    add("electricity-meter", grid, f"{where}电表", house=house)
                    add("water-meter", grid, f"{where}水表", house=house)
                    add("gas-meter", grid, f"{where}燃气表", house=house)
        points = _points_in(grid, rng, 6)
        for n, (lon, lat) in enumerate(points[:4], start=1):
            add("street-lamp", grid, f"{grid.name}{n}号路灯", longitude=lon, latitude=lat)
        for n, (lon, lat) in enumerate(points[4:], start=1):
            add("manhole", grid, f"{grid.name}{n}号污水井盖", longitude=lon, latitude=lat)
    first = grids[0]
    station = Building.objects.filter(grid__in=grids).order_by("pk").first()
    at_building: dict[str, Any] = {"building": station} if station else {}
    points = _points_in(first, rng, 7)
    for n, (lon, lat) in enumerate(points[:4], start=1):
        add("charging-pile", first, f"{short}{n}号充电桩", longitude=lon, latitude=lat)
    lon, lat = points[4]
    add("environment", first, f"{short}环境监测站", longitude=lon, latitude=lat)
    for n, (lon, lat) in enumerate(points[5:], start=1):
        add("perimeter", first, f"{short}{'东西'[n - 1]}围墙红外对射", longitude=lon, latitude=lat)
    add("temp-humidity", first, f"{short}配电房温湿度", **at_building)
    add("water-leak", first, f"{short}水泵房水浸", **at_building)
    if community.code in ELDERS_IN:
        alone = (
            Resident.objects.filter(derived_label_q(ELDERLY_ALONE))
            .filter(household__house__building__grid__in=grids)
            .select_related("household__house__building__grid")
            .order_by("pk")[:12]
        )
        for resident in alone:
            house = resident.household.house
            grid = house.building.grid
            where = f"{house.building.name}{house.unit}-{house.number}"
            add("call-button", grid, f"{where}一键呼叫器", house=house)
            add("motion", grid, f"{where}人体感应器", house=house)


def _property_company(community: Region, grid: Region) -> Organisation:
    """The community's property company: the registry's, or one made for the demo."""
    found = (
        Organisation.objects.filter(kind=OrganisationType.PROPERTY, grid__parent=community)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    name = community.name.removesuffix("社区居委会")
    company: Organisation = organisation_create(
        grid=grid,
        name=f"淄博{name}物业服务有限公司",
        kind=OrganisationType.PROPERTY,
        address=f"{name}社区服务中心",
        by=None,
    )
    return company


def _points_in(grid: Region, rng: random.Random, n: int) -> list[tuple[Decimal, Decimal]]:
    if not grid.boundary:
        return [(Decimal("117.87"), Decimal("36.80"))] * n
    ring = grid.boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    found: list[tuple[Decimal, Decimal]] = []
    while len(found) < n:
        lon, lat = rng.uniform(min(lons), max(lons)), rng.uniform(min(lats), max(lats))
        if contains(grid.boundary, lon, lat):
            found.append((Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")))
    return found


def _steward_and_rules() -> None:
    """The district's notification rules; 车站社区's property company's handler and
    the routing rule sending its trapped elevators to the elevator's owner."""
    whole = district()
    for roles, severities, channels in (
        (
            [Role.COMMUNITY_WORKER, Role.GRID_WORKER],
            [Severity.CRITICAL],
            [Channel.CONSOLE, Channel.SMS],
        ),
        ([Role.COMMUNITY_WORKER, Role.GRID_WORKER], [Severity.MAJOR], [Channel.CONSOLE]),
        ([Role.SUBDISTRICT_ADMIN], [Severity.CRITICAL], [Channel.CONSOLE]),
    ):
        rule = NotificationRule(
            region=whole, roles=list(roles), severities=list(severities), channels=list(channels)
        )
        rule.full_clean()
        rule.save()
    home = Region.objects.get(code=HOME)
    company = _property_company(home, home.children.order_by("path")[0])
    username, full_name, phone = STEWARD
    subdistrict = Region.objects.get(children=home)
    steward = User.objects.filter(username=username).first() or user_create(
        username=username,
        full_name=full_name,
        phone=phone,
        password=DEMO_PASSWORD,
        role=Role.DEPARTMENT_HANDLER,
        region=subdistrict,  # handlers are granted at a subdistrict or the district
        by=None,
    )
    grant = RoleGrant.objects.get(user=steward, role=Role.DEPARTMENT_HANDLER, region=subdistrict)
    affiliation_set(grant=grant, organisation=company, by=None)
    RoutingRule.objects.get_or_create(
        name="车站社区电梯困人 → 电梯产权单位",
        defaults={
            "region": home,
            "category": Category.objects.get(code="elevator-trapped"),
            "target": RoutingTarget.OWNER,
        },
    )


def _phase(at: datetime) -> float:
    """Where in the day's cycle a time is: -1 at 02:00, 1 at 14:00 (local)."""
    return math.sin((timezone.localtime(at).hour - 8) / 24 * 2 * math.pi)


def _value(key: str, phase: float, rng: random.Random) -> float:
    typical, swing, noise = CHARTED[key]
    return round(max(0.0, typical + swing * phase + rng.gauss(0, noise)), 2)


def _numeric_keys() -> dict[int, list[ProfileKey]]:
    keys: dict[int, list[ProfileKey]] = {}
    for key in ProfileKey.objects.filter(type=ValueType.NUMBER).order_by("profile", "order"):
        keys.setdefault(key.profile_id, []).append(key)
    return keys


def _health(devices: list[Device], rng: random.Random, now: datetime) -> None:
    """Last seen, online, battery and signal, and each key's latest value."""
    keys = {
        p: list(ProfileKey.objects.filter(profile=p).order_by("order"))
        for p in {d.profile_id for d in devices}
    }
    latest: list[LatestValue] = []
    for device in devices:
        offline = rng.random() < 0.04
        seen = now - timedelta(
            seconds=rng.uniform(2, 3) * device.profile.interval
            if offline
            else rng.uniform(0, 0.9) * device.profile.interval
        )
        device.last_seen_at, device.online = seen, not offline
        for key in keys[device.profile_id]:
            value = _latest(key, device, rng, seen)
            latest.append(LatestValue(device=device, key=key.key, ts=seen, value=value))
            if key.key == "battery":
                device.battery = round(value)
            elif key.key == "signal":
                device.signal = round(value)
    Device.objects.bulk_update(devices, ["last_seen_at", "online", "battery", "signal"], 500)
    LatestValue.objects.bulk_create(latest, batch_size=2000)


def _latest(key: ProfileKey, device: Device, rng: random.Random, at: datetime) -> float:
    if key.key in CHARTED:
        return _value(key.key, _phase(at), rng)
    if key.key in CUMULATIVE:
        return round(rng.uniform(800, 20000) if key.key == "energy" else rng.uniform(50, 900), 2)
    if key.key == "battery":
        return float(rng.randint(35, 100))
    if key.key == "signal":
        return float(rng.randint(-105, -60))
    if key.key == "on":
        return 1.0 if not 6 <= timezone.localtime(at).hour < 18 else 0.0
    if key.key == "running":
        return float(rng.random() < 0.3)
    return STILL.get(key.key, 0.0)


def _hours(now: datetime, count: int) -> Iterator[datetime]:
    top = now.replace(minute=0, second=0, microsecond=0)
    for n in range(count, 0, -1):
        yield top - timedelta(hours=n)


def _history(devices: list[Device], rng: random.Random, now: datetime) -> None:
    """Hourly aggregates of three days for every charted key, and a day of raw
    telemetry (every 15 minutes) of the environment stations and power rooms."""
    numeric = _numeric_keys()
    hours = [(hour, _phase(hour)) for hour in _hours(now, HISTORY_HOURS)]
    rows: list[tuple[Any, ...]] = []
    for device in devices:
        for key in numeric.get(device.profile_id, []):
            if key.key in CHARTED:
                for hour, phase in hours:
                    values = [_value(key.key, phase, rng) for _ in range(4)]
                    rows.append(
                        (device.pk, key.key, hour, 4, min(values), max(values), sum(values))
                    )
            elif key.key in CUMULATIVE:
                total = rng.uniform(500, 5000)
                for hour, _phase_now in hours:
                    step = CUMULATIVE[key.key] * rng.uniform(0.2, 2.5)
                    rows.append(
                        (device.pk, key.key, hour, 4, total, total + step, 4 * total + step * 2)
                    )
                    total += step
    _insert(
        HourlyAggregate, ["device_id", "key", "hour", "count", "minimum", "maximum", "total"], rows
    )
    raw: list[tuple[Any, ...]] = []
    stations = [d for d in devices if d.profile.code in ("environment", "temp-humidity")]
    for device in stations:
        for step in range(RAW_HOURS * 4, 0, -1):
            at = now.replace(second=0, microsecond=0) - timedelta(minutes=15 * step)
            phase = _phase(at)
            for key in numeric.get(device.profile_id, []):
                if key.key in CHARTED:
                    raw.append((device.pk, key.key, at, _value(key.key, phase, rng)))
    _insert(Telemetry, ["device_id", "key", "ts", "value"], raw)


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows of a table keyed by its columns (no id: `core.bulk` assigns ids), one
    prepared INSERT in batches."""
    table = connection.ops.quote_name(model._meta.db_table)
    names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from _meta)
    field = model._meta.get_field(columns[2])
    stored: dict[datetime, Any] = {}  # each time converted once
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            batch = []
            for row in rows[start : start + 2000]:
                at = stored.get(row[2])
                if at is None:
                    at = stored[row[2]] = field.get_db_prep_save(row[2], connection)
                batch.append((*row[:2], at, *row[3:]))
            cursor.executemany(sql, batch)


def _snapshots(rng: random.Random) -> None:
    """Today's snapshot, and the six days before it with a device or two offline."""
    snapshot()
    today = timezone.localdate()
    rows = [
        DeviceDay(
            day=today - timedelta(days=n),
            grid_id=d.grid_id,
            devices=d.devices,
            online=max(0, d.devices - rng.choice([0, 0, 1, 1, 2])),
        )
        for d in DeviceDay.objects.filter(day=today)
        for n in range(1, SNAPSHOT_DAYS)
    ]
    DeviceDay.objects.bulk_create(rows)


def _device(profile: str, community: str = HOME) -> Device:
    found: QuerySet[Device] = Device.objects.filter(
        profile__code=profile, grid__path__startswith=community
    ).order_by("pk")
    return found.first() or Device.objects.filter(profile__code=profile).order_by("pk")[0]


def _past_alarms(rng: random.Random, now: datetime) -> int:
    """Alarms of the last days in all four states, with their logs, and a week of
    everyday ones (batteries, lamps, offline) for the indicators."""
    users = {u.username: u for u in User.objects.filter(username__in=["chezhan", "chezhan.wg1"])}
    worker, grid_worker = users["chezhan"], users["chezhan.wg1"]
    types = {t.code: t for t in AlarmType.objects.all()}
    made = 0

    def alarm(device: Device, code: str, severity: str, started: datetime, **fields: Any) -> Alarm:
        nonlocal made
        made += 1
        found = Alarm.objects.create(
            device=device,
            alarm_type=types[code],
            severity=severity,
            started_at=started,
            last_at=fields.pop("last_at", started),
            **fields,
        )
        AlarmChange.objects.create(alarm=found, action=AlarmAction.RAISED, at=started)
        return found

    def log(
        found: Alarm, action: str, at: datetime, by: User | None = None, note: str = ""
    ) -> None:
        AlarmChange.objects.create(alarm=found, action=action, actor=by, note=note, at=at)

    # Active, unacknowledged: a charging pile running hot, 25 minutes ago.
    hot = now - timedelta(minutes=25)
    alarm(
        _device("charging-pile"),
        "charger-overheat",
        Severity.MAJOR,
        hot,
        last_at=now - timedelta(minutes=3),
        count=4,
        details={"key": "temperature", "value": 74.5},
    )
    # Active, acknowledged and assigned: an elevator fault code, three hours ago.
    started = now - timedelta(hours=3)
    fault = alarm(
        _device("elevator"),
        "elevator-fault",
        Severity.MAJOR,
        started,
        acknowledged_at=started + timedelta(minutes=12),
        assignee=grid_worker,
        details={"key": "fault", "value": 37},
    )
    log(fault, AlarmAction.ACKNOWLEDGED, started + timedelta(minutes=12), grid_worker)
    log(fault, AlarmAction.ASSIGNED, started + timedelta(minutes=13), worker, grid_worker.full_name)
    log(
        fault,
        AlarmAction.COMMENTED,
        started + timedelta(minutes=20),
        grid_worker,
        "已通知电梯维保单位到场检修",
    )
    # Cleared by its rule, never acknowledged: a lamp's fault last night.
    night = timezone.localtime(now).replace(
        hour=19, minute=10, second=0, microsecond=0
    ) - timedelta(days=1)
    lamp = alarm(
        _device("street-lamp"),
        "lamp-fault",
        Severity.MINOR,
        night,
        cleared_at=night + timedelta(minutes=30),
        details={"key": "fault", "value": 1},
    )
    log(lamp, AlarmAction.CLEARED, night + timedelta(minutes=30))
    # Acknowledged, then cleared: a smoke detector's battery, three days ago.
    low = now - timedelta(days=3, hours=2)
    battery = alarm(
        _device("smoke"),
        "low-battery",
        Severity.WARNING,
        low,
        acknowledged_at=low + timedelta(hours=14),
        cleared_at=low + timedelta(days=1, hours=3),
        details={"key": "battery", "value": 18},
    )
    log(battery, AlarmAction.ACKNOWLEDGED, low + timedelta(hours=14), worker, "已通知物业更换电池")
    log(battery, AlarmAction.CLEARED, low + timedelta(days=1, hours=3), worker, "电池已更换")
    # A week of everyday alarms across the communities, handled in plausible times.
    devices = list(Device.objects.filter(profile__code__in=["smoke", "street-lamp", "water-meter"]))
    for _n in range(40):
        device = rng.choice(devices)
        code = {"smoke": "low-battery", "street-lamp": "lamp-fault"}.get(
            device.profile.code, "offline"
        )
        started = now - timedelta(days=rng.uniform(0.5, 7))
        acked = started + timedelta(minutes=rng.uniform(3, 240))
        cleared = acked + timedelta(minutes=rng.uniform(10, 1500))
        if Alarm.objects.filter(device=device, alarm_type=types[code]).exists():
            continue
        past = alarm(
            device, code, Severity.WARNING, started, acknowledged_at=acked, cleared_at=cleared
        )
        log(past, AlarmAction.ACKNOWLEDGED, acked, worker)
        log(past, AlarmAction.CLEARED, cleared, worker)
    return made


def _case_through(now: datetime) -> int:
    """A fire alarm whose case went the whole way: opened by the alarm, dispatched by
    the routing rule to the grid worker, handled, closed — clearing the alarm — all
    through the services, then moved back to two days ago as it would have happened."""
    device = _device("smoke")
    fire = AlarmType.objects.get(code="fire")
    alarm, _new = alarm_raise(
        device=device,
        alarm_type=fire,
        severity=Severity.CRITICAL,
        at=now,
        details={"key": "smoke", "value": 1},
    )
    open_a_case(AlarmRaised(alarm.pk, device.pk, fire.code, Severity.CRITICAL))
    case = Case.objects.get(origin_type="devices.alarm", origin_id=str(alarm.pk))
    if case.assignee is None:
        return 1
    handler = case.assignee
    case = cases.case_start(case=case, by=handler, note="已到场，正在核查")
    case = cases.case_finish(
        case=case,
        by=handler,
        note="住户厨房炒菜油烟触发烟感，无明火，已开窗通风并复位探测器",
        reply="经核查为厨房油烟误报，无火情",
    )
    closer = User.objects.get(username="chezhan")
    case = cases.case_close(case=case, by=closer, note="现场核实无火情，结案")
    last = case.transitions.order_by("pk").last()
    assert last is not None
    clear_when_closed(
        StageChanged(case.pk, last.pk, last.from_stage, last.to_stage, closer.pk, None, "")
    )
    _back(alarm, case, now - timedelta(days=2, hours=5))
    return 1


# Minutes after the alarm each step of the demo's fire case took.
STEP_MINUTES = {
    "reported": 0,
    "accepted": 0,
    "dispatched": 0,
    "handling": 7,
    "handled": 38,
    "closed": 52,
}


def _back(alarm: Alarm, case: Case, start: datetime) -> None:
    """Move the alarm and its case to `start`, each step as many minutes after it as
    STEP_MINUTES says (durations and deadlines kept consistent)."""
    previous = start
    for transition in CaseTransition.objects.filter(case=case).order_by("pk"):
        at = start + timedelta(minutes=STEP_MINUTES[transition.to_stage])
        CaseTransition.objects.filter(pk=transition.pk).update(
            at=at, duration=at - previous if transition.from_stage else None
        )
        previous = at
    closed = start + timedelta(minutes=STEP_MINUTES["closed"])
    shift = closed - case.closed_at if case.closed_at else timedelta(0)
    Case.objects.filter(pk=case.pk).update(
        created_at=start,
        stage_since=closed,
        closed_at=closed,
        due_at=case.due_at + shift if case.due_at else None,
    )
    Alarm.objects.filter(pk=alarm.pk).update(
        started_at=start, last_at=start, acknowledged_at=closed, cleared_at=closed
    )
    code = timezone.localtime(start).strftime("%y%m%d") + case.code[6:]  # the day reported
    for change in AlarmChange.objects.filter(alarm=alarm).order_by("pk"):
        at = closed if change.action in (AlarmAction.ACKNOWLEDGED, AlarmAction.CLEARED) else start
        note = change.note.replace(case.code, code)
        AlarmChange.objects.filter(pk=change.pk).update(at=at, note=note)
    alarm.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(code=code, description=case_description(alarm))
