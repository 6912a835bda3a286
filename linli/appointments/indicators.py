"""The appointments' indicator (docs/kpis.md): mean waiting time at the window, per
subdistrict or community, from the tickets of the period's days: the time from taking
a ticket to its first call (`Ticket.waited_s`, set at that call), over the tickets
called. A centre counts at its region's level and above."""

from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from linli.appointments.models import Ticket
from linli.appointments.permissions import CENTRE_VIEW
from linli.core.indicators import Indicator, Measure, Unit, catalogue
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community")
WAIT_SECONDS, CALLED = "appointments.wait_seconds", "appointments.tickets_called"


class WaitingFigures:
    """Seconds waited and tickets called, over a period (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(WAIT_SECONDS, _("seconds waited from ticket to call"), CENTRE_VIEW),
        Measure(CALLED, _("tickets called to a window"), CENTRE_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        tickets = Ticket.objects.filter(day__gte=first, day__lt=last, waited_s__isnull=False)
        if paths is not None:
            tickets = tickets.filter(centre__region__in=regions_within(paths).values("pk"))
        figures: dict[str, dict[str, float]] = {}
        rows = (
            tickets.values("centre__region__path")
            .annotate(n=Count("pk"), s=Sum("waited_s"))
            .order_by()
        )
        for row in rows:
            path = row["centre__region__path"]
            if len(path) < length:
                continue
            totals = figures.setdefault(path[:length], {})
            totals[CALLED] = totals.get(CALLED, 0) + row["n"]
            totals[WAIT_SECONDS] = totals.get(WAIT_SECONDS, 0) + (row["s"] or 0)
        return figures


catalogue.register(
    WaitingFigures(),
    Indicator(
        "appointments.mean_wait",
        _("Mean waiting time at the window"),
        unit=_("minutes"),
        kind="mean",
        numerator=(WAIT_SECONDS,),
        denominator=(CALLED,),
        scale=1 / 60,
        decimals=1,
        higher_is_better=False,
        levels=LEVELS,
        order=460,
        definition=_(
            "Minutes from taking a ticket (at the kiosk or on arrival with an appointment) "
            "to its first call to a window, averaged over the tickets called in the period."
        ),
    ),
)
