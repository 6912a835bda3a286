"""到位率 (on-site rate): check-ins made ÷ check-ins planned by the patrol routes,
for a period of whole days, per grid worker or per region level (docs/kpis.md)."""

from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from linli.gridwork.models import CheckIn, Route, RouteStop
from linli.gridwork.permissions import PATROL_VIEW


def planned_check_ins(route: Route, stops: int, first: date, last: date) -> int:
    """Check-ins `route` plans in the days [first, last): its patrols a week × its
    checkpoints × the weeks (in days ÷ 7) it was planned within the period.
    `ended_on` is the first day no longer planned."""
    start = max(first, route.starts_on)
    end = min(last, route.ended_on) if route.ended_on else last
    days = max(0, (end - start).days)
    return round(route.patrols_per_week * stops * days / 7)


def presence_figures(
    *, user, start: datetime, end: datetime, unit_of
) -> dict[str, tuple[int, int]]:
    """Per unit — `unit_of(route)` gives its key — (check-ins made, planned) in
    [start, end). Made: check-ins at a stop of the route during patrols following it,
    counted at most up to what the route planned (extra patrols do not make up for
    another route's misses)."""
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(start, zone).date(), timezone.localtime(end, zone).date()
    routes = (
        Route.objects.visible_to(user, PATROL_VIEW)
        .filter(starts_on__lt=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .select_related("grid")
        .annotate(stop_count=Count("stops"))
    )
    routes = {r.pk: r for r in routes}
    on_a_stop = RouteStop.objects.filter(
        route=OuterRef("patrol__route"), checkpoint=OuterRef("checkpoint")
    )
    made = dict(
        CheckIn.objects.filter(patrol__route__in=list(routes), at__gte=start, at__lt=end)
        .filter(Exists(on_a_stop))
        .values("patrol__route")
        .annotate(n=Count("pk"))
        .values_list("patrol__route", "n")
    )
    figures: dict[str, tuple[int, int]] = {}
    for pk, route in routes.items():
        planned = planned_check_ins(route, route.stop_count, first, last)
        key = unit_of(route)
        done, due = figures.get(key, (0, 0))
        figures[key] = (done + min(made.get(pk, 0), planned), due + planned)
    return figures
