"""The devices API's bodies and answers. A device's access token appears in exactly two
answers: provisioning and rotation (`DeviceTokenOut`); it is never stored in clear."""

from datetime import datetime, time
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from linli.core.permissions import Role
from linli.core.schemas import Id
from linli.devices.choices import (
    AlarmAction,
    AlarmState,
    Channel,
    Operator,
    Rejection,
    RuleKind,
    Severity,
    ValueType,
)
from linli.devices.models import AlarmRule

# A time of day, local (the district's time zone): "23:00". JSON Schema's `time` format
# would ask for an offset, which a schedule in local time has not.
LOCAL_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


def local_time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


LONGITUDE = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
LATITUDE = Field(None, ge=-90, le=90, max_digits=8, decimal_places=6)


class DeviceOut(Schema):
    id: int
    key: str = Field(description="The number on the device (its serial).")
    name: str
    profile: str = Field(alias="profile.code")
    grid_code: str = Field(alias="grid.code")
    building: int | None = Field(None, alias="building_id")
    house: int | None = Field(None, alias="house_id")
    longitude: Decimal | None
    latitude: Decimal | None
    online: bool
    last_seen_at: datetime | None
    battery: int | None = Field(description="Battery, %.")
    signal: int | None = Field(description="Signal, dBm.")
    retired_at: datetime | None


class RejectionOut(Schema):
    reason: Rejection
    count: int
    last_at: datetime
    last_detail: str


class DeviceDetailOut(DeviceOut):
    owner: int | None = Field(None, alias="owner_id")
    maintainer: int | None = Field(None, alias="maintainer_id")
    token_rotated_at: datetime = Field(description="When its current token was issued.")
    created_at: datetime
    rejections: list[RejectionOut] = Field(alias="rejection_list")


class DeviceIn(Schema):
    grid_code: str = Field(max_length=15, description="The grid it is placed in.")
    profile: str = Field(max_length=40, description="A profile's code.")
    key: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=100)
    building: Id | None = Field(None, description="A building of the grid.")
    house: Id | None = Field(None, description="A house of the grid (its building follows).")
    longitude: Decimal | None = LONGITUDE
    latitude: Decimal | None = LATITUDE
    owner: Id | None = Field(None, description="The organisation that owns it.")
    maintainer: Id | None = Field(None, description="The organisation that maintains it.")


class DevicePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    longitude: Decimal | None = LONGITUDE
    latitude: Decimal | None = LATITUDE
    owner: Id | None = None
    maintainer: Id | None = None


class DeviceTokenOut(Schema):
    """Shown once: keep it; Linli keeps only its digest."""

    device: DeviceOut
    token: str = Field(description="The access token (MQTT user name, HTTP path).")


class LatestValueOut(Schema):
    key: str
    label: str
    unit: str
    value: str
    at: datetime


class HistoryQuery(Schema):
    key: str = Field(max_length=32, description="A telemetry key of the device.")
    since: datetime = Field(description="From (ISO 8601 with offset).")
    until: datetime | None = Field(None, description="Until (default: now).")


class HistoryOut(Schema):
    key: str
    aggregation: Literal["raw", "hour"] = Field(
        description="raw: the stored values (ranges up to 2 days); hour: hourly figures."
    )
    points: list[list[str | float]] = Field(
        description="raw: [time, value]; hour: [hour, mean, minimum, maximum]."
    )


class AlarmOut(Schema):
    id: int
    device: int = Field(alias="device_id")
    device_key: str = Field(alias="device.key")
    device_name: str = Field(alias="device.name")
    grid_code: str = Field(alias="device.grid.code")
    type: str = Field(alias="alarm_type.code")
    type_name: str = Field(alias="alarm_type.name")
    severity: Severity
    state: AlarmState
    started_at: datetime
    last_at: datetime
    count: int = Field(description="Times raised while active (repeats counted).")
    acknowledged_at: datetime | None
    cleared_at: datetime | None
    assignee: str | None = Field(None, alias="assignee.username")


class AlarmChangeOut(Schema):
    action: AlarmAction
    actor: str | None = Field(None, alias="actor.username")
    note: str
    at: datetime


class AlarmDetailOut(AlarmOut):
    changes: list[AlarmChangeOut] = Field(alias="change_list")


class AlarmNoteIn(Schema):
    note: str = Field("", max_length=500)


class AlarmCommentIn(Schema):
    note: str = Field(min_length=1, max_length=500)


class AlarmAssignIn(Schema):
    to: str | None = Field(max_length=150, description="A username; null: nobody.")


class AlarmRuleOut(Schema):
    id: int
    profile: str | None = Field(None, alias="profile.code")
    building: int | None = Field(None, alias="building_id")
    device: int | None = Field(None, alias="device_id")
    alarm_type: str = Field(alias="alarm_type.code")
    severity: Severity
    kind: RuleKind
    key: str
    operator: Operator | Literal[""]
    threshold: float | None
    duration: int = Field(description="Seconds the condition must hold.")
    minutes: int | None = Field(description="No data for so many minutes (no_data).")
    active_from: str | None = Field(description="Only from this local time (HH:MM).")
    active_until: str | None = Field(description="Until this local time (HH:MM).")
    clears: bool
    enabled: bool

    @staticmethod
    def resolve_active_from(obj: AlarmRule) -> str | None:
        return obj.active_from.strftime("%H:%M") if obj.active_from else None

    @staticmethod
    def resolve_active_until(obj: AlarmRule) -> str | None:
        return obj.active_until.strftime("%H:%M") if obj.active_until else None


