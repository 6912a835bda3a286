"""Every write of the devices app but the ingestion path (`ingestion.py`)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases.models import Category
from linli.core import events, live
from linli.core.permissions import Role
from linli.devices.choices import (
    SEVERITY_RANK,
    AlarmAction,
    Channel,
    RuleKind,
    Severity,
    ValueType,
)
from linli.devices.credentials import credentials_refresh_on_commit
from linli.devices.events import LIVE_ALARMS, AlarmMoved, AlarmRaised
from linli.devices.models import (
    Alarm,
    AlarmChange,
    AlarmRule,
    AlarmType,
    Device,
    DeviceProfile,
    NotificationRule,
    ProfileKey,
)
from linli.devices.permissions import ALARM_HANDLE, DEVICE_MANAGE, RULE_MANAGE
from linli.devices.sheet import Row
from linli.devices.tokens import new_token, token_digest
from linli.regions.models import Region
from linli.regions.selectors import district, ensure_may, may
from linli.registry.models import Building, House, Organisation


@transaction.atomic
def device_provision(
    *,
    grid: Region,
    profile: DeviceProfile,
    key: str,
    name: str,
    building: Building | None = None,
    house: House | None = None,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    owner: Organisation | None = None,
    maintainer: Organisation | None = None,
    is_gateway: bool = False,
    by: Any,
) -> tuple[Device, str]:
    """A new device in `grid` and its access token (shown once: only its digest is
    kept). A house places it at the house's building; a building or house must be
    of the grid."""
    ensure_may(by, grid, DEVICE_MANAGE)
    if house is not None:
        building = house.building
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": _("This building is in another grid.")})
    for field, org in (("owner", owner), ("maintainer", maintainer)):
        if org is None or by is None:
            continue
        if not Organisation.objects.visible_to(by).filter(pk=org.pk).exists():
            raise ValidationError({field: _("Choose an organisation you can see.")})
    if longitude is None and building is not None:
        longitude, latitude = building.longitude, building.latitude
    token = new_token()
    device = Device(
        grid=grid,
        profile=profile,
        key=key.strip(),
        name=name.strip(),
        building=building,
        house=house,
        longitude=longitude,
        latitude=latitude,
        owner=owner,
        maintainer=maintainer,
        is_gateway=is_gateway,
        token_hash=token_digest(token),
    )
    device.full_clean()
    device.save()
    audit_record(action=AuditAction.RECORD_CREATE, actor=by, obj=device, object_label=str(device))
    credentials_refresh_on_commit()
    return device, token


@transaction.atomic
def device_update(*, device: Device, by: Any, **fields: Any) -> Device:
    """A device's name, location (longitude and latitude) and organisations."""
    unknown = fields.keys() - {"name", "longitude", "latitude", "owner", "maintainer"}
    if unknown:
        raise TypeError(f"Unknown device fields: {sorted(unknown)}")
    ensure_may(by, device.grid, DEVICE_MANAGE)
    device = Device.objects.select_for_update().select_related("grid").get(pk=device.pk)
    if device.retired_at is not None:
        raise ValidationError(_("This device is retired."))
    for field in ("owner", "maintainer"):
        org = fields.get(field)
        if (
            org is not None
            and by is not None
            and not Organisation.objects.visible_to(by).filter(pk=org.pk).exists()
        ):
            raise ValidationError({field: _("Choose an organisation you can see.")})
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    before = {name: getattr(device, name) for name in fields}
    for name, value in fields.items():
        setattr(device, name, value)
    if (device.longitude is None) != (device.latitude is None):
        raise ValidationError({"latitude": _("Give both the longitude and the latitude.")})
    device.full_clean()
    changed = sorted(name for name in fields if getattr(device, name) != before[name])
    if changed:
        device.save(update_fields=changed)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=device,
            object_label=str(device),
            details={"fields": changed},
        )
    return device


