"""到位率 (on-site rate): check-ins made ÷ check-ins planned by the patrol routes, for
a period of whole days, per grid worker or per region level (docs/kpis.md).

Not additive over days (each route's check-ins count at most up to what it planned
for the whole period: extra patrols do not make up for another route's misses), so
it is computed for the period at once (a period source)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.gridwork.models import CheckIn, Route, RouteStop
from linli.gridwork.permissions import PATROL_VIEW
from linli.regions.selectors import regions_within

MADE, PLANNED = "gridwork.check_ins", "gridwork.check_ins_planned"


def planned_check_ins(route: Route, stops: int, first: date, last: date) -> int:
    """Check-ins `route` plans in the days [first, last): its patrols a week × its
    checkpoints × the weeks (in days ÷ 7) it was planned within the period.
    `ended_on` is the first day no longer planned."""
    start = max(first, route.starts_on)
    end = min(last, route.ended_on) if route.ended_on else last
    days = max(0, (end - start).days)
    return round(route.patrols_per_week * stops * days / 7)


class Presence:
    """Check-ins made and planned per route, added up per unit (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(MADE, _("check-ins made (at most as planned)"), PATROL_VIEW),
        Measure(PLANNED, _("check-ins planned"), PATROL_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per unit, [first, last): made — check-ins at a stop of the route during
        patrols following it, at most up to what the route planned — and planned. A
        route's figures go to its grid (and so up the tree) and to its grid worker."""
        routes = (
            Route.objects.filter(starts_on__lt=last)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
            .select_related("grid")
            .annotate(stop_count=Count("stops"))
        )
        if paths is not None:
            routes = routes.filter(grid__in=regions_within(paths).values("pk"))
        by_pk = {r.pk: r for r in routes}
        on_a_stop = RouteStop.objects.filter(
            route=OuterRef("patrol__route"), checkpoint=OuterRef("checkpoint")
        )
        made = dict(
            CheckIn.objects.filter(
                patrol__route__in=list(by_pk), at__gte=midnight(first), at__lt=midnight(last)
            )
            .filter(Exists(on_a_stop))
            .values("patrol__route")
            .annotate(n=Count("pk"))
            .values_list("patrol__route", "n")
        )
        figures: dict[str, dict[str, float]] = {}
        for pk, route in by_pk.items():
            planned = planned_check_ins(route, route.stop_count, first, last)
            key = str(route.worker_id) if unit.per_person else route.grid.path[: unit.path_length]
            totals = figures.setdefault(key, {MADE: 0, PLANNED: 0})
            totals[MADE] += min(made.get(pk, 0), planned)
            totals[PLANNED] += planned
        return figures


catalogue.register(
    Presence(),
    Indicator(
        "gridwork.presence_rate",
        _("On-site rate (到位率)"),
        unit="%",
        kind="rate",
        numerator=(MADE,),
        denominator=(PLANNED,),
        decimals=4,
        order=90,
        definition=_(
            "Check-ins made on the routes' patrols (at most as many as planned) ÷ "
            "check-ins planned: patrols a week × checkpoints × days ÷ 7."
        ),
    ),
)
