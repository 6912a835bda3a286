"""The pages screens and TV boxes show, signed in with their token (a cookie set by
the sign-in page), not as a person: the display's full-screen page and its content,
heartbeats, images, and the 10-foot TV interface at /tv/. Every page shows only the
screen's own community; an alert over the screen's place takes them over."""

import hashlib
import time
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.access import public
from linli.core.problems import problem
from linli.devices.tokens import keep_in_cookie
from linli.screens import content, selectors, services
from linli.screens.choices import HEARTBEAT_EVERY_S, HEARTBEAT_MIN_GAP_S, ItemKind, ScreenKind
from linli.screens.models import Channel, PlaylistItem, Screen
from linli.screens.permissions import SCREEN_VIEW

COOKIE = "linli_screen"


def screen_of(request: HttpRequest) -> Screen | None:
    """The screen whose token the request's cookie holds (in service), or None."""
    return selectors.screen_by_token(request.COOKIES.get(COOKIE, ""))


def live_scope(request: HttpRequest) -> list[str] | None:
    """Who follows the live channel `screens`: a screen, for its community."""
    screen = screen_of(request)
    return None if screen is None else [screen.region.path]


def _signin(request: HttpRequest, *, tv: bool, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "screens/display/signin.html", {"tv": tv, "error": error}, status=status)


def _display_context(screen: Screen) -> dict[str, Any]:
    return {
        "screen": screen,
        "slides": content.slides(screen),
        "alerts": content.alerts_for(screen),
        "now": timezone.localtime(),
    }


@public
@never_cache
@require_GET
def screen_page(request: HttpRequest) -> HttpResponse:
    """The display's full-screen page: its playlist, round and round; the sign-in form
    for a screen without a valid token."""
    screen = screen_of(request)
    if screen is None:
        return _signin(request, tv=False)
    if screen.kind == ScreenKind.TV:
        return redirect("screens-display:tv-home")
    context = _display_context(screen)
    html, etag = _fragment(request, "screens/display/_content.html", context)
    response = render(
        request,
        "screens/display/screen.html",
        {
            **context,
            "content_html": mark_safe(html),  # noqa: S308 - rendered by our template
            "etag": etag,
            "poll_s": settings.LINLI_SCREEN_POLL_S,
            "heartbeat_s": HEARTBEAT_EVERY_S,
            "rendered": int(time.time()),
        },
    )
    response["X-Linli-Screen"] = "1"  # the service worker keeps this page, not a sign-in
    return response


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The screen page's service worker (scope /screen/): keeps the page and what it
    loads for a reload while the server is away (templates/screens/display/sw.js)."""
    response = render(
        request,
        "screens/display/sw.js",
        {
            "page_url": reverse("screens-display:screen"),
            "static_url": settings.STATIC_URL,
            "images_url": reverse("screens-display:image", args=[0]).removesuffix("0/"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_POST
def signin(request: HttpRequest) -> HttpResponse:
    """A screen or TV box signs in with its token, once: a cookie keeps it."""
    token = request.POST.get("token", "").strip()
    tv = request.POST.get("tv") == "1"
    screen = selectors.screen_by_token(token)
    if screen is None:
        return _signin(
            request,
            tv=tv,
            error=_(
                "This token is unknown or no longer valid: ask the community for the "
                "screen's token."
            ),
            status=422,
        )
    target = "screens-display:tv-home" if screen.kind == ScreenKind.TV else "screens-display:screen"
    response = redirect(target)
    keep_in_cookie(response, COOKIE, token)
    return response


def _fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> tuple[str, str]:
    """A fragment of a display page and its ETag (its digest)."""
    html = render_to_string(template, context, request=request)
    return html, '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'


def _etagged(request: HttpRequest, html: str, etag: str) -> HttpResponse:
    """The fragment with its ETag: 304 when the screen has it already."""
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(html)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _gone(request: HttpRequest) -> HttpResponse:
    """The token is no longer valid: the page goes back to its sign-in form."""
    return problem(request, 401, _("Sign in again."), _("The screen's token is no longer valid."))


@public
@require_GET
def screen_content(request: HttpRequest) -> HttpResponse:
    """The display's content (slides and alerts) as a fragment the page swaps in when it
    changed (its ETag): a new playlist, a new notice, an alert."""
    screen = screen_of(request)
    if screen is None:
        return _gone(request)
    return _etagged(
        request, *_fragment(request, "screens/display/_content.html", _display_context(screen))
    )


@public
@require_GET
def alerts_fragment(request: HttpRequest) -> HttpResponse:
    """The alerts over the screen's place, as the overlay a TV page shows (empty when
    there is none)."""
    screen = screen_of(request)
    if screen is None:
        return _gone(request)
    return _etagged(request, *_alerts(request, screen))


def _alerts(request: HttpRequest, screen: Screen) -> tuple[str, str]:
    return _fragment(
        request, "screens/display/_alerts.html", {"alerts": content.alerts_for(screen)}
    )


@public
@require_POST
def heartbeat(request: HttpRequest) -> HttpResponse:
    """The screen is alive, showing `showing`. Sooner than 10 s after the last: 429."""
    screen = screen_of(request)
    if screen is None:
        return _gone(request)
    try:
        services.screen_heartbeat(screen=screen, showing=request.POST.get("showing", ""))
    except services.HeartbeatTooSoon:
        response = problem(
            request,
            429,
            _("Too many heartbeats."),
            _("A screen sends a heartbeat at most every %(s)s seconds.")
            % {"s": HEARTBEAT_MIN_GAP_S},
        )
        response["Retry-After"] = str(HEARTBEAT_MIN_GAP_S)
        return response
    return HttpResponse(status=204)


@public
@require_GET
def image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An image item's file: for the screens playing its playlist, and staff who see it."""
    item = (
        PlaylistItem.objects.filter(pk=pk, kind=ItemKind.IMAGE).select_related("playlist").first()
    )
    if item is None or not item.image:
        raise Http404
    screen = screen_of(request)
    allowed = screen is not None and screen.playlist_id == item.playlist_id
    if not allowed and request.user.is_authenticated:
        allowed = (
            selectors.playlists_visible(user=request.user, action=SCREEN_VIEW)
            .filter(pk=item.playlist_id)
            .exists()
        )
    if not allowed:
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type=item.image_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- the TV ----------------------------------------------------------------------------


