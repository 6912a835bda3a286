"""Elders per care level (docs/kpis.md): the residents whose latest confirmed
assessment before the period's end puts them at each level, per subdistrict,
community or grid — a period source, since a level is a state, not an event."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.assessment.choices import AssessmentState, CareLevel
from linli.assessment.models import Assessment
from linli.assessment.permissions import ASSESSMENT_VIEW
from linli.core.indicators import Indicator, Measure, Unit, catalogue
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus

LEVELS = ("subdistrict", "community", "grid")
ASSESSED = "assessment.assessed"


def measure(level: str) -> str:
    return f"assessment.level_{level}"


class CareLevels:
    """Elders at each care level at the end of the period (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(ASSESSED, _("elders with a care level"), ASSESSMENT_VIEW),
        *(Measure(measure(code), label, ASSESSMENT_VIEW) for code, label in CareLevel.choices),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        confirmed = Assessment.objects.filter(state=AssessmentState.CONFIRMED, assessed_on__lt=last)
        later = confirmed.filter(resident=OuterRef("resident")).filter(
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        )
        found = confirmed.filter(resident__status=ResidentStatus.LIVING).exclude(Exists(later))
        if paths is not None:
            found = found.filter(grid__in=regions_within(paths).values("pk"))
        rows = (
            found.annotate(key=Substr("grid__path", 1, length))
            .values("key", "level")
            .annotate(n=Count("pk"))
            .order_by()
        )
        figures: dict[str, dict[str, float]] = {}
        for row in rows:
            totals = figures.setdefault(row["key"], {})
            totals[measure(row["level"])] = totals.get(measure(row["level"]), 0) + row["n"]
            totals[ASSESSED] = totals.get(ASSESSED, 0) + row["n"]
        return figures


catalogue.register(
    CareLevels(),
    Indicator(
        ASSESSED,
        _("Elders with a care level"),
        unit=_("people"),
        kind="count",
        numerator=(ASSESSED,),
        higher_is_better=None,
        levels=LEVELS,
        order=600,
        definition=_(
            "Living residents with a confirmed ability assessment by the end of the period."
        ),
    ),
    *(
        Indicator(
            measure(code),
            label,
            unit=_("people"),
            kind="count",
            numerator=(measure(code),),
            higher_is_better=None,
            levels=LEVELS,
            order=601 + n,
            definition=_("Elders whose latest confirmed assessment puts them at this level."),
        )
        for n, (code, label) in enumerate(CareLevel.choices)
    ),
    Indicator(
        "assessment.disabled_share",
        _("Severely or totally disabled"),
        unit="%",
        kind="rate",
        numerator=(measure(CareLevel.SEVERE), measure(CareLevel.TOTAL)),
        denominator=(ASSESSED,),
        decimals=4,
        higher_is_better=None,
        levels=LEVELS,
        order=610,
        definition=_("Share of the elders with a care level who are severely or totally disabled."),
    ),
)
