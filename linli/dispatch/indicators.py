"""The dispatch centre's indicators (docs/kpis.md): calls' answer and arrival times,
alarm calls per 100 elders, care calls made — per subdistrict or community, where
the call's grid is.

A period source: a call counts in the period it arrived in (its answer and arrival
too), a care call in the period it was recorded; the elders are those living and
60 or over at the period's end.
"""

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.dispatch.choices import CareState
from linli.dispatch.models import Call, CareCall
from linli.dispatch.permissions import CALL_VIEW
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY_AGE, years_ago
from linli.registry.models import Resident

LEVELS = ("subdistrict", "community")
CALLS, ELDERS = "dispatch.calls", "dispatch.elders"
ANSWERED, ANSWER_SECONDS = "dispatch.answered", "dispatch.answer_seconds"
ARRIVED, ARRIVAL_SECONDS = "dispatch.arrived", "dispatch.arrival_seconds"
CARE_DONE = "dispatch.care_done"


def _seconds(value: Any) -> float:
    return value.total_seconds() if value else 0.0


class CallFigures:
    """Calls, their timers, elders and care calls in a period (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(CALLS, _("alarm calls arrived"), CALL_VIEW),
        Measure(ANSWERED, _("of them, answered"), CALL_VIEW),
        Measure(ANSWER_SECONDS, _("seconds from arrival to answer"), CALL_VIEW),
        Measure(ARRIVED, _("of them, a responder on site"), CALL_VIEW),
        Measure(ARRIVAL_SECONDS, _("seconds from sending to arrival"), CALL_VIEW),
        Measure(ELDERS, _("elders (60 or over)"), CALL_VIEW),
        Measure(CARE_DONE, _("care calls made"), CALL_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        start, end = midnight(first), midnight(last)
        grids = regions_within(paths).values("pk") if paths is not None else None
        key = Substr("grid__path", 1, length)
        figures: dict[str, dict[str, float]] = {}

        def add(row_key: str, code: str, value: float) -> None:
            totals = figures.setdefault(row_key, {})
            totals[code] = totals.get(code, 0) + value

        calls = Call.objects.filter(raised_at__gte=start, raised_at__lt=end)
        care = CareCall.objects.filter(
            recorded_at__gte=start,
            recorded_at__lt=end,
            state__in=[CareState.ANSWERED, CareState.UNANSWERED],
        )
        elders = Resident.objects.filter(
            status=ResidentStatus.LIVING, birth_date__lte=years_ago(ELDERLY_AGE, last)
        )
        if grids is not None:
            calls, care, elders = (
                calls.filter(grid__in=grids),
                care.filter(grid__in=grids),
                elders.filter(grid__in=grids),
            )
        for row in (
            calls.annotate(key=key)
            .values("key")
            .annotate(
                n=Count("pk"),
                answered=Count("pk", filter=Q(answered_at__isnull=False)),
                answer=Sum(F("answered_at") - F("raised_at")),
                arrived=Count("pk", filter=Q(arrived_at__isnull=False)),
                arrival=Sum(F("arrived_at") - F("sent_at")),
            )
            .order_by()
        ):
            add(row["key"], CALLS, row["n"])
            add(row["key"], ANSWERED, row["answered"])
            add(row["key"], ANSWER_SECONDS, _seconds(row["answer"]))
            add(row["key"], ARRIVED, row["arrived"])
            add(row["key"], ARRIVAL_SECONDS, _seconds(row["arrival"]))
        for care_row in care.annotate(key=key).values("key").annotate(n=Count("pk")).order_by():
            add(care_row["key"], CARE_DONE, care_row["n"])
        for elder_row in elders.annotate(key=key).values("key").annotate(n=Count("pk")).order_by():
            add(elder_row["key"], ELDERS, elder_row["n"])
        return {k: v for k, v in figures.items() if len(k) == length}


catalogue.register(
    CallFigures(),
    Indicator(
        "dispatch.answer_time",
        _("Call answer time"),
        unit=_("seconds"),
        kind="mean",
        numerator=(ANSWER_SECONDS,),
        denominator=(ANSWERED,),
        decimals=0,
        higher_is_better=False,
        levels=LEVELS,
        order=600,
        definition=_(
            "Mean seconds from an elder's alarm call arriving to the dispatcher answering "
            "it, of the calls that arrived in the period."
        ),
    ),
    Indicator(
        "dispatch.arrival_time",
        _("Arrival time"),
        unit=_("minutes"),
        kind="mean",
        numerator=(ARRIVAL_SECONDS,),
        denominator=(ARRIVED,),
        scale=1 / 60,
        decimals=1,
        higher_is_better=False,
        levels=LEVELS,
        order=610,
        definition=_(
            "Mean minutes from sending a responder to their arrival at the home, of the "
            "calls that arrived in the period."
        ),
    ),
    Indicator(
        "dispatch.alarms_per_100_elders",
        _("Alarm calls per 100 elders"),
        unit=_("calls"),
        kind="mean",
        numerator=(CALLS,),
        denominator=(ELDERS,),
        scale=100,
        decimals=1,
        higher_is_better=None,
        levels=LEVELS,
        order=620,
        definition=_(
            "Elders' alarm calls that arrived in the period, per 100 residents aged 60 or "
            "over living in the area at the period's end."
        ),
    ),
    Indicator(
        "dispatch.care_calls",
        _("Care calls made"),
        unit=_("calls"),
        kind="count",
        numerator=(CARE_DONE,),
        levels=LEVELS,
        order=630,
        definition=_(
            "Proactive care calls to elders living alone recorded in the period, answered or not."
        ),
    ),
)
