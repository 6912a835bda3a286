"""The filters of the devices' lists (devices, alarms), shared by the console, the API
and the home blocks (linli.core.lists)."""

from datetime import date
from typing import Any, ClassVar, Self

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field
from pydantic import model_validator

from linli.devices.choices import AlarmState, Severity
from linli.devices.models import Alarm, alarm_state_filter
from linli.regions.filters import InGrid


class DeviceFilter(InGrid):
    labels = {
        "profile": gettext_lazy("Device profile"),
        "online": gettext_lazy("Online"),
        "alarm": gettext_lazy("With active alarms"),
        "retired": gettext_lazy("Retired too"),
        "q": gettext_lazy("Number or name"),
    }
    profile: str | None = Field(None, max_length=40, description="A profile's code.")
    online: bool | None = Field(None, description="Online (true) or offline (false) only.")
    alarm: bool = Field(False, description="Only devices with an active alarm.")
    retired: bool = Field(False, description="Retired devices too.")
    q: str | None = Field(None, max_length=50, description="Device number (prefix) or name.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if not self.retired:
            conditions &= Q(retired_at__isnull=True)
        if self.profile:
            conditions &= Q(profile__code=self.profile)
        if self.online is not None:
            conditions &= Q(online=self.online)
        if self.alarm:
            conditions &= Q(pk__in=_active_alarm_devices())
        if self.q and self.q.strip():
            words = self.q.strip()
            conditions &= Q(key__istartswith=words) | Q(name__contains=words)
        return self.in_region(found.filter(conditions))


def _active_alarm_devices() -> QuerySet[Alarm, Any]:
    return Alarm.objects.filter(cleared_at__isnull=True).values("device_id")


class AlarmFilter(InGrid):
    """Alarms by region (the device's grid), severity, state, type and time."""

    region_field: ClassVar[str] = "device__grid"
    labels = {
        "severity": gettext_lazy("Severities"),
        "state": gettext_lazy("States"),
        "type": gettext_lazy("Alarm type"),
        "device": gettext_lazy("Device"),
        "since": gettext_lazy("Started from"),
        "until": gettext_lazy("Started until"),
        "mine": gettext_lazy("Assigned to me"),
    }
    severity: list[Severity] = Field(default_factory=list, description="Any of these.")
    state: list[AlarmState] = Field(
        default_factory=list, description="Any of the four states (default: all)."
    )
    type: str | None = Field(None, max_length=40, description="An alarm type's code.")
    device: int | None = Field(None, ge=1, le=2**63 - 1, description="A device's id.")
    since: date | None = Field(None, description="Started on or after this day.")
    until: date | None = Field(None, description="Started on or before this day.")
    mine: bool = Field(False, description="Only alarms assigned to the caller.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since and self.until and self.until < self.since:
            raise ValueError(_("The period must not end before it starts."))
        return self

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.severity:
            conditions &= Q(severity__in=self.severity)
        if self.state:
            states = Q()
            for state in self.state:
                states |= alarm_state_filter(state)
            conditions &= states
        if self.type:
            conditions &= Q(alarm_type__code=self.type)
        if self.device:
            conditions &= Q(device_id=self.device)
        if self.since:
            conditions &= Q(started_at__date__gte=self.since)
        if self.until:
            conditions &= Q(started_at__date__lte=self.until)
        if self.mine:
            conditions &= Q(assignee=user)
        return self.in_region(found.filter(conditions))