@transaction.atomic
def device_token_rotate(*, device: Device, by: Any) -> str:
    """A new token for `device`; the old one stops working at once."""
    ensure_may(by, device.grid, DEVICE_MANAGE)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.retired_at is not None:
        raise ValidationError(_("This device is retired."))
    token = new_token()
    device.token_hash = token_digest(token)
    device.token_rotated_at = timezone.now()
    device.save(update_fields=["token_hash", "token_rotated_at"])
    audit_record(action=AuditAction.TOKEN_CREATE, actor=by, obj=device, object_label=str(device))
    credentials_refresh_on_commit()
    return token


@transaction.atomic
def device_retire(*, device: Device, by: Any) -> Device:
    """Out of service: its token stops working, its history stays."""
    ensure_may(by, device.grid, DEVICE_MANAGE)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.retired_at is None:
        device.retired_at = timezone.now()
        device.online = False
        device.save(update_fields=["retired_at", "online"])
        audit_record(
            action=AuditAction.TOKEN_REVOKE, actor=by, obj=device, object_label=str(device)
        )
        credentials_refresh_on_commit()
    return device


def profiles_ensure_defaults() -> None:
    """The seeded alarm types and profiles, where missing (a test that flushed the
    database, a deployment that deleted one by mistake)."""
    from linli.devices.profiles import ensure

    ensure()


def _log(alarm: Alarm, action: str, by: Any, note: str = "", at: datetime | None = None) -> None:
    AlarmChange.objects.create(
        alarm=alarm, action=action, actor=by, note=note, at=at or timezone.now()
    )


def _locked(alarm: Alarm, by: Any) -> Alarm:
    if by is not None:
        ensure_may(by, alarm.device.grid, ALARM_HANDLE)
    return (
        Alarm.objects.select_related("device__grid", "alarm_type")
        .select_for_update(of=("self",))
        .get(pk=alarm.pk)
    )


@transaction.atomic
def alarm_raise(
    *,
    device: Device,
    alarm_type: AlarmType,
    severity: str,
    at: datetime,
    rule: AlarmRule | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Alarm, bool]:
    """The system raises an alarm of `device`: a new one, or the active alarm of the
    same type counted once more (its severity raised if graver). Returns the alarm and
    whether it is new (`AlarmRaised` is published for new ones only)."""
    active = (
        Alarm.objects.select_for_update()
        .filter(device=device, alarm_type=alarm_type, cleared_at__isnull=True)
        .first()
    )
    if active is not None:
        active.count += 1
        active.last_at = max(active.last_at, at)
        fields = ["count", "last_at"]
        if SEVERITY_RANK[Severity(severity)] < SEVERITY_RANK[Severity(active.severity)]:
            _log(active, AlarmAction.SEVERITY, None, f"{active.severity} → {severity}", at)
            active.severity = severity
            fields.append("severity")
        active.save(update_fields=fields)
        return active, False
    try:
        with transaction.atomic():
            alarm = Alarm.objects.create(
                device=device,
                alarm_type=alarm_type,
                rule=rule,
                severity=severity,
                started_at=at,
                last_at=at,
                details=details or {},
            )
    except IntegrityError:  # raised at the same moment by another worker: count it there
        return alarm_raise(
            device=device,
            alarm_type=alarm_type,
            severity=severity,
            at=at,
            rule=rule,
            details=details,
        )
    _log(alarm, AlarmAction.RAISED, None, at=at)
    _live(alarm, device)
    events.publish(
        AlarmRaised(
            alarm_id=alarm.pk, device_id=device.pk, alarm_type=alarm_type.code, severity=severity
        )
    )
    return alarm, True


@transaction.atomic
def alarm_acknowledge(*, alarm: Alarm, by: Any, note: str = "") -> Alarm:
    """Someone has seen it (and is on it). Once: a second acknowledgement is refused."""
    alarm = _locked(alarm, by)
    if alarm.acknowledged_at is not None:
        raise ValidationError(_("This alarm is already acknowledged."))
    alarm.acknowledged_at = timezone.now()
    alarm.save(update_fields=["acknowledged_at"])
    _log(alarm, AlarmAction.ACKNOWLEDGED, by, note)
    events.publish(
        AlarmMoved(alarm_id=alarm.pk, action=AlarmAction.ACKNOWLEDGED, actor_id=_id(by), note=note)
    )
    _live(alarm, alarm.device)
    return alarm


