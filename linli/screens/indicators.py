"""The screens' indicator (docs/kpis.md): display screens and TV boxes online, per
subdistrict or community.

A screen is online while its heartbeats keep coming (`Screen.online`: one within
`OFFLINE_AFTER_S`). The rate reads the daily snapshot (`ScreenDay`): each day's
screens in service and online at its last snapshot, written hourly by the task
`screens-snapshot` (`snapshot`), so a period's rate is over screen-days.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue
from linli.regions.selectors import regions_within
from linli.screens.choices import OFFLINE_AFTER_S
from linli.screens.models import Screen, ScreenDay
from linli.screens.permissions import SCREEN_VIEW

LEVELS = ("subdistrict", "community")
SCREEN_DAYS, ONLINE_DAYS = "screens.screen_days", "screens.online_screen_days"


def snapshot(*, day: date | None = None) -> int:
    """Today's screens in service and online per community, replacing today's earlier
    snapshot (the day keeps its last one); returns how many communities were counted."""
    day = day or timezone.localdate()
    seen = timezone.now() - timedelta(seconds=OFFLINE_AFTER_S)
    counts = (
        Screen.objects.filter(retired_at__isnull=True)
        .values("region")
        .annotate(screens=Count("pk"), on=Count("pk", filter=Q(last_seen_at__gt=seen)))
        .order_by()
    )
    rows = [
        ScreenDay(day=day, region_id=c["region"], screens=c["screens"], online=c["on"])
        for c in counts
    ]
    with transaction.atomic():
        ScreenDay.objects.filter(day=day).exclude(region__in=[r.region_id for r in rows]).delete()
        ScreenDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["day", "region"],
            update_fields=["screens", "online"],
        )
    return len(rows)


class ScreenFigures:
    """Screens in service and online, counted each day (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(SCREEN_DAYS, _("screens in service, counted each day"), SCREEN_VIEW),
        Measure(ONLINE_DAYS, _("screens online at the day's end, counted each day"), SCREEN_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per region unit, the screen-days of [first, last) in service and online."""
        length = unit.path_length
        if length is None:
            return {}
        days = ScreenDay.objects.filter(day__gte=first, day__lt=last)
        if paths is not None:
            days = days.filter(region__in=regions_within(paths).values("pk"))
        figures: dict[str, dict[str, float]] = {}
        for row in days.values("region__path").annotate(n=Sum("screens"), on=Sum("online")):
            path = row["region__path"]
            if len(path) < length:
                continue
            totals = figures.setdefault(path[:length], {})
            for code, value in ((SCREEN_DAYS, row["n"]), (ONLINE_DAYS, row["on"])):
                if value:
                    totals[code] = totals.get(code, 0) + value
        return figures


catalogue.register(
    ScreenFigures(),
    Indicator(
        "screens.online_rate",
        _("Screens online"),
        unit="%",
        kind="rate",
        numerator=(ONLINE_DAYS,),
        denominator=(SCREEN_DAYS,),
        decimals=4,
        levels=LEVELS,
        order=430,
        definition=_(
            "Display screens and TV boxes online (a heartbeat within the last 3 minutes) ÷ "
            "those in service, at each day's last snapshot (hourly), added up over the "
            "days of the period."
        ),
    ),
)
