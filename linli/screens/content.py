"""What a screen or TV box shows: the slides of a display's playlist, a channel's
programme now and its items, and the alerts over its place. Read for the screen the
token belongs to, and for staff previewing it: one builder, one picture."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from linli.core.indicators import catalogue
from linli.gridwork.selectors import on_duty
from linli.indicators.tables import region_row
from linli.indicators.templatetags.indicators import cell
from linli.regions.models import Region
from linli.screens.choices import ItemKind
from linli.screens.models import Channel, PlaylistItem, Programme, Screen
from linli.screens.weather import DayWeather, weather_source

FIGURES = (
    "cases.received",
    "cases.closure_rate",
    "cases.on_time_rate",
    "cases.satisfaction_rate",
    "devices.alarms",
    "devices.online_rate",
)
FIGURE_DAYS = 30
FIGURES_CACHE_S = 300
WEATHER_DAYS = 3


@dataclass
class Figure:
    name: str
    text: str  # as the indicators' tables show it: rates in %, "—" for nothing to divide


@dataclass
class Slide:
    """One item of a playlist as the screen shows it."""

    key: str
    kind: str
    title: str
    duration: int
    image_url: str = ""
    notices: list[Any] = field(default_factory=list)
    weather: list[DayWeather] = field(default_factory=list)
    roster: list[dict[str, Any]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def figures(region: Region) -> list[Figure]:
    """The community's case and alarm figures of the last 30 days, from the indicators
    registry (cached for 5 minutes: every screen of the community shows the same)."""
    key = f"screens:figures:{region.path}"
    found: list[Figure] | None = cache.get(key)
    if found is None:
        last = timezone.localdate()
        row = region_row(path=region.path, first=last - timedelta(days=FIGURE_DAYS - 1), last=last)
        found = []
        for code in FIGURES:
            indicator = catalogue.indicators.get(code)
            if indicator is not None:
                found.append(Figure(str(indicator.name), cell(row, indicator)))
        cache.set(key, found, FIGURES_CACHE_S)
    return found


def weather(region: Region, today: date | None = None) -> list[DayWeather]:
    return weather_source().forecast(
        region=region, first=today or timezone.localdate(), days=WEATHER_DAYS
    )


def notices_for(region: Region, topics: list[str], limit: int = 6) -> list[Any]:
    """The published notices for the region on these topics (all topics: none given),
    newest first. Filled by the notices app once merged."""
    return []


def _slide(item: PlaylistItem, region: Region) -> Slide:
    slide = Slide(
        key=str(item.pk),
        kind=item.kind,
        title=item.title or str(item.get_kind_display()),
        duration=item.duration,
    )
    if item.kind == ItemKind.IMAGE:
        slide.image_url = f"/screen/images/{item.pk}/"
    elif item.kind == ItemKind.NOTICES:
        slide.notices = notices_for(region, item.topics)
    elif item.kind == ItemKind.WEATHER:
        slide.weather = weather(region)
    elif item.kind == ItemKind.ROSTER:
        slide.roster = on_duty(community=region)
    elif item.kind == ItemKind.FIGURES:
        slide.figures = figures(region)
    return slide


def slides(screen: Screen) -> list[Slide]:
    """The slides of the screen's playlist, in order (none without a playlist)."""
    if screen.playlist_id is None:
        return []
    items = PlaylistItem.objects.filter(playlist_id=screen.playlist_id).order_by("order", "pk")
    return [_slide(item, screen.region) for item in items]


def alerts_for(screen: Screen) -> list[Any]:
    """The active alerts whose area covers the screen's place. Filled by the alerts
    app once merged."""
    return []


def programme_now(channel: Channel, at: datetime | None = None) -> Programme | None:
    at = timezone.localtime(at or timezone.now())
    day, now = at.isoweekday(), at.time()
    for programme in channel.programmes.all():
        if day in programme.weekdays and programme.starts <= now < programme.ends:
            return programme
    return None


def schedule_today(channel: Channel, at: datetime | None = None) -> list[Programme]:
    day = timezone.localtime(at or timezone.now()).isoweekday()
    return [p for p in channel.programmes.all() if day in p.weekdays]