@transaction.atomic
def alarm_clear(*, alarm: Alarm, by: Any, note: str = "", acknowledge: bool = False) -> Alarm:
    """The cause is gone: by a person, by the rule (its condition ended: `by` None), or
    by the closing of the case it opened (`acknowledge`: closing it is handling it)."""
    alarm = _locked(alarm, by)
    if alarm.cleared_at is not None:
        raise ValidationError(_("This alarm is already cleared."))
    now = timezone.now()
    alarm.cleared_at = now
    fields = ["cleared_at"]
    if acknowledge and alarm.acknowledged_at is None:
        alarm.acknowledged_at = now
        fields.append("acknowledged_at")
        _log(alarm, AlarmAction.ACKNOWLEDGED, by, note, now)
    alarm.save(update_fields=fields)
    _log(alarm, AlarmAction.CLEARED, by, note, now)
    events.publish(
        AlarmMoved(alarm_id=alarm.pk, action=AlarmAction.CLEARED, actor_id=_id(by), note=note)
    )
    _live(alarm, alarm.device)
    return alarm


@transaction.atomic
def alarm_comment(*, alarm: Alarm, note: str, by: Any) -> AlarmChange:
    """A note on the alarm's log (what was found, who was called)."""
    alarm = _locked(alarm, by)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write the comment.")})
    if len(note) > 500:
        raise ValidationError({"note": _("At most 500 characters.")})
    return AlarmChange.objects.create(
        alarm=alarm, action=AlarmAction.COMMENTED, actor=by, note=note
    )


@transaction.atomic
def alarm_assign(*, alarm: Alarm, to: Any, by: Any) -> Alarm:
    """Who follows it up: someone who may handle alarms where the device is."""
    alarm = _locked(alarm, by)
    if to is not None and not may(to, alarm.device.grid, ALARM_HANDLE):
        raise ValidationError({"to": _("This person may not handle alarms here.")})
    alarm.assignee = to
    alarm.save(update_fields=["assignee"])
    label = to.get_full_name() or to.username if to is not None else ""
    _log(alarm, AlarmAction.ASSIGNED, by, label)
    events.publish(
        AlarmMoved(alarm_id=alarm.pk, action=AlarmAction.ASSIGNED, actor_id=_id(by), note=label)
    )
    _live(alarm, alarm.device)
    return alarm


def _live(alarm: Alarm, device: Device) -> None:
    """Open alarm inboxes in scope fetch their rows and counts again (linli.core.live)."""
    live.publish(LIVE_ALARMS, path=device.grid.path, data={"alarm": alarm.pk})


def _id(by: Any) -> int | None:
    return None if by is None else int(by.pk)


# --- configuration: alarm rules, profiles and their keys, notification rules ----------
#
# Profiles and their rules apply everywhere: changing them takes `rule.manage` over the
# whole district. A building's or device's rule takes it where the building or device is;
# a notification rule, at its region.

RULE_FIELDS = (
    "alarm_type",
    "severity",
    "kind",
    "key",
    "operator",
    "threshold",
    "duration",
    "minutes",
    "active_from",
    "active_until",
    "clears",
    "enabled",
)


def _rule_scope_region(rule: AlarmRule) -> Region:
    if rule.device_id is not None:
        return rule.device.grid  # type: ignore[union-attr]
    if rule.building_id is not None:
        return rule.building.grid  # type: ignore[union-attr]
    return district()


def _keys_for(rule: AlarmRule) -> dict[str, set[str]]:
    """The telemetry keys a rule may watch and their types: its profile's (a device's
    profile), or, for a building, those of every profile."""
    if rule.device_id is not None:
        keys = ProfileKey.objects.filter(profile_id=rule.device.profile_id)  # type: ignore[union-attr]
    elif rule.profile_id is not None:
        keys = ProfileKey.objects.filter(profile_id=rule.profile_id)
    else:
        keys = ProfileKey.objects.all()
    found: dict[str, set[str]] = {}
    for key, kind in keys.values_list("key", "type"):
        found.setdefault(key, set()).add(kind)
    return found


