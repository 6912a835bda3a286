"""更新频次 (how often grid data is updated): the registry changes made in a period —
records created, updated, verified, people moved in or out — per region level or per
person who made them (docs/kpis.md). Counted from the change history for the period
(`RecordChange`, indexed by grid and time): a period source."""

from datetime import date

from django.db.models import CharField, Count, F
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.regions.selectors import regions_within
from linli.registry.models import RecordChange
from linli.registry.permissions import REGISTRY_VIEW

UPDATES = "registry.updates"


class Updates:
    measures: tuple[Measure, ...] = (Measure(UPDATES, _("registry changes"), REGISTRY_VIEW),)

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        changes = RecordChange.objects.filter(
            grid__in=regions_within(paths).values("pk"),
            at__gte=midnight(first),
            at__lt=midnight(last),
        )
        if unit.per_person:
            per_unit = changes.filter(actor__isnull=False).annotate(
                unit=Cast(F("actor"), CharField())
            )
        else:
            per_unit = changes.annotate(unit=Substr("grid__path", 1, unit.path_length))
        return {
            row["unit"]: {UPDATES: row["n"]}
            for row in per_unit.values("unit").annotate(n=Count("pk")).order_by()
        }


catalogue.register(
    Updates(),
    Indicator(
        UPDATES,
        _("Data updates (更新频次)"),
        unit=_("changes"),
        kind="count",
        numerator=(UPDATES,),
        order=100,
        definition=_(
            "Registry changes made in the period: records created or updated, households "
            "verified, people moved in, out or within, households split or merged."
        ),
    ),
)
