"""The devices API: devices and their values, alarms and their lifecycle, alarm rules,
profiles and their keys, notification rules. Every list and object is the caller's
(`visible_to`): 404 outside."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.cases.models import Category
from linli.core.access import requires
from linli.core.routers import Router
from linli.core.xlsx import xlsx_openapi
from linli.devices import selectors, services, sheet
from linli.devices.exports import DEVICES
from linli.devices.filters import AlarmFilter, DeviceFilter
from linli.devices.models import (
    Alarm,
    AlarmRule,
    AlarmType,
    Device,
    DeviceProfile,
    NotificationRule,
    ProfileKey,
)
from linli.devices.permissions import ALARM_HANDLE, DEVICE_MANAGE, DEVICE_VIEW, RULE_MANAGE
from linli.devices.schemas import (
    AlarmAssignIn,
    AlarmCommentIn,
    AlarmDetailOut,
    AlarmNoteIn,
    AlarmOut,
    AlarmRuleIn,
    AlarmRuleOut,
    AlarmRulePatch,
    AlarmTypeIn,
    AlarmTypeOut,
    AlarmTypePatch,
    DeviceDetailOut,
    DeviceIn,
    DeviceOut,
    DevicePatch,
    DeviceProfileIn,
    DeviceProfileOut,
    DeviceProfilePatch,
    DeviceTokenOut,
    HistoryOut,
    HistoryQuery,
    LatestValueOut,
    NotificationRuleIn,
    NotificationRuleOut,
    NotificationRulePatch,
    ProfileKeyIn,
    ProfileKeyOut,
    ProfileKeyPatch,
    local_time,
)
from linli.devices.workbooks import tokens_workbook
from linli.exports.api import export_answer
from linli.exports.schemas import ExportOut
from linli.exports.services import export_start
from linli.regions.models import Region
from linli.registry.models import Building, House, Organisation

router = Router(tags=["devices"])

MAX_HISTORY = timedelta(days=366)
MAX_MB = sheet.MAX_FILE_BYTES // (1024 * 1024)


def _device(request: HttpRequest, device_id: int, action: str = DEVICE_VIEW) -> Device:
    return get_object_or_404(
        selectors.devices_visible(user=request.user, action=action), pk=device_id
    )


def _organisation(request: HttpRequest, pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Choose an organisation you can see.")})
    return found


@router.get(
    "/devices", response=list[DeviceOut], operation_id="device_list", url_name="device-list"
)
@requires(DEVICE_VIEW)
@paginate
def device_list(request: HttpRequest, filters: Query[DeviceFilter]) -> QuerySet[Device]:
    """Devices in the caller's regions (not retired ones unless asked), by grid and number."""
    return selectors.device_list(user=request.user, filters=filters)


@router.get(
    "/devices/export",
    response={200: None, 202: ExportOut},
    operation_id="device_export",
    url_name="device-export",
    openapi_extra=xlsx_openapi("The devices as a device sheet (.xlsx); no token in it."),
)
@requires(DEVICE_VIEW)
def device_export(
    request: HttpRequest, filters: Query[DeviceFilter]
) -> FileResponse | Status[ExportOut]:
    """The device list as a device sheet: the same filter, audited. More than 5,000 rows
    are written in the background: 202 and the export to follow (`/api/v1/exports/{id}`)."""
    return export_answer(export_start(user=request.user, kind=DEVICES, filters=filters))


