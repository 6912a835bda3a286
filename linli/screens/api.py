"""The screens API: screens and TV boxes (their tokens, what they show now),
playlists and their items, the TV channels and their schedules, forecasts. Every
list and object is the caller's (`visible_to`): 404 outside; channels are
district-wide."""

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.routers import Router
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.models import Building
from linli.screens import content, selectors, services
from linli.screens.choices import MAX_DURATION_S, MIN_DURATION_S, ItemKind
from linli.screens.filters import ForecastFilter, PlaylistFilter, ScreenFilter
from linli.screens.models import Channel, Forecast, Playlist, PlaylistItem, Programme, Screen
from linli.screens.permissions import CHANNEL_MANAGE, SCREEN_MANAGE, SCREEN_VIEW
from linli.screens.schemas import (
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    ForecastOut,
    ForecastsIn,
    ItemIn,
    ItemMoveIn,
    ItemOut,
    ItemPatch,
    PlaylistIn,
    PlaylistOut,
    PlaylistPatch,
    ProgrammeIn,
    ProgrammeOut,
    ScreenDetailOut,
    ScreenIn,
    ScreenOut,
    ScreenPatch,
    ScreenTokenOut,
)

router = Router(tags=["screens"])


def _screen(request: HttpRequest, screen_id: int, action: str = SCREEN_VIEW) -> Screen:
    return get_object_or_404(
        selectors.screens_visible(user=request.user, action=action).select_related(
            "region", "playlist"
        ),
        pk=screen_id,
    )


def _detail(screen: Screen) -> Screen:
    slides = content.slides(screen) if screen.kind == "screen" else []
    screen.slides = [  # type: ignore[attr-defined]
        {"key": s.key, "kind": s.kind, "title": s.title, "duration": s.duration} for s in slides
    ]
    screen.alerts = [a.headline for a in content.alerts_for(screen)]  # type: ignore[attr-defined]
    return screen


def _community(request: HttpRequest, code: str) -> Region:
    found = (
        Region.objects.visible_to(request.user, SCREEN_MANAGE)
        .filter(code=code, level=Level.COMMUNITY, retired_at__isnull=True)
        .first()
    )
    if found is None:
        raise ValidationError({"region_code": _("Not a community where you may add screens.")})
    return found


def _building(region: Region, pk: int | None) -> Building | None:
    if pk is None:
        return None
    found = Building.objects.filter(pk=pk, grid__parent=region).first()
    if found is None:
        raise ValidationError({"building": _("This building is not in the community.")})
    return found


def _playlist_of(region: Region, pk: int | None) -> Playlist | None:
    if pk is None:
        return None
    found = Playlist.objects.filter(pk=pk, region=region).first()
    if found is None:
        raise ValidationError({"playlist": _("Choose a playlist of the screen's community.")})
    return found


@router.get(
    "/screens", response=list[ScreenOut], operation_id="screen_list", url_name="screen-list"
)
@requires(SCREEN_VIEW)
@paginate
def screen_list(request: HttpRequest, filters: Query[ScreenFilter]) -> QuerySet[Screen]:
    """Screens and TV boxes in the caller's regions, with their last heartbeat."""
    return selectors.screen_list(user=request.user, filters=filters)


@router.post(
    "/screens",
    response={201: ScreenTokenOut},
    operation_id="screen_create",
    url_name="screen-create",
)
@requires(SCREEN_MANAGE)
def screen_create(request: HttpRequest, payload: ScreenIn) -> Status[dict[str, Any]]:
    """Register a screen or TV box; the answer holds its token, shown this once."""
    region = _community(request, payload.region_code)
    screen, token = services.screen_register(
        kind=payload.kind,
        name=payload.name,
        region=region,
        building=_building(region, payload.building),
        longitude=payload.longitude,
        latitude=payload.latitude,
        playlist=_playlist_of(region, payload.playlist),
        by=request.user,
    )
    return Status(201, {"screen": screen, "token": token})


@router.get(
    "/screens/{screen_id}",
    response=ScreenDetailOut,
    operation_id="screen_get",
    url_name="screen-detail",
)
@requires(SCREEN_VIEW)
def screen_get(request: HttpRequest, screen_id: int) -> Screen:
    """A screen, its heartbeat and what it shows now."""
    return _detail(_screen(request, screen_id))


