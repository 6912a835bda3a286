"""The screens console: screens and TV boxes (list with their heartbeat, a screen's
page with a preview of what it shows now, registering, editing, tokens), playlists and
their items, the TV channels and their schedules, forecasts."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import may
from linli.registry.models import Building
from linli.screens import content, selectors, services
from linli.screens.filters import ForecastFilter, PlaylistFilter, ScreenFilter
from linli.screens.forms import (
    ChannelEditForm,
    ChannelForm,
    ForecastForm,
    ForecastImportForm,
    ItemEditForm,
    ItemForm,
    PlaylistForm,
    ProgrammeForm,
    RenameForm,
    ScreenEditForm,
    ScreenForm,
    parse_forecast_lines,
)
from linli.screens.models import Channel, Playlist, PlaylistItem, Programme, Screen
from linli.screens.permissions import CHANNEL_MANAGE, SCREEN_MANAGE, SCREEN_VIEW
from linli.screens.topics import topic_names

# --- screens ---------------------------------------------------------------------------


def _communities(user: Any) -> Any:
    return (
        Region.objects.visible_to(user, SCREEN_MANAGE)
        .filter(level=Level.COMMUNITY, retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")[:500]
    )


def _screen_form(request: HttpRequest, data: Any = None, *, edit: Screen | None = None) -> Any:
    user = signed_in_user(request)
    buildings = (
        Building.objects.visible_to(user, SCREEN_MANAGE)
        .select_related("grid__parent")
        .order_by("grid__path", "name")
    )
    playlists = selectors.playlists_visible(user=user, action=SCREEN_MANAGE).select_related(
        "region"
    )
    if edit is not None:
        initial = {
            "name": edit.name,
            "building": edit.building_id,
            "longitude": edit.longitude,
            "latitude": edit.latitude,
            "playlist": edit.playlist_id,
        }
        return ScreenEditForm(
            data,
            initial=initial,
            communities=[],
            buildings=buildings.filter(grid__parent=edit.region),
            playlists=playlists.filter(region=edit.region),
        )
    return ScreenForm(
        data, communities=_communities(user), buildings=buildings, playlists=playlists
    )


@requires(SCREEN_VIEW)
@require_GET
def screen_list(request: HttpRequest) -> HttpResponse:
    """Screens and TV boxes by region, kind and state, with their last heartbeat."""
    user = signed_in_user(request)
    filters, errors = ScreenFilter.from_query(request.GET)
    found = selectors.screen_list(user=user, filters=filters)
    return render_list(
        request,
        "screens/screen_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        may_manage=user.has_action(SCREEN_MANAGE),
    )


@requires(SCREEN_MANAGE)
@require_http_methods(["GET", "POST"])
def screen_create(request: HttpRequest) -> HttpResponse:
    """Register a screen or TV box: its token is shown on the answer, this once."""
    user = signed_in_user(request)
    form = _screen_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = get_object_or_404(
            Region.objects.visible_to(user, SCREEN_MANAGE), code=data["region_code"]
        )
        try:
            screen, token = services.screen_register(
                kind=data["kind"],
                name=data["name"],
                region=region,
                building=data["building"],
                longitude=data["longitude"],
                latitude=data["latitude"],
                playlist=data["playlist"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(
                request,
                "screens/screen_token.html",
                {"screen": screen, "token": token, "new": True},
                status=201,
            )
    status = 422 if form.errors else 200
    return render(request, "screens/screen_form.html", {"form": form}, status=status)


def _screen(request: HttpRequest, pk: int, action: str = SCREEN_VIEW) -> Screen:
    return get_object_or_404(
        selectors.screens_visible(user=request.user, action=action).select_related(
            "region", "building", "playlist"
        ),
        pk=pk,
    )


@requires(SCREEN_VIEW)
@require_GET
def screen_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A screen: where it is, its heartbeat, and a preview of what it shows now."""
    user = signed_in_user(request)
    screen = _screen(request, pk)
    context: dict[str, Any] = {
        "screen": screen,
        "alerts": content.alerts_for(screen),
        "may_manage": user.has_action(SCREEN_MANAGE)
        and selectors.screens_visible(user=user, action=SCREEN_MANAGE).filter(pk=pk).exists(),
    }
    if screen.kind == "screen":
        context["slides"] = content.slides(screen)
        context["current"] = next((s for s in context["slides"] if s.key == screen.showing), None)
    else:
        channels = [c for c in selectors.channels() if c.enabled]
        context["channels"] = [(c, content.programme_now(c)) for c in channels]
    return render(request, "screens/screen_detail.html", context)