@router.post(
    "/devices",
    response={201: DeviceTokenOut},
    operation_id="device_create",
    url_name="device-create",
)
@requires(DEVICE_MANAGE)
def device_create(request: HttpRequest, payload: DeviceIn) -> Status[dict[str, Any]]:
    """Provision a device; the answer holds its access token, shown this once."""
    grid = (
        Region.objects.visible_to(request.user, DEVICE_MANAGE)
        .filter(code=payload.grid_code, level="grid", retired_at__isnull=True)
        .first()
    )
    if grid is None:
        raise ValidationError({"grid_code": _("Not a grid where you may add devices.")})
    profile = DeviceProfile.objects.filter(code=payload.profile).first()
    if profile is None:
        raise ValidationError({"profile": _("Unknown device profile.")})
    building = house = None
    if payload.building is not None:
        building = Building.objects.filter(grid=grid, pk=payload.building).first()
        if building is None:
            raise ValidationError({"building": _("No such building in the grid.")})
    if payload.house is not None:
        house = House.objects.filter(building__grid=grid, pk=payload.house).first()
        if house is None:
            raise ValidationError({"house": _("No such house in the grid.")})
    if Device.objects.filter(key=payload.key).exists():
        raise ValidationError({"key": _("A device with this number exists already.")})
    device, token = services.device_provision(
        grid=grid,
        profile=profile,
        key=payload.key,
        name=payload.name,
        building=building,
        house=house,
        longitude=payload.longitude,
        latitude=payload.latitude,
        owner=_organisation(request, payload.owner, "owner"),
        maintainer=_organisation(request, payload.maintainer, "maintainer"),
        by=request.user,
    )
    return Status(201, {"device": device, "token": token})


@router.post(
    "/devices/import",
    response={200: None},
    operation_id="device_import",
    url_name="device-import",
    openapi_extra=xlsx_openapi(
        "The new devices with their access tokens (.xlsx), answered this once."
    ),
)
@requires(DEVICE_MANAGE)
def device_import(request: HttpRequest, file: File[UploadedFile]) -> HttpResponseBase:
    """Provision the devices of an Excel sheet (the console's template, multipart field
    `file`, at most 1,000 rows and 2 MB). All or nothing: a sheet with any bad row adds
    no device and answers 422 with every error, its field `rows.<row>.<column>`; a good
    one adds them all and answers the workbook of their tokens, this once."""
    if file.size is not None and file.size > sheet.MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_MB}})
    try:
        checked = sheet.check(file.read(), user=request.user)
    except sheet.SheetError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if checked.problems:
        errors: dict[str, list[str]] = {}
        for p in checked.problems:
            errors.setdefault(f"rows.{p.row}.{p.column or '-'}", []).append(p.message)
        raise ValidationError(errors)
    made = services.devices_import(rows=checked.rows, by=signed_in_user(request))
    return tokens_workbook(made)


@router.get(
    "/devices/{device_id}",
    response=DeviceDetailOut,
    operation_id="device_get",
    url_name="device-detail",
)
@requires(DEVICE_VIEW)
def device_get(request: HttpRequest, device_id: int) -> Device:
    """A device with its health: last seen, online, battery, signal, refused messages."""
    device = _device(request, device_id)
    device.rejection_list = list(selectors.rejections(device=device))  # type: ignore[attr-defined]
    return device


@router.patch(
    "/devices/{device_id}",
    response=DeviceDetailOut,
    operation_id="device_update",
    url_name="device-update",
)
@requires(DEVICE_MANAGE)
def device_update(request: HttpRequest, device_id: int, payload: DevicePatch) -> Device:
    device = _device(request, device_id, DEVICE_MANAGE)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    for field in ("owner", "maintainer"):
        if field in changes:
            changes[field] = _organisation(request, changes[field], field)
    device = services.device_update(device=device, by=request.user, **changes)
    device.rejection_list = list(selectors.rejections(device=device))  # type: ignore[attr-defined]
    return device


@router.post(
    "/devices/{device_id}/rotate-token",
    response=DeviceTokenOut,
    operation_id="device_token_rotate",
    url_name="device-token-rotate",
)
@requires(DEVICE_MANAGE)
def device_token_rotate(request: HttpRequest, device_id: int) -> dict[str, Any]:
    """A new access token; the old one stops working at once. Shown this once."""
    device = _device(request, device_id, DEVICE_MANAGE)
    token = services.device_token_rotate(device=device, by=request.user)
    device.refresh_from_db()
    return {"device": device, "token": token}


@router.post(
    "/devices/{device_id}/retire",
    response=DeviceOut,
    operation_id="device_retire",
    url_name="device-retire",
)
@requires(DEVICE_MANAGE)
def device_retire(request: HttpRequest, device_id: int) -> Device:
    """Out of service: its token stops working, its history stays."""
    return services.device_retire(
        device=_device(request, device_id, DEVICE_MANAGE), by=request.user
    )


