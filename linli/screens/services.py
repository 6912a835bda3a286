"""Every write of the screens app: screens and their tokens, heartbeats, playlists
and their items, channels and their schedules, forecasts."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases.photos import photo_check
from linli.devices.tokens import new_token, token_digest
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.models import Building
from linli.screens.choices import (
    ALL_WEEK,
    HEARTBEAT_MIN_GAP_S,
    MAX_ITEMS,
    ItemKind,
    ScreenKind,
)
from linli.screens.models import Channel, Forecast, Playlist, PlaylistItem, Programme, Screen
from linli.screens.nudge import nudge
from linli.screens.permissions import CHANNEL_MANAGE, SCREEN_MANAGE
from linli.screens.topics import topics_check


class HeartbeatTooSoon(Exception):
    """A heartbeat closer to the last one than HEARTBEAT_MIN_GAP_S: refused, not stored."""


def _community(region: Region) -> None:
    if region.level != Level.COMMUNITY or region.retired_at is not None:
        raise ValidationError({"region": _("Choose a community.")})


def _building_of(region: Region, building: Building | None) -> None:
    if building is not None and building.grid.parent_id != region.pk:
        raise ValidationError({"building": _("This building is not in the community.")})


def _playlist_of(region: Region, playlist: Playlist | None, kind: str) -> None:
    if playlist is None:
        return
    if kind == ScreenKind.TV:
        raise ValidationError({"playlist": _("A TV box shows the channels, not a playlist.")})
    if playlist.region_id != region.pk:
        raise ValidationError({"playlist": _("Choose a playlist of the screen's community.")})


def _located(screen: Screen) -> None:
    if (screen.longitude is None) != (screen.latitude is None):
        raise ValidationError({"latitude": _("Give both the longitude and the latitude.")})
    if screen.longitude is None and screen.building is not None:
        screen.longitude, screen.latitude = screen.building.longitude, screen.building.latitude


@transaction.atomic
def screen_register(
    *,
    kind: str,
    name: str,
    region: Region,
    building: Building | None = None,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    playlist: Playlist | None = None,
    by: Any,
) -> tuple[Screen, str]:
    """A new screen or TV box of a community and its token (shown once: only its
    digest is kept). Without a location of its own it stands at its building."""
    _community(region)
    ensure_may(by, region, SCREEN_MANAGE)
    if kind not in ScreenKind.values:
        raise ValidationError({"kind": _("Choose a display screen or a TV set-top box.")})
    _building_of(region, building)
    _playlist_of(region, playlist, kind)
    token = new_token()
    screen = Screen(
        kind=kind,
        name=name.strip(),
        region=region,
        building=building,
        longitude=longitude,
        latitude=latitude,
        playlist=playlist,
        token_hash=token_digest(token),
    )
    _located(screen)
    screen.full_clean()
    screen.save()
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=by,
        obj=screen,
        object_label=screen.name,
        details={"issued": "registered"},
    )
    return screen, token


def _locked(screen: Screen, by: Any) -> Screen:
    ensure_may(by, screen.region, SCREEN_MANAGE)
    locked = Screen.objects.select_for_update().select_related("region").get(pk=screen.pk)
    if locked.retired_at is not None:
        raise ValidationError(_("This screen is retired."))
    return locked


SCREEN_FIELDS = {"name", "building", "longitude", "latitude", "playlist"}


@transaction.atomic
def screen_update(*, screen: Screen, by: Any, **fields: Any) -> Screen:
    """A screen's name, building, location and playlist."""
    unknown = fields.keys() - SCREEN_FIELDS
    if unknown:
        raise TypeError(f"Unknown screen fields: {sorted(unknown)}")
    screen = _locked(screen, by)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    if "building" in fields:
        _building_of(screen.region, fields["building"])
    if "playlist" in fields:
        _playlist_of(screen.region, fields["playlist"], screen.kind)
    before = {name: getattr(screen, name) for name in SCREEN_FIELDS}
    for name, value in fields.items():
        setattr(screen, name, value)
    _located(screen)
    screen.full_clean()
    changed = sorted(name for name in SCREEN_FIELDS if getattr(screen, name) != before[name])
    if changed:
        screen.save(update_fields=changed)
        nudge(screen.region.path)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=screen,
            object_label=screen.name,
            details={"fields": changed},
        )
    return screen


