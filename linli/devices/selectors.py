"""Reads of the devices app: everything starts from `visible_to` (devices, alarms and
notification rules by the device's grid or the rule's region); profiles and alarm
types are the same for everyone."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.selectors import people_who_may
from linli.cases.models import Case, Category
from linli.cases.selectors import cases_raised_by, grid_boundaries
from linli.devices.choices import Severity
from linli.devices.filters import AlarmFilter, DeviceFilter
from linli.devices.models import (
    Alarm,
    AlarmChange,
    AlarmRule,
    AlarmType,
    Device,
    DeviceProfile,
    DeviceRejection,
    HourlyAggregate,
    LatestValue,
    NotificationRule,
    ProfileKey,
    Telemetry,
)
from linli.devices.permissions import ALARM_HANDLE, DEVICE_VIEW, RULE_MANAGE
from linli.regions.models import Region
from linli.regions.selectors import district, may

MAP_LIMIT = 2000
RAW_UP_TO = timedelta(days=2)  # longer ranges are drawn from the hourly aggregates
MAX_RAW_POINTS = 5000


def devices_visible(*, user: Any, action: str = DEVICE_VIEW) -> QuerySet[Device]:
    active = Alarm.objects.filter(device=OuterRef("pk"), cleared_at__isnull=True)
    return (
        Device.objects.visible_to(user, action)
        .select_related("grid", "profile", "building", "house")
        .annotate(alarmed=Exists(active))
    )


def device_list(*, user: Any, filters: DeviceFilter) -> QuerySet[Device]:
    return filters.apply(devices_visible(user=user), user=user).order_by("grid__path", "key")


def device_state(device: Device) -> str:
    """The device's colour on maps and lists: alarm, online, offline or retired."""
    if device.retired_at is not None:
        return "retired"
    if getattr(device, "alarmed", False):
        return "alarm"
    return "online" if device.online else "offline"


def device_map(*, user: Any, filters: DeviceFilter) -> list[dict[str, Any]]:
    """The located devices of the list (at most MAP_LIMIT) for static/linli/map.js."""
    found = device_list(user=user, filters=filters).filter(longitude__isnull=False)
    return [
        {
            "at": [float(d.longitude), float(d.latitude)],  # type: ignore[arg-type]
            "label": f"{d.name} · {d.profile.name}",
            "code": d.key,
            "url": reverse("devices:device-detail", args=[d.pk]),
            "state": device_state(d),
        }
        for d in found[:MAP_LIMIT]
    ]


def grid_outlines(*, user: Any, filters: DeviceFilter) -> dict[str, Any]:
    """The boundaries of the user's grids (below the list's region): the map's ground."""
    grids = Region.objects.visible_to(user, DEVICE_VIEW)
    if filters.region:
        path = Region.objects.filter(code=filters.region).values_list("path", flat=True).get()
        grids = grids.filter(path__startswith=path)
    found: dict[str, Any] = grid_boundaries(grids)
    return found


def alarms_visible(*, user: Any, action: str = DEVICE_VIEW) -> QuerySet[Alarm]:
    return Alarm.objects.visible_to(user, action).select_related(
        "device__grid", "device__building", "device__profile", "alarm_type", "assignee"
    )


def alarm_list(*, user: Any, filters: AlarmFilter) -> QuerySet[Alarm]:
    return filters.apply(alarms_visible(user=user), user=user).order_by("-started_at", "-pk")


def alarm_changes(*, alarm: Alarm) -> QuerySet[AlarmChange]:
    return alarm.changes.select_related("actor")


