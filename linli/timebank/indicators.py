"""The time bank's indicators (docs/kpis.md): hours earned serving elders, hours spent
on services and hours given, and the volunteers who served — per subdistrict or
community, where the account holder lives (the entry's grid).

A period source, computed for the period at once from the entries (indexed by region
and time): earned hours count on the day of the service, spent and given hours on the
day they were posted. Reversed entries and reversals are left out."""

from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.regions.selectors import regions_within
from linli.timebank.choices import EntryKind
from linli.timebank.models import Entry, Line
from linli.timebank.permissions import TIMEBANK_VIEW

LEVELS = ("subdistrict", "community")
EARNED, SPENT, GIVEN = "timebank.earned", "timebank.spent", "timebank.given"
VOLUNTEERS = "timebank.volunteers"


class HourFigures:
    """Hours earned, spent and given in a period (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(EARNED, _("time-bank hours earned"), TIMEBANK_VIEW),
        Measure(SPENT, _("time-bank hours spent"), TIMEBANK_VIEW),
        Measure(GIVEN, _("time-bank hours given"), TIMEBANK_VIEW),
        Measure(VOLUNTEERS, _("volunteers who served"), TIMEBANK_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        found = Entry.objects.filter(reversal__isnull=True).exclude(kind=EntryKind.REVERSAL)
        if paths is not None:
            found = found.filter(region__in=regions_within(paths).values("pk"))
        key = Substr("region__path", 1, length)
        figures: dict[str, dict[str, float]] = {}

        def add(rows: Any, codes: dict[str, str]) -> None:
            for row in rows:
                totals = figures.setdefault(row["key"], {})
                for code, name in codes.items():
                    totals[code] = totals.get(code, 0) + float(row[name] or 0)

        served = found.filter(kind=EntryKind.EARN, served_on__gte=first, served_on__lt=last)
        earned = served.annotate(key=key).values("key").annotate(hours=Sum("hours")).order_by()
        add(earned, {EARNED: "hours"})
        people = (
            Line.objects.filter(entry__in=served, amount__gt=0)
            .annotate(key=Substr("entry__region__path", 1, length))
            .values("key")
            .annotate(people=Count("account", distinct=True))
            .order_by()
        )
        add(people, {VOLUNTEERS: "people"})
        moved = (
            found.filter(
                kind__in=[EntryKind.SPEND, EntryKind.TRANSFER],
                posted_at__gte=midnight(first),
                posted_at__lt=midnight(last),
            )
            .annotate(key=key)
            .values("key")
            .annotate(
                spent=Sum("hours", filter=Q(kind=EntryKind.SPEND)),
                given=Sum("hours", filter=Q(kind=EntryKind.TRANSFER)),
            )
            .order_by()
        )
        add(moved, {SPENT: "spent", GIVEN: "given"})
        return {k: v for k, v in figures.items() if len(k) == length}


catalogue.register(
    HourFigures(),
    Indicator(
        EARNED,
        _("Time-bank hours earned"),
        unit=_("hours"),
        kind="count",
        numerator=(EARNED,),
        decimals=1,
        levels=LEVELS,
        order=700,
        definition=_(
            "Hours volunteers earned serving elders, by the day of the service "
            "(reversed entries left out)."
        ),
    ),
    Indicator(
        SPENT,
        _("Time-bank hours spent"),
        unit=_("hours"),
        kind="count",
        numerator=(SPENT,),
        decimals=1,
        higher_is_better=None,
        levels=LEVELS,
        order=710,
        definition=_("Hours taken from time-bank accounts for services received in the period."),
    ),
    Indicator(
        GIVEN,
        _("Time-bank hours given"),
        unit=_("hours"),
        kind="count",
        numerator=(GIVEN,),
        decimals=1,
        higher_is_better=None,
        levels=LEVELS,
        order=720,
        definition=_("Hours volunteers gave to family members or elders in the period."),
    ),
    Indicator(
        VOLUNTEERS,
        _("Time-bank volunteers"),
        unit=_("people"),
        kind="count",
        numerator=(VOLUNTEERS,),
        levels=LEVELS,
        order=730,
        definition=_(
            "Volunteers who served elders in the period (each counted once per community; "
            "summed over communities above)."
        ),
    ),
)