@transaction.atomic
def screen_token_rotate(*, screen: Screen, by: Any) -> str:
    """A new token for the screen; the old one stops working at once (the screen
    shows its sign-in page until the new token is entered)."""
    screen = _locked(screen, by)
    token = new_token()
    screen.token_hash = token_digest(token)
    screen.token_rotated_at = timezone.now()
    screen.save(update_fields=["token_hash", "token_rotated_at"])
    nudge(screen.region.path)  # its page, on the old token, goes back to signing in
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=by,
        obj=screen,
        object_label=screen.name,
        details={"issued": "rotated"},
    )
    return token


@transaction.atomic
def screen_retire(*, screen: Screen, by: Any) -> Screen:
    """Out of service: its token stops working, it leaves the lists."""
    ensure_may(by, screen.region, SCREEN_MANAGE)
    screen = Screen.objects.select_for_update().get(pk=screen.pk)
    if screen.retired_at is None:
        screen.retired_at = timezone.now()
        screen.save(update_fields=["retired_at"])
        nudge(screen.region.path)
        audit_record(
            action=AuditAction.TOKEN_REVOKE, actor=by, obj=screen, object_label=screen.name
        )
    return screen


def screen_heartbeat(*, screen: Screen, showing: str, at: datetime | None = None) -> None:
    """The screen is alive and shows `showing` (the item on it now). One row update;
    a heartbeat sooner than HEARTBEAT_MIN_GAP_S after the last is refused."""
    at = at or timezone.now()
    if (
        screen.last_seen_at is not None
        and (at - screen.last_seen_at).total_seconds() < HEARTBEAT_MIN_GAP_S
    ):
        raise HeartbeatTooSoon
    Screen.objects.filter(pk=screen.pk).update(last_seen_at=at, showing=showing[:80])
    screen.last_seen_at, screen.showing = at, showing[:80]


# --- playlists -------------------------------------------------------------------------


def _touch(playlist: Playlist) -> None:
    """The playlist changed: its screens fetch their content again, now."""
    Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())
    nudge(playlist.region.path)


@transaction.atomic
def playlist_create(*, region: Region, name: str, by: Any) -> Playlist:
    _community(region)
    ensure_may(by, region, SCREEN_MANAGE)
    playlist = Playlist(region=region, name=name.strip())
    playlist.full_clean()
    playlist.save()
    audit_record(
        action=AuditAction.RECORD_CREATE, actor=by, obj=playlist, object_label=playlist.name
    )
    return playlist


@transaction.atomic
def playlist_rename(*, playlist: Playlist, name: str, by: Any) -> Playlist:
    ensure_may(by, playlist.region, SCREEN_MANAGE)
    playlist = Playlist.objects.select_for_update().get(pk=playlist.pk)
    playlist.name = name.strip()
    playlist.updated_at = timezone.now()
    playlist.full_clean()
    playlist.save(update_fields=["name", "updated_at"])
    return playlist


@transaction.atomic
def playlist_delete(*, playlist: Playlist, by: Any) -> None:
    """A playlist no screen plays any more."""
    ensure_may(by, playlist.region, SCREEN_MANAGE)
    if Screen.objects.filter(playlist=playlist, retired_at__isnull=True).exists():
        raise ValidationError(_("Screens still play this playlist: give them another first."))
    Screen.objects.filter(playlist=playlist).update(playlist=None)
    for item in playlist.items.exclude(image=""):
        item.image.delete(save=False)
    audit_record(
        action=AuditAction.RECORD_DELETE, actor=by, obj=playlist, object_label=playlist.name
    )
    playlist.delete()


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str
    extension: str


def image_check(upload: UploadedFile[Any]) -> CheckedImage:
    """An image checked by its content (JPEG, PNG or WebP), re-encoded without metadata."""
    try:
        checked = photo_check(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.message_dict.get("photo", exc.messages)}) from exc
    return CheckedImage(checked.content, checked.content_type, checked.extension)


ITEM_FIELDS = {"duration", "title", "topics"}


