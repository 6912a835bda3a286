"""Devices (设备), their profiles, telemetry (遥测), rules and alarms (告警).

A profile (`DeviceProfile`) says what a kind of device reports (`ProfileKey`: key,
unit, type, physical range), how often, and which alarm rules apply by default
(`AlarmRule` on the profile; a device's or building's own rule of the same alarm
type overrides it). A device belongs to a grid (`GridOwned`), sits at a building, a
house or a point, and authenticates with an access token stored only as its SHA-256
(`token_hash`). Telemetry is one row per device, key and time (`Telemetry`, monthly
partitions on PostgreSQL); `LatestValue` holds each key's last value and
`HourlyAggregate` the hourly figures for long-range charts. An alarm (`Alarm`) is one
per device and alarm type while active, with ThingsBoard's four states and a
transition log (`AlarmChange`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.devices.choices import (
    AlarmAction,
    AlarmState,
    Operator,
    Rejection,
    RuleKind,
    Severity,
    ValueType,
)
from linli.regions.models import GridOwned, GridOwnedQuerySet

KEY_VALIDATOR = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,31}$",
    _("A key is a letter, then up to 31 letters, digits or underscores."),
)


class DeviceProfile(models.Model):
    """设备类型: what a kind of device reports and how often."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    interval = models.PositiveIntegerField(
        _("expected reporting interval (s)"),
        validators=[MinValueValidator(1), MaxValueValidator(7 * 86400)],
        help_text=_("A device silent for twice this long is offline."),
    )

    class Meta:
        verbose_name = _("device profile")
        verbose_name_plural = _("device profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProfileKey(models.Model):
    """A telemetry key a profile's devices report: `smoke` 0/1, `battery` %."""

    profile = models.ForeignKey(DeviceProfile, models.CASCADE, related_name="keys")
    key = models.CharField(_("key"), max_length=32, validators=[KEY_VALIDATOR])
    label = models.CharField(_("label"), max_length=40)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    type = models.CharField(_("type"), max_length=8, choices=ValueType.choices)
    minimum = models.FloatField(_("physical minimum"), null=True, blank=True)
    maximum = models.FloatField(_("physical maximum"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("telemetry key")
        verbose_name_plural = _("telemetry keys")
        ordering = ["profile", "order", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "key"],
                name="profile_key_unique",
                violation_error_message=_("The profile already has this key."),
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=models.F("maximum")),
                name="profile_key_range_ordered",
                violation_error_message=_("The minimum must not exceed the maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class AlarmType(models.Model):
    """告警类型: fire, gas, a trapped elevator… Where `case_category` is set, an alarm
    of this type opens a case in that category, located at the device."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    case_category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opens a case in"),
    )
    escalate_after = models.PositiveIntegerField(
        _("escalate if not acknowledged within (min)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
    )
    remind_every = models.PositiveIntegerField(
        _("remind until cleared, every (min)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )

    class Meta:
        verbose_name = _("alarm type")
        verbose_name_plural = _("alarm types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeviceQuerySet(GridOwnedQuerySet["Device"]):
    view_action = "device.view"


class Device(GridOwned):
    """A device placed in a grid: at a building, a house, or a point of its own."""

    key = models.CharField(
        _("device number"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                _("Letters, digits, dots, dashes and underscores."),
            )
        ],
        help_text=_("The number on the device (its serial): how gateways name it."),
    )
    name = models.CharField(_("name"), max_length=100)
    profile = models.ForeignKey(
        DeviceProfile, models.PROTECT, related_name="devices", verbose_name=_("profile")
    )
    building = models.ForeignKey(
        "registry.Building",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("building"),
    )
    house = models.ForeignKey(
        "registry.House",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("house"),
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    owner = models.ForeignKey(
        "registry.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_devices",
        verbose_name=_("owned by"),
    )
    maintainer = models.ForeignKey(
        "registry.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="maintained_devices",
        verbose_name=_("maintained by"),
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    token_rotated_at = models.DateTimeField(_("token issued at"), default=timezone.now)
    gateway = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("gateway"),
    )
    is_gateway = models.BooleanField(_("is a gateway"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    # Health, written by the ingestion path and the offline sweep.
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    battery = models.SmallIntegerField(_("battery (%)"), null=True, blank=True)
    signal = models.SmallIntegerField(_("signal (dBm)"), null=True, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["grid__path", "key"]
        # No index on `online` or `last_seen_at`: the ingestion path and the offline
        # sweep rewrite them all the time, and unindexed they are updated in place on
        # PostgreSQL (HOT; the table keeps room for it: fillfactor 80). The sweep
        # finds silent devices by profile (docs/devices.md, "Rules").
        indexes = [models.Index(fields=["grid", "profile"], name="device_grid_profile")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def active(self) -> bool:
        return self.retired_at is None


class DeviceRejection(models.Model):
    """Messages or values refused, counted per device and reason (its health page).
    Unknown tokens have no device: they are counted with `device` empty."""

    device = models.ForeignKey(
        Device, models.CASCADE, null=True, blank=True, related_name="rejections"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Rejection.choices)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    last_at = models.DateTimeField(_("last"))
    last_detail = models.CharField(_("last detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("refused messages")
        verbose_name_plural = _("refused messages")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "reason"],
                name="device_rejection_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} × {self.count}"


class Telemetry(models.Model):
    """One value of one key of one device at one time; stored once (the primary key),
    so a message delivered twice is stored once. Numbers and yes/no (0/1) in
    `value`, text in `text`. Monthly partitions on PostgreSQL (docs/devices.md)."""

    pk = models.CompositePrimaryKey("device", "key", "ts")
    # No index of its own: the primary key starts with it.
    device = models.ForeignKey(
        Device, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    key = models.CharField(_("key"), max_length=32)
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"), null=True)
    text = models.CharField(_("text"), max_length=200, null=True)  # noqa: DJ001 (most rows: none)

    class Meta:
        verbose_name = _("telemetry")
        verbose_name_plural = _("telemetry")

    def __str__(self) -> str:
        return f"{self.key}@{self.ts:%Y-%m-%d %H:%M:%S}"


class LatestValue(models.Model):
    """Each key's last value of a device: its page, the map and the rules' memory."""

    pk = models.CompositePrimaryKey("device", "key")
    device = models.ForeignKey(Device, models.CASCADE, related_name="latest")
    key = models.CharField(_("key"), max_length=32)
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"), null=True)
    text = models.CharField(_("text"), max_length=200, null=True)  # noqa: DJ001 (most rows: none)

    class Meta:
        verbose_name = _("latest value")
        verbose_name_plural = _("latest values")

    def __str__(self) -> str:
        return f"{self.key}@{self.ts:%Y-%m-%d %H:%M:%S}"


class HourlyAggregate(models.Model):
    """An hour of one key of one device: count, minimum, maximum, sum (mean = sum ÷
    count), for charts over weeks and months."""

    pk = models.CompositePrimaryKey("device", "key", "hour")
    # No index of its own: the primary key starts with it.
    device = models.ForeignKey(
        Device, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    key = models.CharField(_("key"), max_length=32)
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("count"))
    minimum = models.FloatField(_("minimum"))
    maximum = models.FloatField(_("maximum"))
    total = models.FloatField(_("sum"))

    class Meta:
        verbose_name = _("hourly aggregate")
        verbose_name_plural = _("hourly aggregates")

    def __str__(self) -> str:
        return f"{self.key}@{self.hour:%Y-%m-%d %H}"


class AlarmRule(models.Model):
    """告警规则: when a device's values raise an alarm of a type. A profile's rules
    apply to its devices unless the device, or its building, has its own rule of the
    same alarm type (the nearest wins: device, then building, then profile)."""

    profile = models.ForeignKey(
        DeviceProfile, models.CASCADE, null=True, blank=True, related_name="rules"
    )
    building = models.ForeignKey(
        "registry.Building", models.CASCADE, null=True, blank=True, related_name="alarm_rules"
    )
    device = models.ForeignKey(Device, models.CASCADE, null=True, blank=True, related_name="rules")
    alarm_type = models.ForeignKey(
        AlarmType, models.PROTECT, related_name="rules", verbose_name=_("alarm type")
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    kind = models.CharField(_("rule"), max_length=10, choices=RuleKind.choices)
    key = models.CharField(_("key"), max_length=32, blank=True, validators=[KEY_VALIDATOR])
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    duration = models.PositiveIntegerField(
        _("held for (s)"),
        default=0,
        validators=[MaxValueValidator(7 * 86400)],
        help_text=_("The condition must hold this long before the alarm is raised."),
    )
    minutes = models.PositiveIntegerField(
        _("no data for (min)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30 * 24 * 60)],
    )
    active_from = models.TimeField(_("only from"), null=True, blank=True)
    active_until = models.TimeField(_("until"), null=True, blank=True)
    clears = models.BooleanField(
        _("clears itself"),
        default=True,
        help_text=_("Clear the alarm when the condition no longer holds."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")
        ordering = ["alarm_type__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(profile__isnull=False, building__isnull=True, device__isnull=True)
                    | Q(profile__isnull=True, building__isnull=False, device__isnull=True)
                    | Q(profile__isnull=True, building__isnull=True, device__isnull=False)
                ),
                name="alarm_rule_one_scope",
                violation_error_message=_(
                    "A rule belongs to one profile, one building or one device."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.alarm_type} ({self.get_kind_display()})"


class RuleState(models.Model):
    """What a rule remembers of a device between messages: since when its condition
    holds (for durations). Written only when the condition starts or stops holding."""

    pk = models.CompositePrimaryKey("rule", "device")
    rule = models.ForeignKey(AlarmRule, models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, models.CASCADE, related_name="+")
    since = models.DateTimeField(_("holds since"))

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.device_id} since {self.since:%H:%M:%S}"


class AlarmQuerySet(ScopedQuerySet["Alarm"]):
    region_path = "device__grid__path"
    view_action = "device.view"

    def active(self) -> "AlarmQuerySet":
        return self.filter(cleared_at__isnull=True)


class Alarm(models.Model):
    """告警: one active alarm per device and type; a repeat while active is counted."""

    device = models.ForeignKey(Device, models.PROTECT, related_name="alarms")
    alarm_type = models.ForeignKey(
        AlarmType, models.PROTECT, related_name="alarms", verbose_name=_("type")
    )
    rule = models.ForeignKey(AlarmRule, models.SET_NULL, null=True, blank=True, related_name="+")
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    started_at = models.DateTimeField(_("started at"))
    last_at = models.DateTimeField(_("last at"))
    count = models.PositiveIntegerField(_("times"), default=1)
    details = models.JSONField(_("details"), default=dict, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "alarm_type"],
                condition=Q(cleared_at__isnull=True),
                name="alarm_one_active_per_device_and_type",
            )
        ]
        indexes = [
            models.Index(fields=["cleared_at", "severity"], name="alarm_open_severity"),
            models.Index(fields=["device", "-started_at"], name="alarm_device_started"),
        ]

    def __str__(self) -> str:
        return f"{self.alarm_type} · {self.device}"

    @property
    def state(self) -> AlarmState:
        if self.cleared_at is None:
            return AlarmState.ACTIVE_ACK if self.acknowledged_at else AlarmState.ACTIVE_UNACK
        return AlarmState.CLEARED_ACK if self.acknowledged_at else AlarmState.CLEARED_UNACK

    @property
    def region_path(self) -> str:
        return self.device.grid.path


class AlarmChange(models.Model):
    """An alarm's transition log: raised, acknowledged, cleared, commented, assigned…"""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=12, choices=AlarmAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("alarm change")
        verbose_name_plural = _("alarm changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class NotificationRuleQuerySet(ScopedQuerySet["NotificationRule"]):
    view_action = "device.view"


class NotificationRule(models.Model):
    """Who hears of alarms in a region: people holding some roles there, for some
    severities, through some channels."""

    region = models.ForeignKey(
        "regions.Region", models.CASCADE, related_name="+", verbose_name=_("region")
    )
    roles = models.JSONField(_("roles"), default=list)
    severities = models.JSONField(_("severities"), default=list)
    channels = models.JSONField(_("channels"), default=list)
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = NotificationRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm notification rule")
        verbose_name_plural = _("alarm notification rules")

    def __str__(self) -> str:
        return f"{self.region} {', '.join(self.severities)}"

    def clean(self) -> None:
        """Only known roles that see alarms, known severities and channels, one of
        each at least (notices.notification_rule_check, which the editing services
        call too); the lists are kept in their vocabularies' order."""
        from linli.devices.notices import notification_rule_check  # it reads this model

        self.roles, self.severities, self.channels = notification_rule_check(
            roles=self.roles, severities=self.severities, channels=self.channels
        )


def alarm_state_filter(state: str) -> Q:
    """The condition of one of the four states, for lists and the API."""
    active = Q(cleared_at__isnull=True)
    acked = Q(acknowledged_at__isnull=False)
    return {
        AlarmState.ACTIVE_UNACK: active & ~acked,
        AlarmState.ACTIVE_ACK: active & acked,
        AlarmState.CLEARED_UNACK: ~active & ~acked,
        AlarmState.CLEARED_ACK: ~active & acked,
    }[AlarmState(state)]


class DeviceDay(models.Model):
    """A grid's devices on a day: how many were in service and how many online at the
    day's last snapshot (the task `devices-snapshot`, hourly): the devices online
    rate's figures (indicators.py)."""

    day = models.DateField(_("day"))
    grid = models.ForeignKey("regions.Region", models.CASCADE, related_name="+")
    devices = models.PositiveIntegerField(_("devices in service"))
    online = models.PositiveIntegerField(_("devices online"))

    class Meta:
        verbose_name = _("devices of a day")
        verbose_name_plural = _("devices of a day")
        constraints = [
            models.UniqueConstraint(fields=["day", "grid"], name="device_day_unique"),
            models.CheckConstraint(
                condition=Q(online__lte=models.F("devices")), name="device_day_online_in_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_id}: {self.online}/{self.devices}"
