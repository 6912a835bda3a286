"""Elderly care's indicators (docs/kpis.md): elders with a profile per living
situation, and elders with a call button at home, per subdistrict or community.

These are stocks, not events: a period source counted from the profiles as they are
now (the period chosen does not change them), where the elder is registered.
"""

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.care.choices import LivingSituation
from linli.care.models import ElderProfile
from linli.care.permissions import ELDER_VIEW
from linli.care.services import CALL_BUTTON
from linli.core.indicators import Indicator, Measure, Unit, catalogue
from linli.devices.models import Device
from linli.regions.selectors import regions_within

LEVELS = ("subdistrict", "community")
PROFILES, CALL_BUTTONS = "care.profiles", "care.call_buttons"
SITUATION = {s.value: f"care.{s.value}" for s in LivingSituation}
NAMES = {  # (each its own string: a lazy string formatted at import would not translate)
    LivingSituation.ALONE: _("Elders living alone"),
    LivingSituation.SPOUSE: _("Elders living with a spouse"),
    LivingSituation.CHILDREN: _("Elders living with children"),
    LivingSituation.EMPTY_NEST: _("Empty-nest elders"),
}


class ElderFigures:
    """Elders with a profile, by living situation and call button (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(PROFILES, _("elders with a profile"), ELDER_VIEW),
        Measure(CALL_BUTTONS, _("of them, with a call button at home"), ELDER_VIEW),
        *(Measure(SITUATION[s.value], NAMES[s], ELDER_VIEW) for s in LivingSituation),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        length = unit.path_length
        if length is None:
            return {}
        found = ElderProfile.objects.filter(resident__status="living")
        if paths is not None:
            found = found.filter(resident__grid__in=regions_within(paths).values("pk"))
        button = Device.objects.filter(
            house=OuterRef("resident__household__house"),
            profile__code=CALL_BUTTON,
            retired_at__isnull=True,
        )
        counts: dict[str, Any] = {
            "n": Count("pk"),
            "buttons": Count("pk", filter=Q(has_button=True)),
            **{s.value: Count("pk", filter=Q(living_situation=s.value)) for s in LivingSituation},
        }
        rows = (
            found.annotate(key=Substr("resident__grid__path", 1, length), has_button=Exists(button))
            .values("key")
            .annotate(**counts)
            .order_by()
        )
        figures: dict[str, dict[str, float]] = {}
        found_rows: list[dict[str, Any]] = [dict(row) for row in rows]  # (the counts untyped)
        for row in found_rows:
            if len(row["key"]) != length:
                continue
            totals = figures.setdefault(row["key"], {})
            totals[PROFILES] = row["n"]
            totals[CALL_BUTTONS] = row["buttons"]
            for s in LivingSituation:
                totals[SITUATION[s.value]] = row[s.value]
        return figures


catalogue.register(
    ElderFigures(),
    *(
        Indicator(
            SITUATION[s.value],
            NAMES[s],
            unit=_("elders"),
            kind="count",
            numerator=(SITUATION[s.value],),
            higher_is_better=None,
            levels=LEVELS,
            order=700 + i,
            definition=_(
                "Elders whose profile records this living situation, as of now (a stock: "
                "the period does not change it)."
            ),
        )
        for i, s in enumerate(LivingSituation)
    ),
    Indicator(
        "care.call_button_rate",
        _("Elders with a call button"),
        unit="%",
        kind="rate",
        numerator=(CALL_BUTTONS,),
        denominator=(PROFILES,),
        decimals=4,
        levels=LEVELS,
        order=710,
        definition=_(
            "Elders with a profile who have a call button (一键呼叫器) in service at home, "
            "of all elders with a profile, as of now."
        ),
    ),
)