@transaction.atomic
def item_add(
    *,
    playlist: Playlist,
    kind: str,
    duration: int,
    title: str = "",
    topics: list[str] | None = None,
    image: CheckedImage | None = None,
    by: Any,
) -> PlaylistItem:
    """An item at the end of the playlist. An image item needs its (checked) image."""
    ensure_may(by, playlist.region, SCREEN_MANAGE)
    playlist = Playlist.objects.select_for_update().get(pk=playlist.pk)
    if playlist.items.count() >= MAX_ITEMS:
        raise ValidationError(_("A playlist holds at most %(n)s items.") % {"n": MAX_ITEMS})
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose what the item shows.")})
    if kind == ItemKind.IMAGE and image is None:
        raise ValidationError({"image": _("An image item needs an image.")})
    if kind != ItemKind.IMAGE and image is not None:
        raise ValidationError({"image": _("Only an image item takes an image.")})
    last = playlist.items.aggregate(last=Max("order"))["last"]
    item = PlaylistItem(
        playlist=playlist,
        order=0 if last is None else last + 1,
        kind=kind,
        duration=duration,
        title=title.strip(),
        topics=topics_check(topics or []) if kind == ItemKind.NOTICES else [],
    )
    item.full_clean(exclude=["image"])
    if image is not None:
        item.image.save(f"image.{image.extension}", ContentFile(image.content), save=False)
        item.image_type = image.content_type
    item.save()
    _touch(playlist)
    return item


@transaction.atomic
def item_update(*, item: PlaylistItem, by: Any, **fields: Any) -> PlaylistItem:
    unknown = fields.keys() - ITEM_FIELDS
    if unknown:
        raise TypeError(f"Unknown item fields: {sorted(unknown)}")
    ensure_may(by, item.playlist.region, SCREEN_MANAGE)
    item = PlaylistItem.objects.select_for_update().select_related("playlist").get(pk=item.pk)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    if "topics" in fields:
        fields["topics"] = topics_check(fields["topics"]) if item.kind == ItemKind.NOTICES else []
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean(exclude=["image"])
    if fields:
        item.save(update_fields=sorted(fields))
        _touch(item.playlist)
    return item


@transaction.atomic
def item_remove(*, item: PlaylistItem, by: Any) -> None:
    ensure_may(by, item.playlist.region, SCREEN_MANAGE)
    playlist = item.playlist
    if item.image:
        item.image.delete(save=False)
    item.delete()
    _touch(playlist)


@transaction.atomic
def item_move(*, item: PlaylistItem, up: bool, by: Any) -> None:
    """One place earlier (`up`) or later in its playlist."""
    ensure_may(by, item.playlist.region, SCREEN_MANAGE)
    items = list(PlaylistItem.objects.select_for_update().filter(playlist_id=item.playlist_id))
    at = next(i for i, found in enumerate(items) if found.pk == item.pk)
    other = at - 1 if up else at + 1
    if 0 <= other < len(items):
        items[at], items[other] = items[other], items[at]
        for order, found in enumerate(items):
            found.order = order
        PlaylistItem.objects.bulk_update(items, ["order"])
        _touch(item.playlist)


# --- channels --------------------------------------------------------------------------


def _ensure_channels(by: Any) -> None:
    if by is not None and not by.has_action(CHANNEL_MANAGE):
        raise PermissionDenied


CHANNEL_FIELDS = {"name", "topics", "description", "enabled"}


@transaction.atomic
def channel_create(
    *,
    number: int,
    name: str,
    topics: list[str],
    description: str = "",
    enabled: bool = True,
    by: Any,
) -> Channel:
    """A channel of the district's network (channels are district-wide)."""
    _ensure_channels(by)
    if Channel.objects.filter(number=number).exists():
        raise ValidationError({"number": _("Another channel has this number.")})
    channel = Channel(
        number=number,
        name=name.strip(),
        topics=topics_check(topics),
        description=description.strip(),
        enabled=enabled,
    )
    channel.full_clean()
    channel.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=channel,
        object_label=str(channel),
    )
    return channel


