"""Indicators (指标): the figures assessment, the KPI page, rankings, charts and the
operations centre read — declared by each app where its data lives, in its
`indicators.py` (found by the indicators app, like `permissions.py`):

- a **measure** is an additive figure (cases received, check-ins made, seconds spent
  in a stage) counted per day, region and optionally person;
- a **source** computes a set of measures: either as day figures that the one
  rollup task (`linli.indicators`) stores in its narrow table (`DaySource`: the
  rows a run takes, grouped; and the rows not rolled up yet, for exact figures), or
  for a whole period at once when the figure is not additive over days
  (`PeriodSource`: 到位率 caps each route's check-ins at its plan for the period);
- an **indicator** is what people read: a measure's total, or one sum of measures
  divided by another (a rate, a mean), with its unit, the levels it is given at and
  whether higher is better.

Units of a table: a region level (the path cut to its length) or a person; the
indicators app adds persons up per organisation they act for.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal, Protocol, runtime_checkable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

type Text = str | Promise
type Kind = Literal["count", "rate", "mean"]
LEVELS = ("subdistrict", "community", "grid", "handler", "organisation")


@dataclass(frozen=True)
class Measure:
    """An additive figure: `code` is `<app>.<name>`; `action` is the view action whose
    scope limits the regions counted (`case.view`)."""

    code: str
    name: Text
    action: str


@dataclass(frozen=True)
class Indicator:
    """What a table shows: `numerator` (a sum of measures) ÷ `denominator` (another
    sum, for rates and means), × `scale`. A rate's numerator counts a part of what
    its denominator counts, so it never exceeds 100 %; nothing to divide is shown as
    "—", never 0 or 100 %."""

    code: str
    name: Text
    unit: Text
    kind: Kind
    numerator: tuple[str, ...]
    definition: Text
    denominator: tuple[str, ...] = ()
    scale: float = 1
    decimals: int = 0
    higher_is_better: bool | None = True
    levels: tuple[str, ...] = LEVELS
    order: int = 100  # the column's place in tables

    def value(self, totals: Mapping[str, float]) -> float | None:
        part = sum(totals.get(code, 0) for code in self.numerator)
        if self.kind == "count":
            return part
        whole = self.volume(totals)
        if not whole:
            return None
        return round(part / whole * self.scale, self.decimals)

    def volume(self, totals: Mapping[str, float]) -> float | None:
        """What a rate or mean divides by (None for a count): how much it stands on."""
        if self.kind == "count":
            return None
        return sum(totals.get(code, 0) for code in self.denominator)


@dataclass(frozen=True)
class Unit:
    """How a table groups: by region path cut to `path_length`, or by person (None)."""

    path_length: int | None

    @property
    def per_person(self) -> bool:
        return self.path_length is None


# A day source's rows: day, region path, subgroup ("" or "person:<id>") and a value per
# measure code.
type DayRows = Iterable[Mapping[str, Any]]


@runtime_checkable
class DaySource(Protocol):
    """Measures counted per day from an app's rows, stored by the rollup task."""

    measures: tuple[Measure, ...]

    def rollup(self, store: Callable[[QuerySet[Any]], None]) -> int:
        """Take the rows not counted yet (each once, even with two runs at once), call
        `store(grouped)` for them — a queryset of `day`, `region_path`, `subgroup` and a
        column per measure code (its `.` as `__`) — and return how many were taken."""
        ...

    def pending(self, *, paths: list[str] | None, start: datetime, end: datetime) -> DayRows:
        """The rows of [start, end) not rolled up yet, grouped like `store`'s, in the
        region paths given (None: everywhere)."""
        ...


@runtime_checkable
class PeriodSource(Protocol):
    """Measures that are not additive over days: computed for a whole period."""

    measures: tuple[Measure, ...]

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per unit key (a region path cut to the unit's length, or a person's id as
        text), the measures' values for the days [first, last), in the region paths
        given (None: everywhere)."""
        ...


@dataclass
class Catalogue:
    measures: dict[str, Measure] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    day_sources: list[DaySource] = field(default_factory=list)
    period_sources: list[PeriodSource] = field(default_factory=list)

    def register(self, source: DaySource | PeriodSource, *indicators: Indicator) -> None:
        """An app's source of measures (a `DaySource` when it has `rollup`) and the
        indicators made of them (which may read other apps' measures too)."""
        for measure in source.measures:
            if measure.code in self.measures:
                raise ValueError(f"Measure {measure.code} is registered twice.")
            self.measures[measure.code] = measure
        if isinstance(source, DaySource):
            self.day_sources.append(source)
        else:
            self.period_sources.append(source)
        for indicator in indicators:
            if indicator.code in self.indicators:
                raise ValueError(f"Indicator {indicator.code} is registered twice.")
            unknown = {*indicator.numerator, *indicator.denominator} - self.measures.keys()
            if unknown:
                raise ValueError(f"{indicator.code} reads unknown measures {sorted(unknown)}.")
            self.indicators[indicator.code] = indicator


catalogue = Catalogue()


def autodiscover() -> None:
    """Import every installed Linli app's indicators module once (they register)."""
    autodiscover_modules("indicators")


def midnight(day: date) -> datetime:
    """The start of a local day (Asia/Shanghai): a period [first, last) of days is the
    times [midnight(first), midnight(last))."""
    return timezone.make_aware(datetime.combine(day, time.min))


def column(code: str) -> str:
    """A measure code as a column name of a day source's grouped rows."""
    return code.replace(".", "__")
