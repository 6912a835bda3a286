"""Reading indicator tables in tests."""

from datetime import date, timedelta

from django.utils import timezone

from linli.indicators.tables import Row, indicator_table


def table(user, level: str = "community", *, days: int = 30, last: date | None = None) -> dict:
    """The table of the last `days` days up to `last` (default today, included), by
    unit key (a region path, a person's or an organisation's id)."""
    last = last or timezone.localdate()
    rows: list[Row] = indicator_table(
        user=user, first=last - timedelta(days=days - 1), last=last, level=level
    )
    return {row.key: row for row in rows}
