"""/api/v1/indicators: what indicators there are, and their values per unit."""

from django.http import HttpRequest
from ninja import Query
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.indicators import Indicator
from linli.core.routers import Router
from linli.indicators.filters import IndicatorQuery
from linli.indicators.permissions import INDICATOR_VIEW
from linli.indicators.schemas import IndicatorOut, RowOut
from linli.indicators.tables import indicator_table, indicators_at

router = Router(tags=["indicators"])


@router.get(
    "/indicators",
    response=list[IndicatorOut],
    operation_id="indicator_list",
    url_name="indicator-list",
)
@requires(INDICATOR_VIEW)
def indicator_list(request: HttpRequest, level: str = "community") -> list[Indicator]:
    """The indicators given at a level (default: community), in the tables' order."""
    return indicators_at(level)


@router.get(
    "/indicators/values",
    response=list[RowOut],
    operation_id="indicator_values",
    url_name="indicator-values",
)
@requires(INDICATOR_VIEW)
@paginate
def indicator_values(request: HttpRequest, query: Query[IndicatorQuery]) -> list[dict[str, object]]:
    """Every indicator of the level per unit (region, person or organisation) for the
    period, in the caller's regions, ranked by `sort` (an indicator's code; default
    the on-time rate)."""
    shown = indicators_at(query.level)
    rows = indicator_table(
        user=signed_in_user(request),
        first=query.first,
        last=query.last,
        level=query.level,
        rank_by=query.rank_by,
    )
    return [
        {
            "key": r.key,
            "name": r.name,
            "place": r.place,
            "values": {i.code: r.value(i.code) for i in shown},
        }
        for r in rows
    ]
