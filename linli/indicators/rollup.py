"""The one rollup: every app's day sources (linli.core.indicators.DaySource) add what
they have new into the narrow table of day figures (`DayFigure`), one INSERT …
SELECT … ON CONFLICT DO UPDATE per grouped query (the same statement on PostgreSQL
and SQLite), each measure a row of its own, zeros left out."""

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from linli.core.indicators import catalogue, column
from linli.indicators.models import DayFigure


def rollup() -> int:
    """Run every day source's rollup; returns the rows they took."""
    return sum(source.rollup(store) for source in catalogue.day_sources)


def store(grouped: QuerySet[Any]) -> None:
    """Add a day source's grouped rows (`day`, `region_path`, `subgroup` and a column
    per measure) into the day figures."""
    measures = [code for code in catalogue.measures if column(code) in grouped.query.annotations]
    sql, params = grouped.query.sql_with_params()
    q = connection.ops.quote_name
    table = q(DayFigure._meta.db_table)
    value = (
        "CASE m.measure "
        + " ".join(f"WHEN %s THEN g.{q(column(code))}" for code in measures)
        + " END"
    )
    names = " UNION ALL ".join("SELECT %s AS measure" for _ in measures)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (measure, day, region_path, subgroup, value) "  # noqa: S608 (names from models)
            f"SELECT m.measure, g.day, g.region_path, g.subgroup, {value} "
            f"FROM ({sql}) AS g CROSS JOIN ({names}) AS m WHERE {value} <> 0 "
            "ON CONFLICT (measure, day, region_path, subgroup) "
            f"DO UPDATE SET value = {table}.value + excluded.value",
            [*measures, *params, *measures, *measures],
        )