@requires(SCREEN_MANAGE)
@require_http_methods(["GET", "POST"])
def screen_edit(request: HttpRequest, pk: int) -> HttpResponse:
    screen = _screen(request, pk, SCREEN_MANAGE)
    form = _screen_form(request, request.POST if request.method == "POST" else None, edit=screen)
    if request.method == "POST" and form.is_valid():
        try:
            services.screen_update(screen=screen, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Screen saved."))
            return redirect("screens:screen-detail", pk=screen.pk)
    status = 422 if form.errors else 200
    return render(
        request, "screens/screen_form.html", {"form": form, "screen": screen}, status=status
    )


@requires(SCREEN_MANAGE)
@require_POST
def screen_token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new token: shown once; the old one stops working at once."""
    screen = _screen(request, pk, SCREEN_MANAGE)
    try:
        token = services.screen_token_rotate(screen=screen, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("screens:screen-detail", pk=screen.pk)
    return render(request, "screens/screen_token.html", {"screen": screen, "token": token})


@requires(SCREEN_MANAGE)
@require_POST
def screen_retire(request: HttpRequest, pk: int) -> HttpResponse:
    screen = _screen(request, pk, SCREEN_MANAGE)
    services.screen_retire(screen=screen, by=request.user)
    messages.success(request, _("The screen is retired: its token no longer works."))
    return redirect("screens:screen-detail", pk=screen.pk)


# --- playlists -------------------------------------------------------------------------


@requires(SCREEN_VIEW)
@require_http_methods(["GET", "POST"])
def playlist_list(request: HttpRequest) -> HttpResponse:
    """The playlists of the user's communities; a new one (POST)."""
    user = signed_in_user(request)
    form = PlaylistForm(
        request.POST if request.method == "POST" else None, communities=_communities(user)
    )
    if request.method == "POST":
        if not user.has_action(SCREEN_MANAGE):
            raise PermissionDenied
        if form.is_valid():
            region = get_object_or_404(
                Region.objects.visible_to(user, SCREEN_MANAGE),
                code=form.cleaned_data["region_code"],
            )
            try:
                playlist = services.playlist_create(
                    region=region, name=form.cleaned_data["name"], by=user
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("screens:playlist-detail", pk=playlist.pk)
    filters, errors = PlaylistFilter.from_query(request.GET)
    found = selectors.playlist_list(user=user, filters=filters)
    return render_list(
        request,
        "screens/playlist_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        form=form,
        may_manage=user.has_action(SCREEN_MANAGE),
        status=422 if form.errors else 200,
    )


def _playlist(request: HttpRequest, pk: int, action: str = SCREEN_VIEW) -> Playlist:
    return get_object_or_404(
        selectors.playlists_visible(user=request.user, action=action).select_related("region"),
        pk=pk,
    )


def _playlist_page(
    request: HttpRequest, playlist: Playlist, status: int = 200, **forms: Any
) -> HttpResponse:
    user = signed_in_user(request)
    items = list(playlist.items.order_by("order", "pk"))
    for item in items:
        item.topic_names = topic_names(item.topics)  # type: ignore[attr-defined]
    return render(
        request,
        "screens/playlist_detail.html",
        {
            "playlist": playlist,
            "items": items,
            "screens": playlist.screens.filter(retired_at__isnull=True).order_by("name"),
            "item_form": forms.get("item_form") or ItemForm(),
            "rename_form": forms.get("rename_form") or RenameForm(initial={"name": playlist.name}),
            "may_manage": selectors.playlists_visible(user=user, action=SCREEN_MANAGE)
            .filter(pk=playlist.pk)
            .exists(),
        },
        status=status,
    )


@requires(SCREEN_VIEW)
@require_http_methods(["GET", "POST"])
def playlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A playlist's items in order; renaming it (POST)."""
    if request.method == "GET":
        return _playlist_page(request, _playlist(request, pk))
    playlist = _playlist(request, pk, SCREEN_MANAGE)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.playlist_rename(
                playlist=playlist, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Playlist saved."))
            return redirect("screens:playlist-detail", pk=playlist.pk)
    return _playlist_page(request, playlist, 422, rename_form=form)


@requires(SCREEN_MANAGE)
@require_POST
def playlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    playlist = _playlist(request, pk, SCREEN_MANAGE)
    try:
        services.playlist_delete(playlist=playlist, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("screens:playlist-detail", pk=playlist.pk)
    messages.success(request, _("Playlist deleted."))
    return redirect("screens:playlist-list")


@requires(SCREEN_MANAGE)
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    playlist = _playlist(request, pk, SCREEN_MANAGE)
    form = ItemForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            image = services.image_check(data["image"]) if data["image"] else None
            services.item_add(
                playlist=playlist,
                kind=data["kind"],
                duration=data["duration"],
                title=data["title"],
                topics=data["topics"],
                image=image,
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("screens:playlist-detail", pk=playlist.pk)
    return _playlist_page(request, playlist, 422, item_form=form)


def _item(request: HttpRequest, pk: int) -> PlaylistItem:
    playlists = selectors.playlists_visible(user=request.user, action=SCREEN_MANAGE)
    return get_object_or_404(
        PlaylistItem.objects.select_related("playlist__region").filter(playlist__in=playlists),
        pk=pk,
    )


@requires(SCREEN_MANAGE)
@require_POST
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ItemEditForm(request.POST)
    if form.is_valid():
        try:
            services.item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Item saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return redirect("screens:playlist-detail", pk=item.playlist_id)


@requires(SCREEN_MANAGE)
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    services.item_move(item=item, up=request.POST.get("direction") == "up", by=request.user)
    return redirect("screens:playlist-detail", pk=item.playlist_id)


@requires(SCREEN_MANAGE)
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    services.item_remove(item=item, by=request.user)
    messages.success(request, _("Item removed."))
    return redirect("screens:playlist-detail", pk=item.playlist_id)


# --- channels --------------------------------------------------------------------------


@requires(SCREEN_VIEW)
@require_http_methods(["GET", "POST"])
def channel_list(request: HttpRequest) -> HttpResponse:
    """The TV channels and what each is showing now; a new channel (POST)."""
    user = signed_in_user(request)
    may_manage = user.has_action(CHANNEL_MANAGE)
    form = ChannelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                channel = services.channel_create(by=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("screens:channel-detail", pk=channel.pk)
    channels = [(c, content.programme_now(c), topic_names(c.topics)) for c in selectors.channels()]
    return render(
        request,
        "screens/channel_list.html",
        {"channels": channels, "form": form, "may_manage": may_manage},
        status=422 if form.errors else 200,
    )


def _channel_page(
    request: HttpRequest, channel: Channel, status: int = 200, **forms: Any
) -> HttpResponse:
    user = signed_in_user(request)
    initial = {
        "name": channel.name,
        "topics": channel.topics,
        "description": channel.description,
        "enabled": channel.enabled,
    }
    return render(
        request,
        "screens/channel_detail.html",
        {
            "channel": channel,
            "topics": topic_names(channel.topics),
            "programmes": channel.programmes.order_by("starts", "pk"),
            "now_on": content.programme_now(channel),
            "form": forms.get("form") or ChannelEditForm(initial=initial),
            "programme_form": forms.get("programme_form") or ProgrammeForm(),
            "may_manage": user.has_action(CHANNEL_MANAGE),
        },
        status=status,
    )


@requires(SCREEN_VIEW)
@require_http_methods(["GET", "POST"])
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A channel and its schedule; editing it (POST, channel managers)."""
    channel = get_object_or_404(Channel, pk=pk)
    if request.method == "GET":
        return _channel_page(request, channel)
    if not signed_in_user(request).has_action(CHANNEL_MANAGE):
        raise PermissionDenied
    form = ChannelEditForm(request.POST)
    if form.is_valid():
        try:
            services.channel_update(channel=channel, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Channel saved."))
            return redirect("screens:channel-detail", pk=channel.pk)
    return _channel_page(request, channel, 422, form=form)


@requires(CHANNEL_MANAGE)
@require_POST
def programme_add(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=pk)
    form = ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            services.programme_add(channel=channel, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Programme added."))
            return redirect("screens:channel-detail", pk=channel.pk)
    return _channel_page(request, channel, 422, programme_form=form)


@requires(CHANNEL_MANAGE)
@require_POST
def programme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    services.programme_remove(programme=programme, by=request.user)
    messages.success(request, _("Programme removed."))
    return redirect("screens:channel-detail", pk=programme.channel_id)


# --- forecasts -------------------------------------------------------------------------


def _forecast_regions(user: Any) -> Any:
    return (
        Region.objects.visible_to(user, SCREEN_MANAGE)
        .filter(
            level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY],
            retired_at__isnull=True,
        )
        .select_related("parent")
        .order_by("path")[:500]
    )


@requires(SCREEN_VIEW)
@require_http_methods(["GET", "POST"])
def forecast_list(request: HttpRequest) -> HttpResponse:
    """The forecasts of the user's regions from today; one day entered, or several
    pasted from the weather bureau's forecast (POST)."""
    user = signed_in_user(request)
    regions = _forecast_regions(user)
    posted = request.POST if request.method == "POST" else None
    importing = posted is not None and "lines" in posted
    form = ForecastForm(None if importing else posted, regions=regions)
    import_form = ForecastImportForm(posted if importing else None, regions=regions)
    if posted is not None:
        if not user.has_action(SCREEN_MANAGE):
            raise PermissionDenied
        chosen = import_form if importing else form
        if chosen.is_valid():
            data = chosen.cleaned_data
            region = get_object_or_404(
                Region.objects.visible_to(user, SCREEN_MANAGE), code=data["region_code"]
            )
            rows: list[services.ForecastRow] = []
            if importing:
                parsed, problems = parse_forecast_lines(data["lines"])
                for problem in problems:
                    chosen.add_error("lines", problem)
                rows = [services.ForecastRow(*row) for row in parsed]
            else:
                rows = [
                    services.ForecastRow(
                        data["day"], data["summary"], data["low"], data["high"], data["wind"]
                    )
                ]
            if not chosen.errors:
                try:
                    services.forecasts_set(region=region, rows=rows, by=user)
                except ValidationError as exc:
                    if importing:
                        chosen.add_error("lines", exc.messages)
                    else:
                        apply_errors(chosen, exc)
                else:
                    messages.success(request, _("Forecast saved."))
                    return redirect("screens:forecast-list")
    filters, errors = ForecastFilter.from_query(request.GET)
    page = page_of(request, selectors.forecast_list(user=user, filters=filters))
    for forecast in page:
        forecast.may_delete = may(user, forecast.region, SCREEN_MANAGE)
    return render_list(
        request,
        "screens/forecast_list.html",
        page=page,
        filters=filters,
        errors=errors,
        form=form,
        import_form=import_form,
        may_manage=user.has_action(SCREEN_MANAGE),
        status=422 if form.errors or import_form.errors else 200,
    )


@requires(SCREEN_MANAGE)
@require_POST
def forecast_delete(request: HttpRequest, pk: int) -> HttpResponse:
    forecast = get_object_or_404(
        selectors.forecasts_visible(user=request.user, action=SCREEN_MANAGE), pk=pk
    )
    services.forecast_delete(forecast=forecast, by=request.user)
    messages.success(request, _("Forecast deleted."))
    return redirect("screens:forecast-list")
