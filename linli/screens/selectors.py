"""Reads of the screens app, each starting from the scoping primitive — but for the
screen's own reads, which start from its token."""

from django.db.models import Prefetch, Q, QuerySet

from linli.core.scoping import AnyUser
from linli.devices.tokens import token_digest
from linli.regions.models import ancestor_paths
from linli.screens.filters import ForecastFilter, PlaylistFilter, ScreenFilter
from linli.screens.models import Channel, Forecast, Playlist, PlaylistItem, Programme, Screen
from linli.screens.permissions import SCREEN_VIEW


def screens_visible(*, user: AnyUser, action: str = SCREEN_VIEW) -> QuerySet[Screen]:
    return Screen.objects.visible_to(user, action)


def screen_list(*, user: AnyUser, filters: ScreenFilter) -> QuerySet[Screen]:
    return (
        filters.apply(screens_visible(user=user), user=user)
        .select_related("region", "building", "playlist")
        .order_by("region__path", "kind", "name", "pk")
    )


def playlists_visible(*, user: AnyUser, action: str = SCREEN_VIEW) -> QuerySet[Playlist]:
    return Playlist.objects.visible_to(user, action)


def playlist_list(*, user: AnyUser, filters: PlaylistFilter) -> QuerySet[Playlist]:
    return (
        filters.apply(playlists_visible(user=user), user=user)
        .select_related("region")
        .prefetch_related(Prefetch("items", queryset=PlaylistItem.objects.order_by("order", "pk")))
        .order_by("region__path", "name", "pk")
    )


def forecasts_visible(*, user: AnyUser, action: str = SCREEN_VIEW) -> QuerySet[Forecast]:
    return Forecast.objects.visible_to(user, action)


def forecast_list(*, user: AnyUser, filters: ForecastFilter) -> QuerySet[Forecast]:
    """The forecasts of the user's regions, and of the regions above them (the
    district's, which their screens show where they have none of their own)."""
    found = forecasts_visible(user=user)
    if user.is_authenticated and not user.is_superuser:
        above = {a for p in user.scope_paths(SCREEN_VIEW) for a in ancestor_paths(p)}
        found = Forecast.objects.filter(Q(pk__in=found.values("pk")) | Q(region__path__in=above))
    return (
        filters.apply(found, user=user)
        .select_related("region")
        .order_by("region__path", "day", "pk")
    )


def channels() -> QuerySet[Channel]:
    """Every channel (district-wide: anyone who views screens sees them), with its
    schedule."""
    return Channel.objects.prefetch_related(
        Prefetch("programmes", queryset=Programme.objects.order_by("starts", "pk"))
    ).order_by("number")


def screen_by_token(token: str) -> Screen | None:
    """The screen in service holding this token, with its community."""
    if not token or len(token) > 64:
        return None
    return (
        Screen.objects.filter(token_hash=token_digest(token), retired_at__isnull=True)
        .select_related("region", "playlist", "building__grid")
        .first()
    )
