"""What the indicators app exports (linli.exports.kinds): the table of a level and
period, as the page shows it."""

from typing import Any

from django.utils.translation import gettext_lazy

from linli.accounts.models import User
from linli.exports.kinds import ExportKind, register
from linli.exports.writer import Column
from linli.indicators.filters import LEVEL_NAMES, IndicatorQuery
from linli.indicators.permissions import INDICATOR_VIEW
from linli.indicators.tables import Row, indicator_table, indicators_at


def _columns(query: IndicatorQuery) -> list[Column]:
    """The place, the unit, then each indicator of the level (rates as fractions shown as %)."""
    return [
        Column(gettext_lazy("Place")),
        Column(LEVEL_NAMES[query.level]),
        *(Column(i.name, "0.0%" if i.kind == "rate" else None) for i in indicators_at(query.level)),
    ]


def _rows(user: User, query: IndicatorQuery) -> list[Row]:
    return indicator_table(
        user=user, first=query.first, last=query.last, level=query.level, rank_by=query.rank_by
    )


def _cells(row: Row, query: IndicatorQuery) -> list[Any]:
    return [row.place, row.name, *(row.value(i.code) for i in indicators_at(query.level))]


def _details(query: IndicatorQuery) -> dict[str, Any]:
    return {"level": query.level, "start": query.first.isoformat(), "end": query.last.isoformat()}


TABLE = register(
    ExportKind(
        code="indicators.table",
        title=gettext_lazy("Indicators"),
        file_stem=lambda query: f"考核指标-{query.first:%Y%m%d}-{query.last:%Y%m%d}",
        sheet="考核指标",
        action=INDICATOR_VIEW,
        filter=IndicatorQuery,
        object_type="indicators.table",
        columns=_columns,
        rows=_rows,
        row=_cells,
        details=_details,
    )
)
