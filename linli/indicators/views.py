from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.indicators import catalogue
from linli.core.xlsx import xlsx_download
from linli.indicators.export import table_workbook
from linli.indicators.filters import IndicatorQuery
from linli.indicators.permissions import INDICATOR_VIEW
from linli.indicators.tables import Row, day_series, indicator_table, indicators_at

LEVELS = {
    "subdistrict": gettext_lazy("Subdistrict"),
    "community": gettext_lazy("Community"),
    "grid": gettext_lazy("Grid"),
    "handler": gettext_lazy("Handler"),
    "organisation": gettext_lazy("Department or company"),
}
DEFAULT_SORT = "cases.on_time_rate"
CHART_UNITS = 30  # the ranking chart's bars
TREND = ["cases.received", "cases.closes"]  # the dashboard's lines, per day


def _query(request: HttpRequest) -> tuple[IndicatorQuery, list[str]]:
    """The page's query, or the default one and what was wrong."""
    return IndicatorQuery.from_query(request.GET)


def _charts(
    request: HttpRequest, rows: list[Row], sort: str, query: IndicatorQuery
) -> dict[str, object]:
    """The dashboard's data: the ranked indicator per unit, and cases per day."""
    indicator = catalogue.indicators[sort]
    values = [(r.name, v) for r in rows if (v := r.value(sort)) is not None][:CHART_UNITS]
    rate = indicator.kind == "rate"
    days = day_series(user=signed_in_user(request), first=query.first, last=query.last, codes=TREND)
    return {
        "ranking": {
            "title": str(indicator.name),
            "percent": rate,
            "names": [name for name, _value in values],
            "values": [round(value * 100, 1) if rate else value for _name, value in values],
        },
        "days": {
            "title": _("Cases per day"),
            "dates": [day.strftime("%m-%d") for day, _totals in days],
            "series": [
                {"name": _("Received"), "values": [totals[0] for _day, totals in days]},
                {"name": _("Closed"), "values": [totals[1] for _day, totals in days]},
            ],
        },
    }


@requires(INDICATOR_VIEW)
@require_GET
def table(request: HttpRequest) -> HttpResponseBase:
    """Indicators per unit for a period, ranked by a chosen one; `?export=xlsx`
    downloads the same table (audited)."""
    user = signed_in_user(request)
    query, errors = _query(request)
    shown = indicators_at(query.level)
    sort = request.GET.get("sort", "")
    if sort not in {i.code for i in shown}:
        sort = DEFAULT_SORT
    rows = indicator_table(
        user=signed_in_user(request),
        first=query.first,
        last=query.last,
        level=query.level,
        rank_by=sort,
    )
    if request.GET.get("export") == "xlsx" and not errors:
        content, name = table_workbook(
            user=user,
            rows=rows,
            query=query,
            indicators=shown,
            level_name=str(LEVELS[query.level]),
        )
        return xlsx_download(content, name)
    return render(
        request,
        "indicators/table.html",
        {
            "charts": _charts(request, rows, sort, query),
            "query": query,
            "errors": errors,
            "rows": rows,
            "indicators": shown,
            "levels": LEVELS.items(),
            "sort": sort,
            "export_query": request.GET.urlencode(),
        },
    )