def _rule_check(rule: AlarmRule) -> None:
    """A rule that can be evaluated: a known key of a fitting type, and what its kind
    needs (an operator and a threshold, minutes, a whole schedule)."""
    errors: dict[str, str] = {}
    rule.key = rule.key.strip()
    if rule.kind in (RuleKind.THRESHOLD, RuleKind.RATE, RuleKind.BOOLEAN) and not rule.key:
        errors["key"] = _("Choose the key this rule watches.")
    elif rule.key:
        types = _keys_for(rule).get(rule.key)
        wanted = ValueType.BOOLEAN if rule.kind == RuleKind.BOOLEAN else ValueType.NUMBER
        if types is None:
            errors["key"] = _("This key is not reported by the profile.")
        elif rule.kind != RuleKind.NO_DATA and wanted not in types:
            errors["key"] = (
                _("A yes/no trigger watches a yes/no key.")
                if wanted == ValueType.BOOLEAN
                else _("A threshold or rate watches a number key.")
            )
    if rule.kind in (RuleKind.THRESHOLD, RuleKind.RATE):
        if not rule.operator:
            errors["operator"] = _("Choose the comparison.")
        if rule.threshold is None:
            errors["threshold"] = _("Enter the threshold.")
    else:
        rule.operator, rule.threshold = "", None
    if rule.kind == RuleKind.NO_DATA:
        if rule.minutes is None:
            errors["minutes"] = _("Enter after how many minutes without data.")
    else:
        rule.minutes = None
    if (rule.active_from is None) != (rule.active_until is None):
        errors["active_until"] = _("Give both times of the schedule, or neither.")
    elif rule.active_from is not None and rule.active_from == rule.active_until:
        errors["active_until"] = _("The schedule must not start and end at the same time.")
    if errors:
        raise ValidationError(errors)
    rule.full_clean()


def _rule_label(rule: AlarmRule) -> str:
    where = rule.device or rule.building or rule.profile
    return f"{rule.alarm_type.name} · {where}"


@transaction.atomic
def rule_create(
    *,
    profile: DeviceProfile | None = None,
    building: Building | None = None,
    device: Device | None = None,
    by: Any,
    **fields: Any,
) -> AlarmRule:
    """A rule of a profile, or a building's or device's own (it overrides the
    profile's rule of the same alarm type). `fields`: RULE_FIELDS."""
    if sum(x is not None for x in (profile, building, device)) != 1:
        raise ValidationError(_("A rule belongs to one profile, one building or one device."))
    unknown = fields.keys() - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields: {sorted(unknown)}")
    rule = AlarmRule(profile=profile, building=building, device=device, **fields)
    ensure_may(by, _rule_scope_region(rule), RULE_MANAGE)
    _rule_check(rule)
    rule.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=rule,
        region=_rule_scope_region(rule),
        object_label=_rule_label(rule),
        details={"kind": rule.kind, "key": rule.key, "severity": rule.severity},
    )
    return rule


@transaction.atomic
def rule_update(*, rule: AlarmRule, by: Any, **fields: Any) -> AlarmRule:
    """Change a rule (`fields`: RULE_FIELDS); the audit entry names what changed."""
    unknown = fields.keys() - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields: {sorted(unknown)}")
    rule = AlarmRule.objects.select_for_update().get(pk=rule.pk)
    region = _rule_scope_region(rule)
    ensure_may(by, region, RULE_MANAGE)
    before = {name: getattr(rule, name) for name in RULE_FIELDS}
    for name, value in fields.items():
        setattr(rule, name, value)
    _rule_check(rule)
    changed = sorted(name for name in RULE_FIELDS if getattr(rule, name) != before[name])
    if changed:
        rule.save()
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=rule,
            region=region,
            object_label=_rule_label(rule),
            details={"fields": changed},
        )
    return rule