@router.patch(
    "/screens/{screen_id}",
    response=ScreenDetailOut,
    operation_id="screen_update",
    url_name="screen-update",
)
@requires(SCREEN_MANAGE)
def screen_update(request: HttpRequest, screen_id: int, payload: ScreenPatch) -> Screen:
    screen = _screen(request, screen_id, SCREEN_MANAGE)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    if "building" in changes:
        changes["building"] = _building(screen.region, changes["building"])
    if "playlist" in changes:
        changes["playlist"] = _playlist_of(screen.region, changes["playlist"])
    return _detail(services.screen_update(screen=screen, by=request.user, **changes))


@router.post(
    "/screens/{screen_id}/rotate-token",
    response=ScreenTokenOut,
    operation_id="screen_token_rotate",
    url_name="screen-token-rotate",
)
@requires(SCREEN_MANAGE)
def screen_token_rotate(request: HttpRequest, screen_id: int) -> dict[str, Any]:
    """A new token; the old one stops working at once. Shown this once."""
    screen = _screen(request, screen_id, SCREEN_MANAGE)
    token = services.screen_token_rotate(screen=screen, by=request.user)
    screen.refresh_from_db()
    return {"screen": screen, "token": token}


@router.post(
    "/screens/{screen_id}/retire",
    response=ScreenOut,
    operation_id="screen_retire",
    url_name="screen-retire",
)
@requires(SCREEN_MANAGE)
def screen_retire(request: HttpRequest, screen_id: int) -> Screen:
    """Out of service: its token stops working."""
    return services.screen_retire(
        screen=_screen(request, screen_id, SCREEN_MANAGE), by=request.user
    )


# --- playlists -------------------------------------------------------------------------


def _playlist(request: HttpRequest, playlist_id: int, action: str = SCREEN_VIEW) -> Playlist:
    return get_object_or_404(
        selectors.playlists_visible(user=request.user, action=action).select_related("region"),
        pk=playlist_id,
    )


def _playlist_out(playlist: Playlist) -> Playlist:
    items = list(playlist.items.order_by("order", "pk"))
    for item in items:
        item.has_image = bool(item.image)  # type: ignore[attr-defined]
    playlist.item_list = items  # type: ignore[attr-defined]
    return playlist


@router.get(
    "/playlists",
    response=list[PlaylistOut],
    operation_id="playlist_list",
    url_name="playlist-list",
)
@requires(SCREEN_VIEW)
@paginate
def playlist_list(request: HttpRequest, filters: Query[PlaylistFilter]) -> list[Playlist]:
    """The playlists of the caller's communities, with their items."""
    found = selectors.playlist_list(user=request.user, filters=filters)
    return [_playlist_out(p) for p in found]


@router.post(
    "/playlists",
    response={201: PlaylistOut},
    operation_id="playlist_create",
    url_name="playlist-create",
)
@requires(SCREEN_MANAGE)
def playlist_create(request: HttpRequest, payload: PlaylistIn) -> Status[Playlist]:
    region = _community(request, payload.region_code)
    playlist = services.playlist_create(region=region, name=payload.name, by=request.user)
    return Status(201, _playlist_out(playlist))


@router.get(
    "/playlists/{playlist_id}",
    response=PlaylistOut,
    operation_id="playlist_get",
    url_name="playlist-detail",
)
@requires(SCREEN_VIEW)
def playlist_get(request: HttpRequest, playlist_id: int) -> Playlist:
    return _playlist_out(_playlist(request, playlist_id))


@router.patch(
    "/playlists/{playlist_id}",
    response=PlaylistOut,
    operation_id="playlist_update",
    url_name="playlist-update",
)
@requires(SCREEN_MANAGE)
def playlist_update(request: HttpRequest, playlist_id: int, payload: PlaylistPatch) -> Playlist:
    playlist = _playlist(request, playlist_id, SCREEN_MANAGE)
    return _playlist_out(
        services.playlist_rename(playlist=playlist, name=payload.name, by=request.user)
    )


@router.delete(
    "/playlists/{playlist_id}",
    response={204: None},
    operation_id="playlist_delete",
    url_name="playlist-delete",
)
@requires(SCREEN_MANAGE)
def playlist_delete(request: HttpRequest, playlist_id: int) -> Status[None]:
    """A playlist no screen plays (422 while one does)."""
    services.playlist_delete(
        playlist=_playlist(request, playlist_id, SCREEN_MANAGE), by=request.user
    )
    return Status(204, None)


