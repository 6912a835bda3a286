"""Tables of indicators: one row per unit (a region level, a person, an organisation)
for a period of whole days, in the user's scope, from every app's sources.

Day sources' figures are the day figures of the period plus the rows not rolled up
yet, read in one snapshot, so a table is exact up to the last change; period sources
compute the period at once. Each measure counts only the regions the user may view
for its action (`case.view` for the cases', `registry.view` for the registry's).
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from linli.accounts.models import User
from linli.core.indicators import Indicator, Measure, Unit, catalogue, column, midnight
from linli.indicators.models import DayFigure
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.registry.models import Affiliation

LEVELS = {
    "subdistrict": PATH_LENGTH[Level.SUBDISTRICT],
    "community": PATH_LENGTH[Level.COMMUNITY],
    "grid": PATH_LENGTH[Level.GRID],
    "handler": None,
    "organisation": None,  # the people's figures, added up per organisation they act for
}
PERSON = "person:"
RANK_MIN = 5  # a rate or mean on fewer cases (checks, changes…) is shown but not ranked


@dataclass
class Row:
    """One unit's measures (`totals`, summed) and the indicators made of them: by code
    (`row.value("cases.on_time_rate")`) or by the name after the app's
    (`row.on_time_rate`, `row.closes`); None where a rate has nothing to divide."""

    key: str
    name: str = ""
    totals: dict[str, float] = field(default_factory=dict)
    place: int | None = None  # in the ranking; None: not ranked (see `rank`)

    def value(self, code: str) -> float | None:
        indicator = catalogue.indicators.get(code)
        if indicator is None:
            return self.totals.get(code, 0)
        return indicator.value(self.totals)

    def __getattr__(self, name: str) -> float | None:
        code = short_names().get(name)
        if code is None:
            raise AttributeError(name)
        return self.value(code)

    def add(self, found: dict[str, float]) -> None:
        for code, value in found.items():
            if value:  # a zero is no figure: the day figures keep none either
                self.totals[code] = self.totals.get(code, 0) + value


def short_names() -> dict[str, str]:
    """Indicator and measure codes by the name after their app's (`on_time_rate`)."""
    names: dict[str, str] = {}
    for code in [*catalogue.measures, *catalogue.indicators]:
        names.setdefault(code.partition(".")[2], code)
    return names


def indicators_at(level: str) -> list[Indicator]:
    """The indicators given at this level, in their order."""
    return sorted(
        (i for i in catalogue.indicators.values() if level in i.levels), key=lambda i: i.order
    )


def _paths(user: User, measure: Measure) -> list[str] | None:
    """The region paths the user may view for the measure's action (None: all)."""
    return None if user.is_superuser else user.scope_paths(measure.action)