@transaction.atomic
def rule_delete(*, rule: AlarmRule, by: Any) -> None:
    """Remove a rule; its alarms stay (they forget the rule)."""
    region = _rule_scope_region(rule)
    ensure_may(by, region, RULE_MANAGE)
    label, pk = _rule_label(rule), rule.pk
    rule.delete()
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        object_type="devices.alarmrule",
        object_id=str(pk),
        region=region,
        object_label=label,
    )


PROFILE_FIELDS = ("name", "description", "interval")
KEY_FIELDS = ("label", "unit", "minimum", "maximum", "order")


@transaction.atomic
def profile_update(*, profile: DeviceProfile, by: Any, **fields: Any) -> DeviceProfile:
    """A profile's name, description and reporting interval (district-wide)."""
    ensure_may(by, district(), RULE_MANAGE)
    unknown = fields.keys() - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    profile = DeviceProfile.objects.select_for_update().get(pk=profile.pk)
    changed = sorted(name for name, value in fields.items() if getattr(profile, name) != value)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean()
    if changed:
        profile.save(update_fields=changed)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=profile,
            region=district(),
            object_label=profile.name,
            details={"fields": changed},
        )
    return profile


@transaction.atomic
def profile_create(
    *,
    code: str,
    name: str,
    interval: int,
    description: str = "",
    keys: Sequence[Mapping[str, Any]] = (),
    by: Any,
) -> DeviceProfile:
    """A new kind of device (district-wide) with its telemetry keys: all or nothing.
    `keys`: mappings of `key`, `type` and KEY_FIELDS; a key's error is named
    `keys.<n>.<field>` (n from 0)."""
    ensure_may(by, district(), RULE_MANAGE)
    code = code.strip()
    if DeviceProfile.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A device profile with this code exists already.")})
    profile = DeviceProfile(
        code=code, name=name.strip(), description=description.strip(), interval=interval
    )
    profile.full_clean()
    profile.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=profile,
        region=district(),
        object_label=profile.name,
        details={"code": profile.code, "keys": [str(k.get("key", "")) for k in keys]},
    )
    seen: set[str] = set()
    for n, spec in enumerate(keys):
        fields = dict(spec)
        key, kind = str(fields.pop("key", "")).strip(), str(fields.pop("type", ""))
        unknown = fields.keys() - set(KEY_FIELDS)
        if unknown:
            raise TypeError(f"Unknown key fields: {sorted(unknown)}")
        try:
            if key in seen:
                raise ValidationError({"key": _("The profile already has this key.")})
            seen.add(key)
            item = ProfileKey(profile=profile, key=key, type=kind, **fields)
            _key_check(item)
        except ValidationError as exc:
            raise ValidationError(
                {f"keys.{n}.{field}": errors for field, errors in exc.message_dict.items()}
            ) from None
        item.save()
    return profile


@transaction.atomic
def profile_delete(*, profile: DeviceProfile, by: Any) -> None:
    """Remove a profile no device uses (retired devices too: they keep its keys'
    history); its keys and default rules go with it."""
    ensure_may(by, district(), RULE_MANAGE)
    profile = DeviceProfile.objects.select_for_update().get(pk=profile.pk)
    used = profile.devices.count()
    if used:
        raise ValidationError(
            ngettext(
                "%(n)s device uses this profile: it cannot be removed.",
                "%(n)s devices use this profile: it cannot be removed.",
                used,
            )
            % {"n": used}
        )
    label, pk, code = profile.name, profile.pk, profile.code
    profile.delete()
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        object_type="devices.deviceprofile",
        object_id=str(pk),
        region=district(),
        object_label=label,
        details={"code": code},
    )


ALARM_TYPE_FIELDS = ("name", "case_category", "escalate_after", "remind_every")


def _alarm_type_check(item: AlarmType) -> None:
    item.name = item.name.strip()
    category = item.case_category
    if category is not None and (not category.active or category.children.exists()):
        raise ValidationError(
            {"case_category": _("Choose one of the active categories at the lowest level.")}
        )
    item.full_clean()