class AlarmRuleFields(Schema):
    severity: Severity
    kind: RuleKind
    key: str = Field("", max_length=32)
    operator: Operator | Literal[""] = ""
    threshold: float | None = Field(None, ge=-1e12, le=1e12)
    duration: int = Field(0, ge=0, le=7 * 86400)
    minutes: int | None = Field(None, ge=1, le=30 * 24 * 60)
    active_from: str | None = Field(None, pattern=LOCAL_TIME, description="HH:MM, local.")
    active_until: str | None = Field(None, pattern=LOCAL_TIME, description="HH:MM, local.")
    clears: bool = True
    enabled: bool = True


class AlarmRuleIn(AlarmRuleFields):
    """Exactly one of `profile`, `building`, `device`."""

    alarm_type: str = Field(max_length=40, description="An alarm type's code.")
    profile: str | None = Field(None, max_length=40, description="A profile's code.")
    building: Id | None = None
    device: Id | None = None


class AlarmRulePatch(Schema):
    alarm_type: str | None = Field(None, max_length=40)
    severity: Severity | None = None
    kind: RuleKind | None = None
    key: str | None = Field(None, max_length=32)
    operator: Operator | Literal[""] | None = None
    threshold: float | None = Field(None, ge=-1e12, le=1e12)
    duration: int | None = Field(None, ge=0, le=7 * 86400)
    minutes: int | None = Field(None, ge=1, le=30 * 24 * 60)
    active_from: str | None = Field(None, pattern=LOCAL_TIME, description="HH:MM; null: none.")
    active_until: str | None = Field(None, pattern=LOCAL_TIME, description="HH:MM; null: none.")
    clears: bool | None = None
    enabled: bool | None = None


class ProfileKeyOut(Schema):
    id: int
    key: str
    label: str
    unit: str
    type: ValueType
    minimum: float | None
    maximum: float | None
    order: int


class DeviceProfileOut(Schema):
    id: int
    code: str
    name: str
    description: str
    interval: int = Field(description="Expected reporting interval, seconds.")
    keys: list[ProfileKeyOut] = Field(alias="key_list")


class DeviceProfilePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=200)
    interval: int | None = Field(None, ge=1, le=7 * 86400)


class ProfileKeyFields(Schema):
    label: str = Field(min_length=1, max_length=40)
    unit: str = Field("", max_length=12)
    minimum: float | None = Field(None, ge=-1e12, le=1e12)
    maximum: float | None = Field(None, ge=-1e12, le=1e12)
    order: int = Field(0, ge=0, le=1000)


class ProfileKeyIn(ProfileKeyFields):
    key: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    type: ValueType


CODE = r"^[a-z0-9][a-z0-9-]*$"


class DeviceProfileIn(Schema):
    code: str = Field(
        min_length=1, max_length=40, pattern=CODE, description="Lower-case; it cannot change."
    )
    name: str = Field(min_length=1, max_length=50)
    description: str = Field("", max_length=200)
    interval: int = Field(ge=1, le=7 * 86400, description="Expected reporting interval, seconds.")
    keys: list[ProfileKeyIn] = Field(
        default_factory=list,
        max_length=30,
        description="Its telemetry keys; an error in one is named keys.<n>.<field>.",
    )


class ProfileKeyPatch(Schema):
    label: str | None = Field(None, min_length=1, max_length=40)
    unit: str | None = Field(None, max_length=12)
    minimum: float | None = Field(None, ge=-1e12, le=1e12)
    maximum: float | None = Field(None, ge=-1e12, le=1e12)
    order: int | None = Field(None, ge=0, le=1000)


class AlarmTypeOut(Schema):
    id: int
    code: str
    name: str
    case_category: str | None = Field(
        None, alias="case_category.code", description="Its alarms open a case here."
    )
    case_category_name: str | None = Field(None, alias="case_category.name")
    escalate_after: int | None = Field(
        description="Minutes: escalated if not acknowledged within (null: never)."
    )
    remind_every: int | None = Field(description="Minutes: recalled until cleared (null: never).")


class AlarmTypeFields(Schema):
    name: str = Field(min_length=1, max_length=40)
    case_category: str | None = Field(
        None, max_length=40, description="A case category's code (lowest level); null: no case."
    )
    escalate_after: int | None = Field(None, ge=1, le=7 * 24 * 60)
    remind_every: int | None = Field(None, ge=5, le=7 * 24 * 60)


class AlarmTypeIn(AlarmTypeFields):
    code: str = Field(min_length=1, max_length=40, pattern=CODE, description="It cannot change.")


class AlarmTypePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=40)
    case_category: str | None = Field(None, max_length=40, description="null: no case.")
    escalate_after: int | None = Field(None, ge=1, le=7 * 24 * 60, description="null: never.")
    remind_every: int | None = Field(None, ge=5, le=7 * 24 * 60, description="null: never.")


class NotificationRuleOut(Schema):
    id: int
    region_code: str = Field(alias="region.code")
    roles: list[Role]
    severities: list[Severity]
    channels: list[Channel]
    enabled: bool


class NotificationRuleIn(Schema):
    region_code: str = Field(max_length=15)
    roles: list[Role] = Field(min_length=1, max_length=8)
    severities: list[Severity] = Field(min_length=1, max_length=4)
    channels: list[Channel] = Field(min_length=1, max_length=3)
    enabled: bool = True


class NotificationRulePatch(Schema):
    roles: list[Role] | None = Field(None, min_length=1, max_length=8)
    severities: list[Severity] | None = Field(None, min_length=1, max_length=4)
    channels: list[Channel] | None = Field(None, min_length=1, max_length=3)
    enabled: bool | None = None
