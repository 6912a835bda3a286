from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.indicators import catalogue
from linli.exports.services import export_start
from linli.exports.views import export_answer
from linli.indicators.exports import TABLE
from linli.indicators.filters import LEVEL_NAMES, IndicatorQuery
from linli.indicators.permissions import INDICATOR_VIEW
from linli.indicators.tables import RANK_MIN, Row, day_series, indicator_table, indicators_at

CHART_UNITS = 30  # the ranking chart's bars
TREND = ["cases.received", "cases.closes"]  # the dashboard's lines, per day


def _charts(
    request: HttpRequest, rows: list[Row], sort: str, query: IndicatorQuery
) -> dict[str, object]:
    """The dashboard's data: the ranked indicator per unit, and cases per day."""
    indicator = catalogue.indicators[sort]
    values = [(r.name, r.value(sort) or 0) for r in rows if r.place is not None][:CHART_UNITS]
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
    query, errors = IndicatorQuery.from_query(request.GET)
    if request.GET.get("export") == "xlsx" and not errors:
        return export_answer(export_start(user=user, kind=TABLE, filters=query))
    rows = indicator_table(
        user=user, first=query.first, last=query.last, level=query.level, rank_by=query.rank_by
    )
    return render(
        request,
        "indicators/table.html",
        {
            "charts": _charts(request, rows, query.rank_by, query),
            "query": query,
            "errors": errors,
            "rows": rows,
            "indicators": indicators_at(query.level),
            "levels": LEVEL_NAMES.items(),
            "sort": query.rank_by,
            "rank_min": RANK_MIN,
            "export_query": request.GET.urlencode(),
        },
    )