@transaction.atomic
def alarm_type_create(
    *,
    code: str,
    name: str,
    case_category: Category | None = None,
    escalate_after: int | None = None,
    remind_every: int | None = None,
    by: Any,
) -> AlarmType:
    """A new alarm type (district-wide) for rules to raise: whether its alarms open a
    case and in which category, when an unacknowledged one escalates, how often one
    not cleared is recalled."""
    ensure_may(by, district(), RULE_MANAGE)
    code = code.strip()
    if AlarmType.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An alarm type with this code exists already.")})
    item = AlarmType(
        code=code,
        name=name,
        case_category=case_category,
        escalate_after=escalate_after,
        remind_every=remind_every,
    )
    _alarm_type_check(item)
    item.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=item,
        region=district(),
        object_label=item.name,
        details={"code": item.code},
    )
    return item


@transaction.atomic
def alarm_type_update(*, alarm_type: AlarmType, by: Any, **fields: Any) -> AlarmType:
    """An alarm type's name, case category, escalation and reminders (`fields`:
    ALARM_TYPE_FIELDS; its code stays: rules, events and the API name it). Applies to
    alarms already active from the next escalation sweep."""
    ensure_may(by, district(), RULE_MANAGE)
    unknown = fields.keys() - set(ALARM_TYPE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown alarm type fields: {sorted(unknown)}")
    item = AlarmType.objects.select_for_update().get(pk=alarm_type.pk)
    before = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    _alarm_type_check(item)
    changed = sorted(name for name in fields if getattr(item, name) != before[name])
    if changed:
        item.save(update_fields=changed)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=item,
            region=district(),
            object_label=item.name,
            details={"fields": changed},
        )
    return item


def _key_check(key: ProfileKey) -> None:
    key.label, key.unit = key.label.strip(), key.unit.strip()
    if key.type == ValueType.TEXT and (key.minimum is not None or key.maximum is not None):
        raise ValidationError({"minimum": _("A text key has no range.")})
    if key.type == ValueType.BOOLEAN:
        key.minimum, key.maximum = 0, 1
    if key.minimum is not None and key.maximum is not None and key.minimum > key.maximum:
        raise ValidationError({"maximum": _("The minimum must not exceed the maximum.")})
    key.full_clean()


@transaction.atomic
def profile_key_create(
    *, profile: DeviceProfile, key: str, type: str, by: Any, **fields: Any
) -> ProfileKey:
    """A telemetry key more for a profile's devices (`fields`: KEY_FIELDS)."""
    ensure_may(by, district(), RULE_MANAGE)
    unknown = fields.keys() - set(KEY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown key fields: {sorted(unknown)}")
    item = ProfileKey(profile=profile, key=key.strip(), type=type, **fields)
    _key_check(item)
    item.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=item,
        region=district(),
        object_label=f"{profile.name} · {item.key}",
    )
    return item


@transaction.atomic
def profile_key_update(*, item: ProfileKey, by: Any, **fields: Any) -> ProfileKey:
    """A key's label, unit, physical range and order (its name and type stay: stored
    values and rules depend on them)."""
    ensure_may(by, district(), RULE_MANAGE)
    unknown = fields.keys() - set(KEY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown key fields: {sorted(unknown)}")
    item = ProfileKey.objects.select_for_update().select_related("profile").get(pk=item.pk)
    changed = sorted(name for name, value in fields.items() if getattr(item, name) != value)
    for name, value in fields.items():
        setattr(item, name, value)
    _key_check(item)
    if changed:
        item.save()
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=item,
            region=district(),
            object_label=f"{item.profile.name} · {item.key}",
            details={"fields": changed},
        )
    return item


@transaction.atomic
def profile_key_delete(*, item: ProfileKey, by: Any) -> None:
    """Remove a key no rule watches (its stored values stay)."""
    ensure_may(by, district(), RULE_MANAGE)
    watching = AlarmRule.objects.filter(key=item.key).filter(
        Q(profile_id=item.profile_id) | Q(device__profile_id=item.profile_id)
    )
    if watching.exists():
        raise ValidationError(_("Rules watch this key: change or remove them first."))
    label, pk = f"{item.profile.name} · {item.key}", item.pk
    item.delete()
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        object_type="devices.profilekey",
        object_id=str(pk),
        region=district(),
        object_label=label,
    )