@router.get(
    "/devices/{device_id}/latest",
    response=list[LatestValueOut],
    operation_id="device_latest",
    url_name="device-latest",
)
@requires(DEVICE_VIEW)
def device_latest(request: HttpRequest, device_id: int) -> list[selectors.ShownValue]:
    """Each key's last value, labelled with its unit."""
    return selectors.latest_values(device=_device(request, device_id))


@router.get(
    "/devices/{device_id}/telemetry",
    response=HistoryOut,
    operation_id="device_telemetry_history",
    url_name="device-telemetry-history",
)
@requires(DEVICE_VIEW)
def device_telemetry_history(
    request: HttpRequest, device_id: int, query: Query[HistoryQuery]
) -> dict[str, Any]:
    """A key's values over a range of at most a year: stored values for ranges up to 2
    days, hourly mean, minimum and maximum beyond."""
    device = _device(request, device_id)
    until = query.until or timezone.now()
    if until <= query.since:
        raise ValidationError({"until": _("The range must end after it starts.")})
    if until - query.since > MAX_HISTORY:
        raise ValidationError({"since": _("At most a year at a time.")})
    if not device.profile.keys.filter(key=query.key).exists():
        raise ValidationError({"key": _("This key is not reported by the profile.")})
    return selectors.history(device=device, key=query.key, since=query.since, until=until)


def _alarm(request: HttpRequest, alarm_id: int, action: str = DEVICE_VIEW) -> Alarm:
    return get_object_or_404(
        selectors.alarms_visible(user=request.user, action=action), pk=alarm_id
    )


def _alarm_detail(alarm: Alarm) -> Alarm:
    alarm.change_list = list(selectors.alarm_changes(alarm=alarm))  # type: ignore[attr-defined]
    return alarm


@router.get("/alarms", response=list[AlarmOut], operation_id="alarm_list", url_name="alarm-list")
@requires(DEVICE_VIEW)
@paginate
def alarm_list(request: HttpRequest, filters: Query[AlarmFilter]) -> QuerySet[Alarm]:
    """Alarms in the caller's regions, newest first; by severity, state, type, time."""
    return selectors.alarm_list(user=request.user, filters=filters)


@router.get(
    "/alarms/{alarm_id}", response=AlarmDetailOut, operation_id="alarm_get", url_name="alarm-detail"
)
@requires(DEVICE_VIEW)
def alarm_get(request: HttpRequest, alarm_id: int) -> Alarm:
    """An alarm with its transition log."""
    return _alarm_detail(_alarm(request, alarm_id))


@router.post(
    "/alarms/{alarm_id}/acknowledge",
    response=AlarmDetailOut,
    operation_id="alarm_acknowledge",
    url_name="alarm-acknowledge",
)
@requires(ALARM_HANDLE)
def alarm_acknowledge(request: HttpRequest, alarm_id: int, payload: AlarmNoteIn) -> Alarm:
    """Seen and being handled (once: 422 if already acknowledged)."""
    alarm = _alarm(request, alarm_id, ALARM_HANDLE)
    return _alarm_detail(
        services.alarm_acknowledge(alarm=alarm, note=payload.note, by=request.user)
    )


@router.post(
    "/alarms/{alarm_id}/clear",
    response=AlarmDetailOut,
    operation_id="alarm_clear",
    url_name="alarm-clear",
)
@requires(ALARM_HANDLE)
def alarm_clear(request: HttpRequest, alarm_id: int, payload: AlarmNoteIn) -> Alarm:
    """The cause is gone (422 if already cleared)."""
    alarm = _alarm(request, alarm_id, ALARM_HANDLE)
    return _alarm_detail(services.alarm_clear(alarm=alarm, note=payload.note, by=request.user))


@router.post(
    "/alarms/{alarm_id}/comments",
    response={201: AlarmDetailOut},
    operation_id="alarm_comment",
    url_name="alarm-comment",
)
@requires(ALARM_HANDLE)
def alarm_comment(request: HttpRequest, alarm_id: int, payload: AlarmCommentIn) -> Status[Alarm]:
    alarm = _alarm(request, alarm_id, ALARM_HANDLE)
    services.alarm_comment(alarm=alarm, note=payload.note, by=request.user)
    return Status(201, _alarm_detail(alarm))


