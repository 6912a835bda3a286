"""The entitlements' indicators (docs/kpis.md): grants in force by kind, and the
应享未享 count — residents who qualify for a kind granted now and have no open grant
of it — per subdistrict or community (the grid the grant or resident belongs to).

A period source: grants are counted as in force on the period's last day; the
应享未享 count is the registry's facts of today (the conditions read labels and
certificates as they are now, not as they were), so it is the same for every period.
"""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.core.indicators import Indicator, Measure, Unit, catalogue
from linli.entitlements import engine
from linli.entitlements.catalogue import KINDS
from linli.entitlements.models import Grant, GrantKind
from linli.entitlements.permissions import ENTITLEMENT_VIEW
from linli.regions.selectors import regions_within
from linli.registry.models import Resident

LEVELS = ("subdistrict", "community")
GRANTS, UNSERVED = "entitlements.grants", "entitlements.unserved"
NAMES = {entry["code"]: entry["name"] for entry in KINDS}


def per_kind(code: str) -> str:
    return f"entitlements.grants_{code.replace('-', '_')}"


class GrantFigures:
    """Grants in force and 应享未享 (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(GRANTS, _("grants in force on the period's last day"), ENTITLEMENT_VIEW),
        Measure(
            UNSERVED,
            _("residents who qualify for a kind and have no grant of it"),
            ENTITLEMENT_VIEW,
        ),
        *(
            Measure(
                per_kind(code),
                format_lazy(_("grants in force: {kind}"), kind=name),
                ENTITLEMENT_VIEW,
            )
            for code, name in NAMES.items()
        ),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        if unit.path_length is None:
            return {}
        day = last - timedelta(days=1)
        grants = Grant.objects.filter(starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=day)
        )
        residents = Resident.objects.all()
        if paths is not None:
            grids = regions_within(paths).values("pk")
            grants, residents = grants.filter(grid__in=grids), residents.filter(grid__in=grids)
        figures: dict[str, dict[str, float]] = {}

        def add(path: str, code: str, value: float) -> None:
            if value:
                totals = figures.setdefault(path[: unit.path_length], {})
                totals[code] = totals.get(code, 0) + value

        for row in grants.values("grid__path", "kind__code").annotate(n=Count("pk")).order_by():
            add(row["grid__path"], GRANTS, row["n"])
            if row["kind__code"] in NAMES:
                add(row["grid__path"], per_kind(row["kind__code"]), row["n"])
        for kind in GrantKind.objects.filter(active=True):
            has = Grant.objects.filter(resident=OuterRef("pk"), kind=kind, ends_on__isnull=True)
            found = (
                residents.filter(engine.qualifying_q(kind))
                .exclude(Exists(has))
                .values("grid__path")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for counted in found:
                add(counted["grid__path"], UNSERVED, counted["n"])
        return figures


catalogue.register(
    GrantFigures(),
    Indicator(
        GRANTS,
        _("Grants in force"),
        unit=_("grants"),
        kind="count",
        numerator=(GRANTS,),
        higher_is_better=None,
        levels=LEVELS,
        order=700,
        definition=_("Entitlements for special groups in force on the period's last day."),
    ),
    Indicator(
        UNSERVED,
        _("Qualify but not granted"),
        unit=_("people-kinds"),
        kind="count",
        numerator=(UNSERVED,),
        higher_is_better=False,
        levels=LEVELS,
        order=701,
        definition=_(
            "应享未享: for each grant kind granted now, the residents who meet every "
            "condition by the registry's facts of today and have no open grant of it "
            "(a person missing two kinds counts twice)."
        ),
    ),
    *(
        Indicator(
            per_kind(code),
            format_lazy(_("Grants: {kind}"), kind=name),
            unit=_("grants"),
            kind="count",
            numerator=(per_kind(code),),
            higher_is_better=None,
            levels=LEVELS,
            order=710 + n,
            definition=format_lazy(
                _("Grants of {kind} in force on the period's last day."), kind=name
            ),
        )
        for n, (code, name) in enumerate(NAMES.items())
    ),
)
