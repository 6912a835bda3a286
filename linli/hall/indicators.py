"""The service hall's indicators (docs/kpis.md): applications received and completed,
the on-time rate, the mean days to a decision, the share of 最多跑一次 matters done in
one visit, and the applicants' satisfaction (好差评) — per subdistrict or community,
where the application belongs (the applicant's community).

A period source: an application counts in the period its event falls in (received:
submitted; decided; completed), computed for the period at once from the
applications (indexed by state and time), not rolled up.
"""

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.hall.choices import COMPLETED_STATES
from linli.hall.models import Application
from linli.hall.permissions import APPLICATION_VIEW
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community")
RECEIVED, COMPLETED, DECIDED = "hall.received", "hall.completed", "hall.decided"
ON_TIME, DECISION_SECONDS = "hall.on_time", "hall.decision_seconds"
ONE_VISIT, ONE_VISIT_DONE = "hall.one_visit", "hall.one_visit_done"
RATINGS, RATING_SUM = "hall.ratings", "hall.rating_sum"
DAY = 86_400


class ApplicationFigures:
    """Applications received, decided and completed in a period (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(RECEIVED, _("applications received"), APPLICATION_VIEW),
        Measure(COMPLETED, _("applications completed"), APPLICATION_VIEW),
        Measure(DECIDED, _("applications decided"), APPLICATION_VIEW),
        Measure(ON_TIME, _("of them, decided within the promised time"), APPLICATION_VIEW),
        Measure(DECISION_SECONDS, _("seconds from acceptance to decision"), APPLICATION_VIEW),
        Measure(ONE_VISIT, _("最多跑一次 applications completed"), APPLICATION_VIEW),
        Measure(ONE_VISIT_DONE, _("of them, done in at most one visit"), APPLICATION_VIEW),
        Measure(RATINGS, _("applications rated"), APPLICATION_VIEW),
        Measure(RATING_SUM, _("sum of the ratings"), APPLICATION_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        start, end = midnight(first), midnight(last)
        found = Application.objects.all()
        if paths is not None:
            found = found.filter(region__in=regions_within(paths).values("pk"))
        key = Substr("region__path", 1, length)
        figures: dict[str, dict[str, float]] = {}

        def add(rows: Any, codes: dict[str, str]) -> None:
            for row in rows:
                totals = figures.setdefault(row["key"], {})
                for code, name in codes.items():
                    totals[code] = totals.get(code, 0) + float(row[name] or 0)

        received = (
            found.filter(submitted_at__gte=start, submitted_at__lt=end)
            .annotate(key=key)
            .values("key")
            .annotate(n=Count("pk"))
            .order_by()
        )
        add(received, {RECEIVED: "n"})
        decided = (
            found.filter(decided_at__gte=start, decided_at__lt=end, accepted_at__isnull=False)
            .annotate(key=key)
            .values("key")
            .annotate(
                n=Count("pk"),
                on_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))),
                seconds=Sum(F("decided_at") - F("accepted_at")),
            )
            .order_by()
        )
        for row in decided:
            row["seconds"] = row["seconds"].total_seconds() if row["seconds"] else 0
        add(decided, {DECIDED: "n", ON_TIME: "on_time", DECISION_SECONDS: "seconds"})
        completed = (
            found.filter(completed_at__gte=start, completed_at__lt=end, state__in=COMPLETED_STATES)
            .annotate(key=key)
            .values("key")
            .annotate(
                n=Count("pk"),
                one_visit=Count("pk", filter=Q(matter__one_visit=True)),
                one_visit_done=Count("pk", filter=Q(matter__one_visit=True, visits__lte=1)),
                ratings=Count("pk", filter=Q(rating__isnull=False)),
                rating_sum=Sum("rating"),
            )
            .order_by()
        )
        add(
            completed,
            {
                COMPLETED: "n",
                ONE_VISIT: "one_visit",
                ONE_VISIT_DONE: "one_visit_done",
                RATINGS: "ratings",
                RATING_SUM: "rating_sum",
            },
        )
        return {k: v for k, v in figures.items() if len(k) == length}


catalogue.register(
    ApplicationFigures(),
    Indicator(
        RECEIVED,
        _("Applications received"),
        unit=_("applications"),
        kind="count",
        numerator=(RECEIVED,),
        higher_is_better=None,
        levels=LEVELS,
        order=500,
        definition=_(
            "Applications for service matters submitted in the period, online or at a desk."
        ),
    ),
    Indicator(
        COMPLETED,
        _("Applications completed"),
        unit=_("applications"),
        kind="count",
        numerator=(COMPLETED,),
        levels=LEVELS,
        order=510,
        definition=_("Applications delivered, or decided not to approve, in the period."),
    ),
    Indicator(
        "hall.on_time_rate",
        _("Decided on time"),
        unit="%",
        kind="rate",
        numerator=(ON_TIME,),
        denominator=(DECIDED,),
        decimals=4,
        levels=LEVELS,
        order=520,
        definition=_(
            "Of the applications decided in the period: those decided within the promised "
            "time limit (working days from acceptance; the time waiting for a supplement is added)."
        ),
    ),
    Indicator(
        "hall.days_to_decision",
        _("Days to decision"),
        unit=_("days"),
        kind="mean",
        numerator=(DECISION_SECONDS,),
        denominator=(DECIDED,),
        scale=1 / DAY,
        decimals=1,
        higher_is_better=False,
        levels=LEVELS,
        order=530,
        definition=_(
            "Mean calendar days from acceptance to decision, of the applications decided "
            "in the period."
        ),
    ),
    Indicator(
        "hall.one_visit_rate",
        _("Done in one visit"),
        unit="%",
        kind="rate",
        numerator=(ONE_VISIT_DONE,),
        denominator=(ONE_VISIT,),
        decimals=4,
        levels=LEVELS,
        order=540,
        definition=_(
            "Of the completed applications for 最多跑一次 matters: those for which the "
            "applicant came to the window at most once."
        ),
    ),
    Indicator(
        "hall.satisfaction",
        _("Service rating"),
        unit=_("stars"),
        kind="mean",
        numerator=(RATING_SUM,),
        denominator=(RATINGS,),
        decimals=2,
        levels=LEVELS,
        order=550,
        definition=_(
            "Mean rating (好差评, 1–5) the applicants gave the applications completed "
            "in the period."
        ),
    ),
)