def _notification_check(rule: NotificationRule) -> None:
    errors: dict[str, str] = {}
    roles = {role.value for role in Role}
    if not rule.roles or not set(rule.roles) <= roles:
        errors["roles"] = _("Choose at least one role.")
    if not rule.severities or not set(rule.severities) <= set(Severity.values):
        errors["severities"] = _("Choose at least one severity.")
    if not rule.channels or not set(rule.channels) <= set(Channel.values):
        errors["channels"] = _("Choose at least one channel.")
    if errors:
        raise ValidationError(errors)
    order = {value: i for i, value in enumerate([r.value for r in Role])}
    rule.roles = sorted(set(rule.roles), key=order.__getitem__)
    rule.severities = [s for s in Severity.values if s in rule.severities]
    rule.channels = [c for c in Channel.values if c in rule.channels]


@transaction.atomic
def notification_rule_create(
    *,
    region: Region,
    roles: list[str],
    severities: list[str],
    channels: list[str],
    enabled: bool = True,
    by: Any,
) -> NotificationRule:
    """Who hears of the alarms in `region` (and below): people holding `roles` there,
    of `severities`, through `channels`."""
    ensure_may(by, region, RULE_MANAGE)
    rule = NotificationRule(
        region=region, roles=roles, severities=severities, channels=channels, enabled=enabled
    )
    _notification_check(rule)
    rule.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=rule,
        object_label=region.name,
        details={"roles": rule.roles, "severities": rule.severities, "channels": rule.channels},
    )
    return rule


@transaction.atomic
def notification_rule_update(*, rule: NotificationRule, by: Any, **fields: Any) -> NotificationRule:
    """Change who hears, of what and how (`roles`, `severities`, `channels`,
    `enabled`); the region stays."""
    unknown = fields.keys() - {"roles", "severities", "channels", "enabled"}
    if unknown:
        raise TypeError(f"Unknown notification rule fields: {sorted(unknown)}")
    rule = NotificationRule.objects.select_for_update().select_related("region").get(pk=rule.pk)
    ensure_may(by, rule.region, RULE_MANAGE)
    before = {name: getattr(rule, name) for name in fields}
    for name, value in fields.items():
        setattr(rule, name, value)
    _notification_check(rule)
    changed = sorted(name for name in fields if getattr(rule, name) != before[name])
    if changed:
        rule.save(update_fields=changed)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=rule,
            object_label=rule.region.name,
            details={"fields": changed},
        )
    return rule


@transaction.atomic
def notification_rule_delete(*, rule: NotificationRule, by: Any) -> None:
    ensure_may(by, rule.region, RULE_MANAGE)
    region, pk = rule.region, rule.pk
    rule.delete()
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        object_type="devices.notificationrule",
        object_id=str(pk),
        region=region,
        object_label=region.name,
    )


@transaction.atomic
def devices_import(*, rows: list[Row], by: Any) -> list[tuple[Device, str]]:
    """Provision every checked row of a sheet (linli/devices/sheet.py) in one
    transaction: all or nothing. Returns the devices and their tokens, which the caller
    hands out once; the hand-out is audited as an export."""
    made = [
        device_provision(
            grid=row.grid,
            profile=row.profile,
            key=row.key,
            name=row.name,
            building=row.building,
            house=row.house,
            longitude=row.longitude,
            latitude=row.latitude,
            owner=row.owner,
            maintainer=row.maintainer,
            by=by,
        )
        for row in rows
    ]
    audit_record(
        action=AuditAction.EXPORT,
        actor=by,
        object_type="devices.device",
        object_label=_("Access tokens of provisioned devices"),
        region=made[0][0].grid if len({d.grid_id for d, _t in made}) == 1 else home_region(user=by),
        details={"rows": len(made), "format": "xlsx", "kind": "devices.tokens"},
    )
    return made
