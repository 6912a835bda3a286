"""The notices' indicators (docs/kpis.md): notices published, and the read rate of the
notices published — per subdistrict or community.

A period source: a notice's readers keep coming after it is published, and its
audience is counted from the registry when asked (as its read receipts count it), so
the figures are computed for the period at once, not rolled up. A notice counts where
it was written: a community's in its community's row, a subdistrict's in the
subdistrict's (not in its communities' rows). Its audience and readers count where
they live: a district's notice read by one of 车站社区's residents is a read in
车站社区's row, out of 车站社区's residents it was for.
"""

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.notices.audience import audience_residents, has_read
from linli.notices.choices import NoticeState
from linli.notices.models import Notice
from linli.notices.permissions import NOTICE_VIEW
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community")
PUBLISHED, AUDIENCE, READ = "notices.published", "notices.audience", "notices.audience_read"
# Notices published and not taken back: withdrawn ones were published too, and read.
SHOWN = (NoticeState.PUBLISHED, NoticeState.EXPIRED, NoticeState.WITHDRAWN)


class NoticeFigures:
    """Notices published, their audience and readers (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(PUBLISHED, _("notices published"), NOTICE_VIEW),
        Measure(AUDIENCE, _("residents the notices published were for"), NOTICE_VIEW),
        Measure(READ, _("of them, residents who read the notice"), NOTICE_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per region unit, the notices published in [first, last) there, and for the
        notices published then for residents, one (notice, resident) pair per resident
        of the audience living there, and those of them who have read it."""
        length = unit.path_length
        if length is None:
            return {}
        notices = Notice.objects.filter(
            state__in=SHOWN, published_at__gte=midnight(first), published_at__lt=midnight(last)
        ).select_related("region")
        figures: dict[str, dict[str, float]] = {}

        def add(path: str, code: str, value: int) -> None:
            if value and len(path) >= length:
                totals = figures.setdefault(path[:length], {})
                totals[code] = totals.get(code, 0) + value

        within = regions_within(paths).values("pk") if paths is not None else None
        for notice in notices:
            path = notice.region.path
            if paths is None or any(path.startswith(p) for p in paths):
                add(path, PUBLISHED, 1)
            audience = audience_residents(notice)
            if within is not None:
                audience = audience.filter(grid__in=within)
            counted: Any = (
                audience.annotate(seen=has_read(notice))
                .values("grid__path")
                .annotate(n=Count("pk"), read=Count("pk", filter=Q(seen=True)))
                .order_by()
            )
            for row in counted:
                add(row["grid__path"], AUDIENCE, row["n"])
                add(row["grid__path"], READ, row["read"])
        return figures


catalogue.register(
    NoticeFigures(),
    Indicator(
        PUBLISHED,
        _("Notices published"),
        unit=_("notices"),
        kind="count",
        numerator=(PUBLISHED,),
        higher_is_better=None,
        levels=LEVELS,
        order=400,
        definition=_(
            "Notices published in the period by the region or below it (withdrawn "
            "ones included: they were published)."
        ),
    ),
    Indicator(
        "notices.read_rate",
        _("Notices read"),
        unit="%",
        kind="rate",
        numerator=(READ,),
        denominator=(AUDIENCE,),
        decimals=4,
        levels=LEVELS,
        order=410,
        definition=_(
            "Of the notices published in the period for residents: the residents of the "
            "region each was for who have read it ÷ those it was for (its audience "
            "counted from the registry now, as its read receipts count it)."
        ),
    ),
)