def _tv(
    request: HttpRequest, template: str, screen: Screen, status: int = 200, **context: Any
) -> HttpResponse:
    html, etag = _alerts(request, screen)
    return render(
        request,
        template,
        {
            "screen": screen,
            "alerts_html": mark_safe(html),  # noqa: S308 - rendered by our template
            "alerts_etag": etag,
            "poll_s": settings.LINLI_SCREEN_POLL_S,
            **context,
        },
        status=status,
    )


@public
@never_cache
@require_GET
def tv_home(request: HttpRequest) -> HttpResponse:
    """The channel guide: every channel on air, and what each shows now."""
    screen = screen_of(request)
    if screen is None:
        return _signin(request, tv=True)
    channels = [c for c in selectors.channels() if c.enabled]
    return _tv(
        request,
        "screens/tv/home.html",
        screen,
        channels=[(c, content.programme_now(c)) for c in channels],
    )


@public
@never_cache
@require_http_methods(["GET"])
def tv_channel(request: HttpRequest, number: int) -> HttpResponse:
    """A channel: what is on now, today's schedule, and the notices on its topics for
    the box's community. An unknown number: the guide, saying so."""
    screen = screen_of(request)
    if screen is None:
        return _signin(request, tv=True)
    channel: Channel | None = selectors.channels().filter(number=number, enabled=True).first()
    if channel is None:
        channels = [c for c in selectors.channels() if c.enabled]
        return _tv(
            request,
            "screens/tv/home.html",
            screen,
            status=404,
            channels=[(c, content.programme_now(c)) for c in channels],
            missing=number,
        )
    items_html, items_etag = _items(request, screen, channel)
    return _tv(
        request,
        "screens/tv/channel.html",
        screen,
        channel=channel,
        now_on=content.programme_now(channel),
        schedule=content.schedule_today(channel),
        items_html=mark_safe(items_html),  # noqa: S308 - rendered by our template
        items_etag=items_etag,
    )


def _items(request: HttpRequest, screen: Screen, channel: Channel) -> tuple[str, str]:
    return _fragment(
        request,
        "screens/tv/_items.html",
        {
            "channel": channel,
            "notices": content.notices_for(screen.region, channel.topics, limit=12),
        },
    )


@public
@require_GET
def tv_items(request: HttpRequest, number: int) -> HttpResponse:
    """A channel's latest notices, as the fragment its page swaps in when they changed
    (a notice published or withdrawn: the live channel `screens` says when)."""
    screen = screen_of(request)
    if screen is None:
        return _gone(request)
    channel = selectors.channels().filter(number=number, enabled=True).first()
    if channel is None:
        raise Http404
    return _etagged(request, *_items(request, screen, channel))


@public
@never_cache
@require_GET
def tv_notice(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """A notice of a channel, as text in large type (the arrows scroll it)."""
    screen = screen_of(request)
    if screen is None:
        return _signin(request, tv=True)
    channel = selectors.channels().filter(number=number, enabled=True).first()
    notice = (
        content.notices_in(screen.region, channel.topics).filter(pk=pk).first()
        if channel is not None
        else None
    )
    if channel is None or notice is None:
        raise Http404
    return _tv(
        request,
        "screens/tv/notice.html",
        screen,
        channel=channel,
        notice=notice,
        paragraphs=content.paragraphs(notice.body),
    )
