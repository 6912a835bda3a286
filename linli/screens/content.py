"""What a screen or TV box shows: the slides of a display's playlist, a channel's
programme now and its items, and the alerts over its place. Read for the screen the
token belongs to, and for staff previewing it: one builder, one picture."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from linli.alerts.models import Alert
from linli.alerts.selectors import active_alerts
from linli.core.geojson import contains, distance_m
from linli.core.indicators import catalogue
from linli.gridwork.selectors import on_duty
from linli.indicators.tables import region_row
from linli.indicators.templatetags.indicators import cell
from linli.notices.models import Notice
from linli.notices.selectors import published_in
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.screens.choices import ItemKind
from linli.screens.models import Channel, PlaylistItem, Programme, Screen
from linli.screens.topics import topics_of
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
SUMMARY_CHARS = 80
MAX_SHELTERS = 4


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


@dataclass
class NoticeCard:
    pk: int
    title: str
    issuer: str
    published_at: datetime | None
    summary: str
    urgent: bool


def notices_in(region: Region, topics: list[str]) -> QuerySet[Notice]:
    """The notices in force for everyone in the region (notices.selectors.published_in:
    its own, its subtree's and those above it for all), on these topics (all: none)."""
    now = timezone.now()
    return published_in(region=region, topics=topics_of(topics)).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )


def paragraphs(html: str) -> list[str]:
    """A notice's sanitised text as plain paragraphs (a TV shows no markup, and its
    images are for signed-in readers)."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|tr)>", "\n", html)
    return [line.strip() for line in unescape(strip_tags(text)).splitlines() if line.strip()]


def notices_for(region: Region, topics: list[str], limit: int = 3) -> list[NoticeCard]:
    """The newest of them (pinned first), as a screen shows them: title, who issued
    it, when, the first words of its text."""
    return [
        NoticeCard(
            pk=n.pk,
            title=n.title,
            issuer=n.region.name,
            published_at=n.published_at,
            summary=Truncator(strip_tags(n.body)).chars(SUMMARY_CHARS).strip(),
            urgent=n.urgent,
        )
        for n in notices_in(region, topics)[:limit]
    ]


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


@dataclass
class ShelterCard:
    name: str
    kind: str
    address: str
    distance: int | None  # metres from the screen, where both are located


@dataclass
class AlertCard:
    pk: int
    event: str
    headline: str
    instruction: str
    severity: str  # CAP's, lower case: a CSS class
    severity_label: str
    area: str
    expires: datetime | None
    shelters: list[ShelterCard]


def place_of(screen: Screen) -> tuple[str, float | None, float | None]:
    """Where the screen is, for the alerts: the region path of its building's grid, or
    of the grid of its community holding its point, or else its community's; and its
    point (its own, or its building's)."""
    longitude = None if screen.longitude is None else float(screen.longitude)
    latitude = None if screen.latitude is None else float(screen.latitude)
    if screen.building is not None:
        return screen.building.grid.path, longitude, latitude
    if longitude is not None and latitude is not None:
        grids = Region.objects.filter(
            parent_id=screen.region_id, level=Level.GRID, boundary__isnull=False
        ).only("path", "boundary")
        for grid in grids:
            if contains(grid.boundary, longitude, latitude):
                return grid.path, longitude, latitude
    return screen.region.path, longitude, latitude


def _shelters(alert: Alert, longitude: float | None, latitude: float | None) -> list[ShelterCard]:
    found = []
    for place in alert.places.all():
        distance = None
        if longitude is not None and latitude is not None:
            distance = round(distance_m(longitude, latitude, place.longitude, place.latitude))
        found.append(
            ShelterCard(place.name, str(place.get_kind_display()), place.address, distance)
        )
    found.sort(key=lambda s: (s.distance is None, s.distance or 0, s.name))
    return found[:MAX_SHELTERS]


def alerts_for(screen: Screen) -> list[AlertCard]:
    """The actual alerts in force whose area covers the screen's place, gravest first:
    an alert over its grid, community or a region above; one drawn as polygons or
    circles only if the screen's point is inside one (a screen without a point: its community's)."""
    path, longitude, latitude = place_of(screen)
    cards = []
    for alert in active_alerts(path=path):
        if longitude is not None and latitude is not None and not alert.covers(longitude, latitude):
            continue
        info = alert.info("zh-CN") or next(iter(alert.infos.all()), None)
        cards.append(
            AlertCard(
                pk=alert.pk,
                event=info.event if info else "",
                headline=alert.headline,
                instruction=info.instruction if info else "",
                severity=alert.severity.lower(),
                severity_label=str(alert.get_severity_display()),
                area=alert.area_desc,
                expires=alert.expires,
                shelters=_shelters(alert, longitude, latitude),
            )
        )
    return cards


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