@router.post(
    "/playlists/{playlist_id}/items",
    response={201: ItemOut},
    operation_id="playlist_item_create",
    url_name="playlist-item-create",
)
@requires(SCREEN_MANAGE)
def playlist_item_create(
    request: HttpRequest, playlist_id: int, payload: ItemIn
) -> Status[PlaylistItem]:
    """An item at the end of the playlist: notices, weather, duty roster or figures."""
    playlist = _playlist(request, playlist_id, SCREEN_MANAGE)
    item = services.item_add(
        playlist=playlist,
        kind=payload.kind,
        duration=payload.duration,
        title=payload.title,
        topics=payload.topics,
        by=request.user,
    )
    item.has_image = False  # type: ignore[attr-defined]
    return Status(201, item)


@router.post(
    "/playlists/{playlist_id}/images",
    response={201: ItemOut},
    operation_id="playlist_image_create",
    url_name="playlist-image-create",
)
@requires(SCREEN_MANAGE)
def playlist_image_create(
    request: HttpRequest,
    playlist_id: int,
    image: File[UploadedFile],
    duration: Form[int] = 15,
    title: Form[str] = "",
) -> Status[PlaylistItem]:
    """An image item at the end of the playlist: a JPEG, PNG or WebP, checked by its
    content and stored without its metadata."""
    playlist = _playlist(request, playlist_id, SCREEN_MANAGE)
    if not MIN_DURATION_S <= duration <= MAX_DURATION_S:
        raise ValidationError(
            {
                "duration": _("Between %(min)s and %(max)s seconds.")
                % {"min": MIN_DURATION_S, "max": MAX_DURATION_S}
            }
        )
    if len(title) > 60:
        raise ValidationError({"title": _("At most 60 characters.")})
    item = services.item_add(
        playlist=playlist,
        kind=ItemKind.IMAGE,
        duration=duration,
        title=title,
        image=services.image_check(image),
        by=request.user,
    )
    item.has_image = True  # type: ignore[attr-defined]
    return Status(201, item)


def _item(request: HttpRequest, item_id: int) -> PlaylistItem:
    playlists = selectors.playlists_visible(user=request.user, action=SCREEN_MANAGE)
    return get_object_or_404(
        PlaylistItem.objects.select_related("playlist__region").filter(playlist__in=playlists),
        pk=item_id,
    )


@router.patch(
    "/playlist-items/{item_id}",
    response=ItemOut,
    operation_id="playlist_item_update",
    url_name="playlist-item-update",
)
@requires(SCREEN_MANAGE)
def playlist_item_update(request: HttpRequest, item_id: int, payload: ItemPatch) -> PlaylistItem:
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    item = services.item_update(item=_item(request, item_id), by=request.user, **changes)
    item.has_image = bool(item.image)  # type: ignore[attr-defined]
    return item


@router.post(
    "/playlist-items/{item_id}/move",
    response={204: None},
    operation_id="playlist_item_move",
    url_name="playlist-item-move",
)
@requires(SCREEN_MANAGE)
def playlist_item_move(request: HttpRequest, item_id: int, payload: ItemMoveIn) -> Status[None]:
    """One place earlier (up) or later (down) in its playlist."""
    services.item_move(item=_item(request, item_id), up=payload.direction == "up", by=request.user)
    return Status(204, None)


@router.delete(
    "/playlist-items/{item_id}",
    response={204: None},
    operation_id="playlist_item_delete",
    url_name="playlist-item-delete",
)
@requires(SCREEN_MANAGE)
def playlist_item_delete(request: HttpRequest, item_id: int) -> Status[None]:
    services.item_remove(item=_item(request, item_id), by=request.user)
    return Status(204, None)


# --- channels --------------------------------------------------------------------------


def _channel_out(channel: Channel) -> Channel:
    channel.programme_list = list(channel.programmes.order_by("starts", "pk"))  # type: ignore[attr-defined]
    return channel