@transaction.atomic
def channel_update(*, channel: Channel, by: Any, **fields: Any) -> Channel:
    unknown = fields.keys() - CHANNEL_FIELDS
    if unknown:
        raise TypeError(f"Unknown channel fields: {sorted(unknown)}")
    _ensure_channels(by)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if "topics" in fields:
        fields["topics"] = topics_check(fields["topics"])
    for name in ("name", "description"):
        if name in fields:
            fields[name] = fields[name].strip()
    for name, value in fields.items():
        setattr(channel, name, value)
    channel.full_clean()
    channel.save()
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=channel,
        object_label=str(channel),
        details={"fields": sorted(fields)},
    )
    return channel


def _weekdays(weekdays: list[int]) -> list[int]:
    chosen = sorted(set(weekdays))
    if not chosen or any(day not in ALL_WEEK for day in chosen):
        raise ValidationError({"weekdays": _("Choose at least one day of the week.")})
    return chosen


@transaction.atomic
def programme_add(
    *,
    channel: Channel,
    weekdays: list[int],
    starts: time,
    ends: time,
    title: str,
    description: str = "",
    by: Any,
) -> Programme:
    """A slot of the channel's schedule; slots of one day must not overlap."""
    _ensure_channels(by)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    days = _weekdays(weekdays)
    programme = Programme(
        channel=channel,
        weekdays=days,
        starts=starts,
        ends=ends,
        title=title.strip(),
        description=description.strip(),
    )
    programme.full_clean()
    for other in channel.programmes.all():
        if set(other.weekdays) & set(days) and other.starts < ends and starts < other.ends:
            raise ValidationError(
                {"starts": _("It overlaps %(other)s on the same day.") % {"other": str(other)}}
            )
    programme.save()
    Channel.objects.filter(pk=channel.pk).update(updated_at=timezone.now())
    return programme


@transaction.atomic
def programme_remove(*, programme: Programme, by: Any) -> None:
    _ensure_channels(by)
    Channel.objects.filter(pk=programme.channel_id).update(updated_at=timezone.now())
    programme.delete()


# --- forecasts -------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRow:
    day: date
    summary: str
    low: int
    high: int
    wind: str = ""


def _forecast_region(region: Region, by: Any) -> None:
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY):
        raise ValidationError({"region": _("Choose the district, a subdistrict or a community.")})
    if by is not None and not may(by, region, SCREEN_MANAGE):
        raise ValidationError({"region": _("Unknown region code.")})


@transaction.atomic
def forecasts_set(*, region: Region, rows: list[ForecastRow], by: Any) -> list[Forecast]:
    """The region's forecasts for these days, entered or imported: each day's replaces
    the one it had. All or nothing: one wrong row refuses them all, naming it."""
    _forecast_region(region, by)
    if not rows:
        raise ValidationError({"rows": _("Give at least one day.")})
    days = [row.day for row in rows]
    if len(set(days)) != len(days):
        raise ValidationError({"rows": _("A day is given twice.")})
    saved = []
    existing = {f.day: f for f in Forecast.objects.select_for_update().filter(region=region)}
    for n, row in enumerate(rows, start=1):
        forecast = existing.get(row.day) or Forecast(region=region, day=row.day)
        forecast.summary, forecast.low, forecast.high = row.summary.strip(), row.low, row.high
        forecast.wind = row.wind.strip()
        try:
            forecast.full_clean(validate_constraints=False)
            if forecast.low > forecast.high:
                raise ValidationError({"low": _("The low must not be above the high.")})
        except ValidationError as exc:
            problems = "; ".join(f"{m}" for m in exc.messages)
            raise ValidationError(
                {
                    "rows": _("Day %(n)s (%(day)s): %(problems)s")
                    % {"n": n, "day": row.day.isoformat(), "problems": problems}
                }
            ) from exc
        forecast.save()
        saved.append(forecast)
    nudge(region.path)
    audit_record(
        action=AuditAction.IMPORT if len(rows) > 1 else AuditAction.RECORD_UPDATE,
        actor=by,
        region=region,
        object_type="screens.forecast",
        object_label=region.name,
        details={"days": len(rows)},
    )
    return saved


@transaction.atomic
def forecast_delete(*, forecast: Forecast, by: Any) -> None:
    if by is not None and not may(by, forecast.region, SCREEN_MANAGE):
        raise PermissionDenied
    forecast.delete()
