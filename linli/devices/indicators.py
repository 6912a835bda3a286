"""The devices' indicators (docs/kpis.md): devices online rate, alarms (in all and per
type), mean minutes to acknowledge and to clear an alarm, per subdistrict, community
or grid.

A period source: alarms change after they are raised (acknowledged, cleared), so
their figures are computed for the period at once from the alarms started in it,
not rolled up. The online rate reads the daily snapshot (`DeviceDay`): each day's
devices in service and online at its last snapshot, written hourly by the task
`devices-snapshot` (`snapshot`).
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.devices.models import Alarm, Device, DeviceDay
from linli.devices.permissions import DEVICE_VIEW
from linli.devices.profiles import ALARM_TYPES
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community", "grid")
DEVICE_DAYS, ONLINE_DAYS = "devices.device_days", "devices.online_device_days"
ALARMS, ACKNOWLEDGED, ACK_SECONDS = "devices.alarms", "devices.acknowledged", "devices.ack_seconds"
CLEARED, CLEAR_SECONDS = "devices.cleared", "devices.clear_seconds"
TYPES = {code: name for code, name, *_rest in ALARM_TYPES}  # the seeded alarm types


def per_type(code: str) -> str:
    return f"devices.alarms_{code.replace('-', '_')}"


def snapshot(*, day: date | None = None) -> int:
    """Today's devices in service and online per grid, replacing today's earlier
    snapshot (the day keeps its last one); returns how many grids were counted."""
    day = day or timezone.localdate()
    counts = (
        Device.objects.filter(retired_at__isnull=True)
        .values("grid")
        .annotate(devices=Count("pk"), online=Count("pk", filter=Q(online=True)))
        .order_by()
    )
    rows = [
        DeviceDay(day=day, grid_id=c["grid"], devices=c["devices"], online=c["online"])
        for c in counts
    ]
    with transaction.atomic():
        DeviceDay.objects.filter(day=day).exclude(grid__in=[r.grid_id for r in rows]).delete()
        DeviceDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["day", "grid"],
            update_fields=["devices", "online"],
        )
    return len(rows)


def _seconds(value: timedelta | None) -> float:
    return value.total_seconds() if value is not None else 0


class DeviceFigures:
    """Devices online and alarms (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(DEVICE_DAYS, _("devices in service, counted each day"), DEVICE_VIEW),
        Measure(ONLINE_DAYS, _("devices online at the day's end, counted each day"), DEVICE_VIEW),
        Measure(ALARMS, _("alarms raised"), DEVICE_VIEW),
        Measure(ACKNOWLEDGED, _("alarms raised and acknowledged"), DEVICE_VIEW),
        Measure(ACK_SECONDS, _("seconds from raised to acknowledged"), DEVICE_VIEW),
        Measure(CLEARED, _("alarms raised and cleared"), DEVICE_VIEW),
        Measure(CLEAR_SECONDS, _("seconds from raised to cleared"), DEVICE_VIEW),
        *(
            Measure(per_type(code), format_lazy(_("alarms: {type}"), type=name), DEVICE_VIEW)
            for code, name in TYPES.items()
        ),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per region unit, [first, last): device-days in service and online, and the
        alarms started in the period with their times to acknowledge and clear."""
        if unit.path_length is None:
            return {}
        days = DeviceDay.objects.filter(day__gte=first, day__lt=last)
        alarms: QuerySet[Alarm] = Alarm.objects.filter(
            started_at__gte=midnight(first), started_at__lt=midnight(last)
        )
        if paths is not None:
            grids = regions_within(paths).values("pk")
            days = days.filter(grid__in=grids)
            alarms = alarms.filter(device__grid__in=grids)
        figures: dict[str, dict[str, float]] = {}

        def add(path: str, values: dict[str, float]) -> None:
            totals = figures.setdefault(path[: unit.path_length], {})
            for code, value in values.items():
                if value:
                    totals[code] = totals.get(code, 0) + value

        for row in days.values("grid__path").annotate(n=Sum("devices"), on=Sum("online")):
            add(row["grid__path"], {DEVICE_DAYS: row["n"], ONLINE_DAYS: row["on"]})
        acked, cleared = Q(acknowledged_at__isnull=False), Q(cleared_at__isnull=False)
        grouped: Any = (
            alarms.values("device__grid__path", "alarm_type__code")
            .annotate(
                n=Count("pk"),
                acked=Count("pk", filter=acked),
                ack=Sum(F("acknowledged_at") - F("started_at"), filter=acked),
                cleared=Count("pk", filter=cleared),
                clear=Sum(F("cleared_at") - F("started_at"), filter=cleared),
            )
            .order_by()
        )
        for row in grouped:
            values = {
                ALARMS: row["n"],
                ACKNOWLEDGED: row["acked"],
                ACK_SECONDS: _seconds(row["ack"]),
                CLEARED: row["cleared"],
                CLEAR_SECONDS: _seconds(row["clear"]),
            }
            if row["alarm_type__code"] in TYPES:
                values[per_type(row["alarm_type__code"])] = row["n"]
            add(row["device__grid__path"], values)
        return figures


def _mean_minutes(
    code: str, seconds: str, count: str, name: Any, definition: Any, order: int
) -> Indicator:
    return Indicator(
        code,
        name,
        unit=_("minutes"),
        kind="mean",
        numerator=(seconds,),
        denominator=(count,),
        scale=1 / 60,
        decimals=1,
        higher_is_better=False,
        levels=LEVELS,
        order=order,
        definition=definition,
    )


catalogue.register(
    DeviceFigures(),
    Indicator(
        "devices.online_rate",
        _("Devices online"),
        unit="%",
        kind="rate",
        numerator=(ONLINE_DAYS,),
        denominator=(DEVICE_DAYS,),
        decimals=4,
        levels=LEVELS,
        order=300,
        definition=_(
            "Devices online ÷ devices in service at each day's last snapshot (hourly), "
            "added up over the days of the period."
        ),
    ),
    Indicator(
        ALARMS,
        _("Alarms"),
        unit=_("alarms"),
        kind="count",
        numerator=(ALARMS,),
        higher_is_better=None,
        levels=LEVELS,
        order=310,
        definition=_("Alarms raised in the period (a repeat of an active alarm is not counted)."),
    ),
    _mean_minutes(
        "devices.ack_minutes",
        ACK_SECONDS,
        ACKNOWLEDGED,
        _("Minutes to acknowledge"),
        _("Mean minutes from raised to acknowledged, of the alarms raised in the period."),
        320,
    ),
    _mean_minutes(
        "devices.clear_minutes",
        CLEAR_SECONDS,
        CLEARED,
        _("Minutes to clear"),
        _("Mean minutes from raised to cleared, of the alarms raised in the period."),
        330,
    ),
    *(
        Indicator(
            per_type(code),
            format_lazy(_("Alarms: {type}"), type=name),
            unit=_("alarms"),
            kind="count",
            numerator=(per_type(code),),
            higher_is_better=None,
            levels=LEVELS,
            order=340 + n,
            definition=format_lazy(_("Alarms of the type {type} raised in the period."), type=name),
        )
        for n, (code, name) in enumerate(TYPES.items())
    ),
)