@router.get(
    "/channels", response=list[ChannelOut], operation_id="channel_list", url_name="channel-list"
)
@requires(SCREEN_VIEW)
def channel_list(request: HttpRequest) -> list[Channel]:
    """Every TV channel (district-wide) with its schedule."""
    found = list(selectors.channels())
    for channel in found:
        channel.programme_list = list(channel.programmes.all())  # type: ignore[attr-defined]
    return found


@router.post(
    "/channels",
    response={201: ChannelOut},
    operation_id="channel_create",
    url_name="channel-create",
)
@requires(CHANNEL_MANAGE)
def channel_create(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    channel = services.channel_create(by=request.user, **payload.dict())
    return Status(201, _channel_out(channel))


@router.get(
    "/channels/{channel_id}",
    response=ChannelOut,
    operation_id="channel_get",
    url_name="channel-detail",
)
@requires(SCREEN_VIEW)
def channel_get(request: HttpRequest, channel_id: int) -> Channel:
    return _channel_out(get_object_or_404(Channel, pk=channel_id))


@router.patch(
    "/channels/{channel_id}",
    response=ChannelOut,
    operation_id="channel_update",
    url_name="channel-update",
)
@requires(CHANNEL_MANAGE)
def channel_update(request: HttpRequest, channel_id: int, payload: ChannelPatch) -> Channel:
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    channel = get_object_or_404(Channel, pk=channel_id)
    return _channel_out(services.channel_update(channel=channel, by=request.user, **changes))


@router.post(
    "/channels/{channel_id}/programmes",
    response={201: ProgrammeOut},
    operation_id="programme_create",
    url_name="programme-create",
)
@requires(CHANNEL_MANAGE)
def programme_create(
    request: HttpRequest, channel_id: int, payload: ProgrammeIn
) -> Status[Programme]:
    """A slot of the channel's weekly schedule (slots of a day must not overlap)."""
    programme = services.programme_add(
        channel=get_object_or_404(Channel, pk=channel_id),
        weekdays=[int(day) for day in payload.weekdays],
        starts=time.fromisoformat(payload.starts),
        ends=time.fromisoformat(payload.ends),
        title=payload.title,
        description=payload.description,
        by=request.user,
    )
    return Status(201, programme)


@router.delete(
    "/programmes/{programme_id}",
    response={204: None},
    operation_id="programme_delete",
    url_name="programme-delete",
)
@requires(CHANNEL_MANAGE)
def programme_delete(request: HttpRequest, programme_id: int) -> Status[None]:
    services.programme_remove(
        programme=get_object_or_404(Programme, pk=programme_id), by=request.user
    )
    return Status(204, None)


# --- forecasts -------------------------------------------------------------------------


@router.get(
    "/forecasts",
    response=list[ForecastOut],
    operation_id="forecast_list",
    url_name="forecast-list",
)
@requires(SCREEN_VIEW)
@paginate
def forecast_list(request: HttpRequest, filters: Query[ForecastFilter]) -> QuerySet[Forecast]:
    """Forecasts of the caller's regions, from today (or `since`)."""
    return selectors.forecast_list(user=request.user, filters=filters)


@router.put(
    "/forecasts",
    response=list[ForecastOut],
    operation_id="forecasts_set",
    url_name="forecasts-set",
)
@requires(SCREEN_MANAGE)
def forecasts_set(request: HttpRequest, payload: ForecastsIn) -> list[Forecast]:
    """A region's forecast for some days (the district, a subdistrict or a community),
    entered or imported from the weather bureau's: each day replaces the one it had.
    All or nothing."""
    user = signed_in_user(request)
    region = Region.objects.visible_to(user, SCREEN_MANAGE).filter(code=payload.region_code).first()
    if region is None:
        raise ValidationError({"region_code": _("Unknown region code.")})
    rows = [services.ForecastRow(d.day, d.summary, d.low, d.high, d.wind) for d in payload.days]
    return services.forecasts_set(region=region, rows=rows, by=user)


@router.delete(
    "/forecasts/{forecast_id}",
    response={204: None},
    operation_id="forecast_delete",
    url_name="forecast-delete",
)
@requires(SCREEN_MANAGE)
def forecast_delete(request: HttpRequest, forecast_id: int) -> Status[None]:
    forecast = get_object_or_404(
        selectors.forecasts_visible(user=request.user, action=SCREEN_MANAGE), pk=forecast_id
    )
    services.forecast_delete(forecast=forecast, by=request.user)
    return Status(204, None)
