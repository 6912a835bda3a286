"""Every write of the devices app but the ingestion path (`ingestion.py`)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core import events
from linli.devices.choices import SEVERITY_RANK, AlarmAction, Severity
from linli.devices.credentials import credentials_refresh_on_commit
from linli.devices.events import AlarmMoved, AlarmRaised
from linli.devices.models import Alarm, AlarmChange, AlarmRule, AlarmType, Device, DeviceProfile
from linli.devices.permissions import ALARM_HANDLE, DEVICE_MANAGE
from linli.devices.tokens import new_token, token_digest
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
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
    return alarm


def _id(by: Any) -> int | None:
    return None if by is None else int(by.pk)
