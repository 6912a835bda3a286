"""Where the weather items read the forecast: a pluggable source
(`LINLI_WEATHER_SOURCE`, a class with `forecast(region=…, first=…, days=…)`), so a
deployment may plug in its weather bureau's feed. The one shipped,
`EnteredForecasts`, reads the forecasts staff enter or import in the console or the
API (`Forecast`): nothing is fetched from the internet while pages are answered."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

from linli.regions.models import Region, ancestor_paths
from linli.screens.models import Forecast


@dataclass(frozen=True)
class DayWeather:
    day: date
    summary: str
    low: int
    high: int
    wind: str


class WeatherSource(Protocol):
    def forecast(self, *, region: Region, first: date, days: int) -> list[DayWeather]:
        """Up to `days` days from `first` for the region, those it has, in order."""
        ...


class EnteredForecasts:
    """The forecasts entered for the region or, for each day, the nearest region
    above it that has one (a community without its own reads the district's)."""

    def forecast(self, *, region: Region, first: date, days: int) -> list[DayWeather]:
        paths = [*ancestor_paths(region.path), region.path]
        rows = (
            Forecast.objects.filter(
                region__path__in=paths, day__gte=first, day__lt=first + timedelta(days=days)
            )
            .select_related("region")
            .order_by("day")
        )
        best: dict[date, Forecast] = {}
        for row in rows:
            held = best.get(row.day)
            if held is None or len(row.region.path) > len(held.region.path):
                best[row.day] = row
        return [
            DayWeather(f.day, f.summary, f.low, f.high, f.wind)
            for f in sorted(best.values(), key=lambda f: f.day)
        ]


def weather_source() -> WeatherSource:
    return cast(WeatherSource, import_string(settings.LINLI_WEATHER_SOURCE)())
