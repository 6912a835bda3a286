"""Home services' indicators (docs/kpis.md): visits done against those planned, the
visits flagged (away from the home, too short, a home without a position), and the
services delivered by type and by funding — per subdistrict or community, where the
elder lives.

A period source: a visit counts in the period its slot starts in, computed for the
period at once from the orders (indexed by grid and slot), not rolled up.
"""

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.homecare.choices import DONE_STATES, Funding, HomecareState, ServiceCategory
from linli.homecare.models import Order
from linli.homecare.permissions import ORDER_VIEW
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community")
PLANNED, DONE, FLAGGED = "homecare.planned", "homecare.done", "homecare.flagged"
FLAG_Q = Q(flag_away=True) | Q(flag_short=True) | Q(flag_unplaced=True)


def _by(kind: str, value: str) -> str:
    return f"homecare.done_{kind}_{value}"


class VisitFigures:
    """Visits planned, done and flagged in a period, done ones by type and funding
    (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(PLANNED, _("home-service visits planned"), ORDER_VIEW),
        Measure(DONE, _("home-service visits done"), ORDER_VIEW),
        Measure(FLAGGED, _("of them, flagged"), ORDER_VIEW),
        *(Measure(_by("category", c.value), c.label, ORDER_VIEW) for c in ServiceCategory),
        *(Measure(_by("funding", f.value), f.label, ORDER_VIEW) for f in Funding),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        found = Order.objects.filter(starts_at__gte=midnight(first), starts_at__lt=midnight(last))
        if paths is not None:
            found = found.filter(grid__in=regions_within(paths).values("pk"))
        done = Q(state__in=DONE_STATES)
        counts: dict[str, Any] = {
            "planned": Count("pk", filter=~Q(state=HomecareState.CANCELLED)),
            "done": Count("pk", filter=done),
            "flagged": Count("pk", filter=done & FLAG_Q),
        }
        for c in ServiceCategory:
            counts[f"c_{c.value}"] = Count("pk", filter=done & Q(category=c.value))
        for f in Funding:
            counts[f"f_{f.value}"] = Count("pk", filter=done & Q(funding=f.value))
        rows: Any = (
            found.annotate(key=Substr("grid__path", 1, length))
            .values("key")
            .annotate(**counts)
            .order_by()
        )
        figures: dict[str, dict[str, float]] = {}
        for row in rows:
            totals = figures.setdefault(row["key"], {})
            totals[PLANNED] = totals.get(PLANNED, 0) + row["planned"]
            totals[DONE] = totals.get(DONE, 0) + row["done"]
            totals[FLAGGED] = totals.get(FLAGGED, 0) + row["flagged"]
            for c in ServiceCategory:
                code = _by("category", c.value)
                totals[code] = totals.get(code, 0) + row[f"c_{c.value}"]
            for f in Funding:
                code = _by("funding", f.value)
                totals[code] = totals.get(code, 0) + row[f"f_{f.value}"]
        return {k: v for k, v in figures.items() if len(k) == length}


catalogue.register(
    VisitFigures(),
    Indicator(
        "homecare.done_rate",
        _("Home visits done"),
        unit="%",
        kind="rate",
        numerator=(DONE,),
        denominator=(PLANNED,),
        decimals=4,
        levels=LEVELS,
        order=600,
        definition=_(
            "Of the home-service visits planned in the period (booked and not cancelled): "
            "those that took place (checked out at the home)."
        ),
    ),
    Indicator(
        "homecare.flagged_rate",
        _("Flagged home visits"),
        unit="%",
        kind="rate",
        numerator=(FLAGGED,),
        denominator=(DONE,),
        decimals=4,
        higher_is_better=False,
        levels=LEVELS,
        order=605,
        definition=_(
            "Of the visits done in the period: those flagged as checked out away from the "
            "home, too short, or at a home without a position."
        ),
    ),
    *(
        Indicator(
            _by("category", c.value),
            c.label,
            unit=_("visits"),
            kind="count",
            numerator=(_by("category", c.value),),
            higher_is_better=None,
            levels=LEVELS,
            order=610 + n,
            definition=_("Home-service visits of this type done in the period."),
        )
        for n, c in enumerate(ServiceCategory)
    ),
    *(
        Indicator(
            _by("funding", f.value),
            name,
            unit=_("visits"),
            kind="count",
            numerator=(_by("funding", f.value),),
            higher_is_better=None,
            levels=LEVELS,
            order=630 + n,
            definition=_("Home-service visits done in the period and funded this way."),
        )
        for n, (f, name) in enumerate(
            [
                (Funding.VOUCHER, _("Visits paid by subsidy voucher")),
                (Funding.SELF_PAY, _("Self-paid visits")),
                (Funding.TIME_BANK, _("Visits paid with time-bank hours")),
            ]
        )
    ),
)