def _within(paths: list[str]) -> Q:
    return reduce(or_, (Q(region_path__startswith=p) for p in paths), Q(pk__in=[]))


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Reads that see one committed state: a transaction (REPEATABLE READ on
    PostgreSQL; SQLite's are serialised), unless the caller is already in one — so a
    rollup committing between the day figures and the pending rows is not missed."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _key(unit: Unit, region_path: str, subgroup: str) -> str | None:
    if unit.per_person:
        return subgroup.removeprefix(PERSON) if subgroup.startswith(PERSON) else None
    return region_path[: unit.path_length] if not subgroup else None


def _stored(
    codes: list[str], paths: list[str] | None, first: date, last: date, unit: Unit
) -> QuerySet[Any, Any]:
    """The day figures of `codes` for the days [first, last), per unit and measure."""
    rows = DayFigure.objects.filter(measure__in=codes, day__gte=first, day__lt=last)
    if paths is not None:
        rows = rows.filter(_within(paths))
    if unit.per_person:
        grouped = rows.filter(subgroup__startswith=PERSON).annotate(
            unit=Substr("subgroup", len(PERSON) + 1)
        )
    else:
        grouped = rows.filter(subgroup="").annotate(unit=Substr("region_path", 1, unit.path_length))
    return grouped.values("unit", "measure").annotate(total=Sum("value")).order_by()


type Scope = Callable[[Measure], list[str] | None]


def _day_figures(scope_of: Scope, first: date, last: date, unit: Unit) -> dict[str, dict[str, int]]:
    """Per unit, the day sources' measures for the days [first, last): the day figures,
    and the rows not rolled up yet, in the region paths `scope_of` gives a measure."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with _one_snapshot():
        for source in catalogue.day_sources:
            by_paths: dict[tuple[str, ...] | None, list[str]] = defaultdict(list)
            for measure in source.measures:
                scope = scope_of(measure)
                if scope != []:
                    by_paths[None if scope is None else tuple(scope)].append(measure.code)
            for key_paths, codes in by_paths.items():
                paths = None if key_paths is None else list(key_paths)
                for stored in _stored(codes, paths, first, last, unit):
                    out[stored["unit"]][stored["measure"]] += stored["total"]
                pending = source.pending(paths=paths, start=midnight(first), end=midnight(last))
                for row in pending:
                    key = _key(unit, row["region_path"], row["subgroup"])
                    if key is not None:
                        for code in codes:
                            out[key][code] += row.get(column(code)) or 0
    return out


def _period_figures(
    scope_of: Scope, first: date, last: date, unit: Unit
) -> dict[str, dict[str, float]]:
    """Per unit, the period sources' measures for the days [first, last)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for source in catalogue.period_sources:
        for measure in source.measures:  # one action a source (the first measure's)
            paths = scope_of(measure)
            break
        if paths == []:
            continue
        for key, found in source.figures(paths=paths, first=first, last=last, unit=unit).items():
            out[key].update(found)
    return out


def indicator_table(
    *, user: User, first: date, last: date, level: str, rank_by: str = "cases.on_time_rate"
) -> list[Row]:
    """Every unit of `level` with figures in the days [first, last] (inclusive) in the
    user's scope, best first by the indicator `rank_by` (units without it last; where
    lower is better, the lowest first)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    unit = Unit(LEVELS[level])
    end = last + timedelta(days=1)
    rows: dict[str, Row] = {}

    def scope_of(measure: Measure) -> list[str] | None:
        return _paths(user, measure)

    for key, counted in _day_figures(scope_of, first, end, unit).items():
        rows.setdefault(key, Row(key=key)).add(dict(counted))
    for key, found in _period_figures(scope_of, first, end, unit).items():
        rows.setdefault(key, Row(key=key)).add(found)
    _name(rows, unit)
    if level == "organisation":
        rows = _by_organisation(rows)
    return rank(list(rows.values()), rank_by)


def region_row(*, path: str, first: date, last: date) -> Row:
    """One region's measures for the days [first, last] (inclusive), whoever asks: what
    its display screens show (a screen signs in with its region's token, as no person;
    the caller decides the region is theirs to show)."""
    unit = Unit(len(path))
    end = last + timedelta(days=1)

    def scope_of(measure: Measure) -> list[str]:
        return [path]

    row = Row(key=path)
    row.add(dict(_day_figures(scope_of, first, end, unit).get(path, {})))
    row.add(_period_figures(scope_of, first, end, unit).get(path, {}))
    return row


def rank(rows: list[Row], code: str) -> list[Row]:
    """Best first by the indicator `code`, each with its `place`. A rate or mean
    standing on fewer than RANK_MIN (one case closed, one on time: 100 %) is not
    ranked: such units come after the ranked ones, without a place, and so do units
    with nothing to divide."""
    indicator = catalogue.indicators.get(code)
    sign = 1 if indicator is not None and indicator.higher_is_better is False else -1

    def ranked(row: Row) -> bool:
        if row.value(code) is None:
            return False
        volume = indicator.volume(row.totals) if indicator is not None else None
        return volume is None or volume >= RANK_MIN

    def order(row: Row) -> tuple[bool, bool, float, str]:
        value = row.value(code)
        return (not ranked(row), value is None, sign * (value or 0), row.name)

    found = sorted(rows, key=order)
    place = 0
    for row in found:
        if ranked(row):
            place += 1
            row.place = place
    return found


def _name(rows: dict[str, Row], unit: Unit) -> None:
    if unit.per_person:
        people = get_user_model().objects.filter(pk__in=[k for k in rows if k.isdigit()])
        names = {str(p.pk): p.get_short_name() for p in people}
    else:
        names = dict(Region.objects.filter(path__in=rows).values_list("path", "name"))
    for key, row in rows.items():
        row.name = names.get(key, key)


def _by_organisation(rows: dict[str, Row]) -> dict[str, Row]:
    """People's rows added up per organisation their roles act for (a department, a
    property company: their affiliations, the first role's); people acting for none
    are left out."""
    acting = (
        Affiliation.objects.filter(
            grant__user__in=[k for k in rows if k.isdigit()], grant__revoked_at__isnull=True
        )
        .order_by("grant__user", "grant")
        .values_list("grant__user", "organisation", "organisation__name")
    )
    of_person: dict[str, tuple[int, str]] = {}
    for person, organisation, name in acting:
        of_person.setdefault(str(person), (organisation, name))
    merged: dict[str, Row] = {}
    for key, row in rows.items():
        if key in of_person:
            organisation, name = of_person[key]
            merged.setdefault(str(organisation), Row(key=str(organisation), name=name)).add(
                row.totals
            )
    return merged


def day_series(
    *, user: User, first: date, last: date, codes: list[str]
) -> list[tuple[date, list[int]]]:
    """Per day of [first, last] in the user's scope: the totals of the day sources'
    measures `codes` — the dashboard's trend."""
    end = last + timedelta(days=1)
    days: dict[date, dict[str, int]] = {
        first + timedelta(days=n): defaultdict(int) for n in range((end - first).days)
    }
    with _one_snapshot():
        for code in codes:
            measure = catalogue.measures[code]
            paths = _paths(user, measure)
            if paths == []:
                continue
            stored = DayFigure.objects.filter(
                measure=code, subgroup="", day__gte=first, day__lt=end
            )
            if paths is not None:
                stored = stored.filter(_within(paths))
            for per_day in stored.values("day").annotate(total=Sum("value")).order_by():
                days[per_day["day"]][code] += per_day["total"]
            source = next(s for s in catalogue.day_sources if measure in s.measures)
            for row in source.pending(paths=paths, start=midnight(first), end=midnight(end)):
                if not row["subgroup"] and row["day"] in days:
                    days[row["day"]][code] += row.get(column(code)) or 0
    return [(day, [totals[c] for c in codes]) for day, totals in days.items()]