@router.post(
    "/alarms/{alarm_id}/assign",
    response=AlarmDetailOut,
    operation_id="alarm_assign",
    url_name="alarm-assign",
)
@requires(ALARM_HANDLE)
def alarm_assign(request: HttpRequest, alarm_id: int, payload: AlarmAssignIn) -> Alarm:
    """Who follows it up: someone who may handle alarms there (null: nobody)."""
    alarm = _alarm(request, alarm_id, ALARM_HANDLE)
    to = None
    if payload.to is not None:
        to = selectors.assignable(alarm=alarm).filter(username=payload.to).first()
        if to is None:
            raise ValidationError({"to": _("This person may not handle alarms here.")})
    return _alarm_detail(services.alarm_assign(alarm=alarm, to=to, by=signed_in_user(request)))


@router.get(
    "/alarm-rules",
    response=list[AlarmRuleOut],
    operation_id="alarm_rule_list",
    url_name="alarm-rule-list",
)
@requires(DEVICE_VIEW)
@paginate
def alarm_rule_list(request: HttpRequest) -> QuerySet[AlarmRule]:
    """Every profile's rules, and the buildings' and devices' own rules in the caller's
    regions."""
    return selectors.rules_visible(user=request.user).order_by("pk")


def _alarm_type(code: str) -> AlarmType:
    found = AlarmType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"alarm_type": _("Unknown alarm type.")})
    return found


def _rule(request: HttpRequest, rule_id: int) -> AlarmRule:
    return get_object_or_404(
        selectors.rules_visible(user=request.user, action=RULE_MANAGE), pk=rule_id
    )


@router.post(
    "/alarm-rules",
    response={201: AlarmRuleOut},
    operation_id="alarm_rule_create",
    url_name="alarm-rule-create",
)
@requires(RULE_MANAGE)
def alarm_rule_create(request: HttpRequest, payload: AlarmRuleIn) -> Status[AlarmRule]:
    """A profile's rule (district-wide), or a building's or device's own."""
    fields = payload.dict(exclude={"profile", "building", "device", "alarm_type"})
    for name in ("active_from", "active_until"):
        fields[name] = local_time(fields[name])
    scope: dict[str, Any] = {}
    if payload.profile is not None:
        scope["profile"] = DeviceProfile.objects.filter(code=payload.profile).first()
        if scope["profile"] is None:
            raise ValidationError({"profile": _("Unknown device profile.")})
    if payload.building is not None:
        scope["building"] = (
            Building.objects.visible_to(request.user, RULE_MANAGE)
            .filter(pk=payload.building)
            .first()
        )
        if scope["building"] is None:
            raise ValidationError({"building": _("Choose a building you may set rules for.")})
    if payload.device is not None:
        scope["device"] = (
            selectors.devices_visible(user=request.user, action=RULE_MANAGE)
            .filter(pk=payload.device)
            .first()
        )
        if scope["device"] is None:
            raise ValidationError({"device": _("Choose a device you may set rules for.")})
    rule = services.rule_create(
        alarm_type=_alarm_type(payload.alarm_type), by=request.user, **scope, **fields
    )
    return Status(201, rule)