def open_alarm_counts(*, user: Any, region_field: str = "", pks: Any = None) -> dict[str, int]:
    """Active alarms by severity, gravest first (every severity, zeros too)."""
    found = Alarm.objects.visible_to(user).active()
    if pks is not None:
        found = found.filter(**{f"{region_field}__in": pks})
    counts = dict(
        found.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    return {s.value: counts.get(s.value, 0) for s in Severity}


def assignable(*, alarm: Alarm) -> QuerySet[User]:
    """Who may follow an alarm up: people who may handle alarms at its device's grid."""
    return people_who_may(ALARM_HANDLE, alarm.device.grid)


@dataclass(frozen=True)
class ShownValue:
    key: str
    label: str
    unit: str
    value: str
    at: datetime


def latest_values(*, device: Device) -> list[ShownValue]:
    """The device's last value of each key, labelled as its profile says (keys the
    profile does not know last)."""
    keys = {k.key: k for k in device.profile.keys.all()}
    order = {k: i for i, k in enumerate(keys)}
    shown = []
    for row in LatestValue.objects.filter(device=device):
        known = keys.get(row.key)
        shown.append(
            ShownValue(
                key=row.key,
                label=known.label if known else row.key,
                unit=known.unit if known else "",
                value=_shown(row.value, row.text, known),
                at=row.ts,
            )
        )
    return sorted(shown, key=lambda v: (order.get(v.key, len(order)), v.key))


def reported_keys(*, device: Device) -> set[str]:
    """The keys the device has sent a value of."""
    return set(LatestValue.objects.filter(device=device).values_list("key", flat=True))


def _shown(value: float | None, text: str | None, key: ProfileKey | None) -> str:
    if text is not None:
        return text
    if value is None:
        return "—"
    if key is not None and key.type == "boolean":
        return "1" if value else "0"
    return f"{value:g}"


def history(*, device: Device, key: str, since: datetime, until: datetime) -> dict[str, Any]:
    """A key's values over a range, for the chart and the API: the stored values for
    ranges up to RAW_UP_TO (the newest MAX_RAW_POINTS), hourly mean, minimum and
    maximum beyond."""
    if until - since <= RAW_UP_TO:
        rows = (
            Telemetry.objects.filter(
                device=device, key=key, ts__gte=since, ts__lt=until, value__isnull=False
            )
            .order_by("-ts")
            .values_list("ts", "value")[:MAX_RAW_POINTS]
        )
        points = [[ts.isoformat(), value] for ts, value in reversed(list(rows))]
        return {"key": key, "aggregation": "raw", "points": points}
    hours = HourlyAggregate.objects.filter(
        device=device, key=key, hour__gte=since, hour__lt=until
    ).order_by("hour")
    return {
        "key": key,
        "aggregation": "hour",
        "points": [
            [h.hour.isoformat(), round(h.total / h.count, 3), h.minimum, h.maximum]
            for h in hours
            if h.count
        ],
    }


# Client attributes ThingsBoard devices and gateways commonly report, by name.
ATTRIBUTE_LABELS = {
    "firmware": _("Firmware version"),
    "firmwareVersion": _("Firmware version"),
    "fw_version": _("Firmware version"),
    "fwVersion": _("Firmware version"),
    "hardware": _("Hardware version"),
    "hw_version": _("Hardware version"),
    "model": _("Model"),
    "manufacturer": _("Manufacturer"),
    "vendor": _("Manufacturer"),
    "serialNumber": _("Serial number"),
    "serial": _("Serial number"),
    "imei": "IMEI",
    "iccid": "ICCID",
    "mac": _("MAC address"),
    "ip": _("IP address"),
    "ipAddress": _("IP address"),
    "protocol": _("Protocol"),
    "interval": _("Reporting interval"),
}


@dataclass(frozen=True)
class ShownAttribute:
    name: str  # as the device reports it
    label: str  # in words where known, else the name
    value: str


def _words(value: Any) -> str:
    if value is None or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(_words(v) for v in value) or "—"
    return str(value)


def _flattened(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        found: list[tuple[str, Any]] = []
        for name in sorted(value):
            found += _flattened(f"{prefix}.{name}" if prefix else str(name), value[name])
        return found
    return [(prefix, value)]


def device_attributes(*, device: Device) -> list[ShownAttribute]:
    """The client attributes the device has reported (ThingsBoard's
    `v1/devices/me/attributes`), one row a value: nested objects as dotted names,
    lists joined, yes/no in words, known names labelled."""
    if not device.attributes:
        return []
    return [
        ShownAttribute(name, str(ATTRIBUTE_LABELS.get(name, name)), _words(value))
        for name, value in _flattened("", device.attributes)
    ]


def rejections(*, device: Device) -> QuerySet[DeviceRejection]:
    return device.rejections.order_by("-count")


def with_key_labels(rules: Any, keys: Any) -> list[AlarmRule]:
    """The rules, each with `key_label`: its key's label as the profile names it."""
    labels: dict[str, str] = {}
    for key in keys:
        labels.setdefault(key.key, key.label)
    found = list(rules)
    for rule in found:
        rule.key_label = labels.get(rule.key, rule.key)
    return found


@dataclass(frozen=True)
class EffectiveRule:
    rule: AlarmRule
    source: str  # "device", "building" or "profile"
    applies: bool  # False: a nearer rule of the same alarm type overrides it


def effective_rules(*, device: Device) -> list[EffectiveRule]:
    """The rules of a device: its own, its building's and its profile's; of each alarm
    type the nearest applies (device, then building, then profile)."""
    where = Q(device=device) | Q(profile_id=device.profile_id)
    if device.building_id is not None:
        where |= Q(building_id=device.building_id)
    rules = with_key_labels(
        AlarmRule.objects.filter(where).select_related("alarm_type"), device.profile.keys.all()
    )
    rank = {"device": 0, "building": 1, "profile": 2}
    found = [
        (r, "device" if r.device_id else "building" if r.building_id else "profile") for r in rules
    ]
    found.sort(key=lambda item: (item[0].alarm_type.name, rank[item[1]], item[0].pk))
    nearest: dict[int, str] = {}
    for r, source in found:
        nearest.setdefault(r.alarm_type_id, source)
    return [EffectiveRule(r, s, nearest[r.alarm_type_id] == s) for r, s in found]


def profiles() -> QuerySet[DeviceProfile]:
    return DeviceProfile.objects.annotate(
        device_count=Count("devices", filter=Q(devices__retired_at__isnull=True), distinct=True),
        key_count=Count("keys", distinct=True),
    ).order_by("name")


def profile_detail() -> QuerySet[DeviceProfile]:
    return DeviceProfile.objects.prefetch_related(
        "keys",
        Prefetch("rules", queryset=AlarmRule.objects.select_related("alarm_type")),
    )


def alarm_types() -> QuerySet[AlarmType]:
    """Every alarm type with its case category, how many rules raise it and how many
    of its alarms are active."""
    return (
        AlarmType.objects.select_related("case_category__parent")
        .annotate(
            rule_count=Count("rules", distinct=True),
            active_count=Count("alarms", filter=Q(alarms__cleared_at__isnull=True), distinct=True),
        )
        .order_by("name")
    )


def alarm_type_rules(alarm_type: AlarmType) -> list[AlarmRule]:
    """The profiles' rules that raise alarms of a type (buildings' and devices' own rules
    are their regions' and stay on their pages), labelled."""
    rules = list(
        AlarmRule.objects.filter(alarm_type=alarm_type, profile__isnull=False)
        .select_related("profile", "alarm_type")
        .order_by("profile__name", "pk")
    )
    labels: dict[tuple[int | None, str], str] = {
        (k.profile_id, k.key): k.label
        for k in ProfileKey.objects.filter(profile__in={r.profile_id for r in rules})
    }
    for rule in rules:
        rule.key_label = labels.get((rule.profile_id, rule.key), rule.key)  # type: ignore[attr-defined]
    return rules


def case_categories() -> QuerySet[Category]:
    """The categories an alarm may open a case in: active ones at the lowest level."""
    return (
        Category.objects.filter(active=True, children__isnull=True)
        .select_related("parent")
        .order_by("parent__order", "parent__name", "order", "name")
    )


def may_configure_profiles(user: Any) -> bool:
    """Profiles and their rules apply everywhere: `rule.manage` over the district."""
    return bool(user.has_action(RULE_MANAGE)) and may(user, district(), RULE_MANAGE)


def rules_visible(*, user: Any, action: str = DEVICE_VIEW) -> QuerySet[AlarmRule]:
    """Rules the user may see: every profile's, and the buildings' and devices' rules
    in their scope."""
    buildings = Q(building__grid__in=_grid_keys(user, action))
    devices = Q(device__grid__in=_grid_keys(user, action))
    return AlarmRule.objects.filter(Q(profile__isnull=False) | buildings | devices).select_related(
        "alarm_type", "profile", "building__grid", "device__grid", "device__profile"
    )


def _grid_keys(user: Any, action: str) -> QuerySet[Region, Any]:
    return Region.objects.visible_to(user, action).values("pk")


def notification_rules_visible(
    *, user: Any, action: str = DEVICE_VIEW
) -> QuerySet[NotificationRule]:
    return NotificationRule.objects.visible_to(user, action).select_related("region")


def alarm_case(alarm: Alarm, user: Any) -> Case | None:
    """The case the alarm opened, if `user` may see it (the alarm's page links it;
    the case's page shows the alarm as its origin)."""
    return cases_raised_by(alarm, user=user).select_related("category").first()