@router.patch(
    "/alarm-rules/{rule_id}",
    response=AlarmRuleOut,
    operation_id="alarm_rule_update",
    url_name="alarm-rule-update",
)
@requires(RULE_MANAGE)
def alarm_rule_update(request: HttpRequest, rule_id: int, payload: AlarmRulePatch) -> AlarmRule:
    rule = _rule(request, rule_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    if "alarm_type" in changes:
        changes["alarm_type"] = _alarm_type(changes["alarm_type"])
    for name in ("active_from", "active_until"):
        if name in changes:
            changes[name] = local_time(changes[name])
    return services.rule_update(rule=rule, by=request.user, **changes)


@router.delete(
    "/alarm-rules/{rule_id}",
    response={204: None},
    operation_id="alarm_rule_delete",
    url_name="alarm-rule-delete",
)
@requires(RULE_MANAGE)
def alarm_rule_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    services.rule_delete(rule=_rule(request, rule_id), by=request.user)
    return Status(204, None)


def _profile_out(profile: DeviceProfile) -> DeviceProfile:
    profile.key_list = list(profile.keys.all())  # type: ignore[attr-defined]
    return profile


@router.get(
    "/device-profiles",
    response=list[DeviceProfileOut],
    operation_id="device_profile_list",
    url_name="device-profile-list",
)
@requires(DEVICE_VIEW)
def device_profile_list(request: HttpRequest) -> list[DeviceProfile]:
    """Every device profile with its telemetry keys."""
    return [_profile_out(p) for p in selectors.profile_detail().order_by("name")]


@router.post(
    "/device-profiles",
    response={201: DeviceProfileOut},
    operation_id="device_profile_create",
    url_name="device-profile-create",
)
@requires(RULE_MANAGE)
def device_profile_create(request: HttpRequest, payload: DeviceProfileIn) -> Status[DeviceProfile]:
    """A new device profile with its telemetry keys, all or nothing (district-wide: 403
    for those who set rules in a part of it only). Its rules: `POST /alarm-rules`."""
    fields = payload.dict()
    profile = services.profile_create(by=request.user, **fields)
    return Status(201, _profile_out(profile))


@router.get(
    "/device-profiles/{profile_id}",
    response=DeviceProfileOut,
    operation_id="device_profile_get",
    url_name="device-profile-detail",
)
@requires(DEVICE_VIEW)
def device_profile_get(request: HttpRequest, profile_id: int) -> DeviceProfile:
    """A device profile with its telemetry keys."""
    return _profile_out(get_object_or_404(selectors.profile_detail(), pk=profile_id))


@router.delete(
    "/device-profiles/{profile_id}",
    response={204: None},
    operation_id="device_profile_delete",
    url_name="device-profile-delete",
)
@requires(RULE_MANAGE)
def device_profile_delete(request: HttpRequest, profile_id: int) -> Status[None]:
    """Remove a profile no device uses, with its keys and default rules (422 while any
    device, retired ones too, uses it)."""
    profile = get_object_or_404(DeviceProfile, pk=profile_id)
    services.profile_delete(profile=profile, by=request.user)
    return Status(204, None)


@router.patch(
    "/device-profiles/{profile_id}",
    response=DeviceProfileOut,
    operation_id="device_profile_update",
    url_name="device-profile-update",
)
@requires(RULE_MANAGE)
def device_profile_update(
    request: HttpRequest, profile_id: int, payload: DeviceProfilePatch
) -> DeviceProfile:
    """A profile's name, description and reporting interval (district-wide: 403 for
    those who set rules in a part of it only)."""
    profile = get_object_or_404(DeviceProfile, pk=profile_id)
    changes = payload.dict(exclude_unset=True)
    return _profile_out(services.profile_update(profile=profile, by=request.user, **changes))


@router.post(
    "/device-profiles/{profile_id}/keys",
    response={201: ProfileKeyOut},
    operation_id="profile_key_create",
    url_name="profile-key-create",
)
@requires(RULE_MANAGE)
def profile_key_create(
    request: HttpRequest, profile_id: int, payload: ProfileKeyIn
) -> Status[ProfileKey]:
    profile = get_object_or_404(DeviceProfile, pk=profile_id)
    item = services.profile_key_create(profile=profile, by=request.user, **payload.dict())
    return Status(201, item)


@router.patch(
    "/profile-keys/{key_id}",
    response=ProfileKeyOut,
    operation_id="profile_key_update",
    url_name="profile-key-update",
)
@requires(RULE_MANAGE)
def profile_key_update(request: HttpRequest, key_id: int, payload: ProfileKeyPatch) -> ProfileKey:
    """A key's label, unit, physical range and order (its name and type stay)."""
    item = get_object_or_404(ProfileKey, pk=key_id)
    return services.profile_key_update(
        item=item, by=request.user, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/profile-keys/{key_id}",
    response={204: None},
    operation_id="profile_key_delete",
    url_name="profile-key-delete",
)
@requires(RULE_MANAGE)
def profile_key_delete(request: HttpRequest, key_id: int) -> Status[None]:
    """Remove a key no rule watches (422 otherwise)."""
    item = get_object_or_404(ProfileKey.objects.select_related("profile"), pk=key_id)
    services.profile_key_delete(item=item, by=request.user)
    return Status(204, None)


def _case_category(code: str | None) -> Category | None:
    if code is None:
        return None
    found = selectors.case_categories().filter(code=code).first()
    if found is None:
        raise ValidationError(
            {"case_category": _("Choose one of the active categories at the lowest level.")}
        )
    return found


@router.get(
    "/alarm-types",
    response=list[AlarmTypeOut],
    operation_id="alarm_type_list",
    url_name="alarm-type-list",
)
@requires(DEVICE_VIEW)
def alarm_type_list(request: HttpRequest) -> QuerySet[AlarmType]:
    """Every alarm type: the case category its alarms open a case in, escalation and
    reminders (a rule sets each alarm's severity)."""
    return selectors.alarm_types()


@router.post(
    "/alarm-types",
    response={201: AlarmTypeOut},
    operation_id="alarm_type_create",
    url_name="alarm-type-create",
)
@requires(RULE_MANAGE)
def alarm_type_create(request: HttpRequest, payload: AlarmTypeIn) -> Status[AlarmType]:
    """A new alarm type for rules to raise (district-wide)."""
    fields = payload.dict()
    fields["case_category"] = _case_category(fields["case_category"])
    return Status(201, services.alarm_type_create(by=request.user, **fields))


@router.patch(
    "/alarm-types/{alarm_type_id}",
    response=AlarmTypeOut,
    operation_id="alarm_type_update",
    url_name="alarm-type-update",
)
@requires(RULE_MANAGE)
def alarm_type_update(
    request: HttpRequest, alarm_type_id: int, payload: AlarmTypePatch
) -> AlarmType:
    """An alarm type's name, case category, escalation and reminders (null: none); its
    code stays."""
    item = get_object_or_404(AlarmType, pk=alarm_type_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    if "case_category" in changes:
        changes["case_category"] = _case_category(changes["case_category"])
    if changes.get("name", "") is None:
        raise ValidationError({"name": _("This field cannot be null.")})
    return services.alarm_type_update(alarm_type=item, by=request.user, **changes)


@router.get(
    "/alarm-notification-rules",
    response=list[NotificationRuleOut],
    operation_id="notification_rule_list",
    url_name="notification-rule-list",
)
@requires(DEVICE_VIEW)
@paginate
def notification_rule_list(request: HttpRequest) -> QuerySet[NotificationRule]:
    """Who hears of the alarms in the caller's regions."""
    return selectors.notification_rules_visible(user=request.user).order_by("region__path", "pk")


@router.post(
    "/alarm-notification-rules",
    response={201: NotificationRuleOut},
    operation_id="notification_rule_create",
    url_name="notification-rule-create",
)
@requires(RULE_MANAGE)
def notification_rule_create(
    request: HttpRequest, payload: NotificationRuleIn
) -> Status[NotificationRule]:
    region = (
        Region.objects.visible_to(request.user, RULE_MANAGE)
        .filter(code=payload.region_code)
        .first()
    )
    if region is None:
        raise ValidationError({"region_code": _("Choose a region where you set rules.")})
    rule = services.notification_rule_create(
        region=region, by=request.user, **payload.dict(exclude={"region_code"})
    )
    return Status(201, rule)


def _notification_rule(request: HttpRequest, rule_id: int) -> NotificationRule:
    return get_object_or_404(
        selectors.notification_rules_visible(user=request.user, action=RULE_MANAGE), pk=rule_id
    )


@router.patch(
    "/alarm-notification-rules/{rule_id}",
    response=NotificationRuleOut,
    operation_id="notification_rule_update",
    url_name="notification-rule-update",
)
@requires(RULE_MANAGE)
def notification_rule_update(
    request: HttpRequest, rule_id: int, payload: NotificationRulePatch
) -> NotificationRule:
    rule = _notification_rule(request, rule_id)
    return services.notification_rule_update(
        rule=rule, by=request.user, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/alarm-notification-rules/{rule_id}",
    response={204: None},
    operation_id="notification_rule_delete",
    url_name="notification-rule-delete",
)
@requires(RULE_MANAGE)
def notification_rule_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    services.notification_rule_delete(rule=_notification_rule(request, rule_id), by=request.user)
    return Status(204, None)
