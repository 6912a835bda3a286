import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from linli.core import live, panels
from linli.core.access import public, signed_in
from linli.core.problems import API_PREFIX, problem


@public
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "version": settings.VERSION, "database": database},
        status=200 if healthy else 503,
    )


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page (工作台): the blocks apps register for the roles the user holds
    (linli.core.panels.HomeBlock), the counts of each linking to the work."""
    user = request.user  # signed in (signed_in has sent anyone else to the login page)
    grants = user.active_grants() if user.is_authenticated else []
    blocks = [
        render_to_string(
            block.template, {"block": block, **block.content(request)}, request=request
        )
        for block in panels.home_blocks(request)
    ]
    return render(request, "core/home.html", {"grants": grants, "blocks": blocks})


TEXT_COOKIE = "linli_text"  # "large": the large-text mode (base.html, linli.css)


def large_text(request: HttpRequest) -> dict[str, bool]:
    """Template context (`large_text`): the signed-in person's preference, kept on
    their account so it follows them to any device; else this browser's cookie (the
    public pages, a TV, a shared family phone)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"large_text": bool(getattr(user, "large_text", False))}
    return {"large_text": request.COOKIES.get(TEXT_COOKIE) == "large"}


@public  # a preference of the browser's, for anyone reading
@require_POST
def text_size(request: HttpRequest) -> HttpResponseBase:
    """The 大字 toggle: large text (and touch targets) on, or off, remembered by this
    browser for a year and, for a signed-in person, on their account; back to the
    page it was pressed on."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = redirect(back)
    large = request.POST.get("large") == "1"
    user = request.user
    if user.is_authenticated and getattr(user, "large_text", large) != large:
        user.large_text = large
        user.save(update_fields=["large_text"])
    if large:
        response.set_cookie(
            TEXT_COOKIE,
            "large",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(TEXT_COOKIE, samesite="Lax")
    return response


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # A URL under the API that no route matches: answer as the API does.
        return problem(request, 404, _("Not found."))
    return render(request, "404.html", status=404)


@public  # who may follow a channel is the channel's to say (linli.core.live.register)
@require_GET
def live_stream(request: HttpRequest) -> HttpResponseBase:
    """Live updates (linli.core.live) under WSGI (runserver, tests): `?channel=…` (one
    or more) as server-sent events, or with `poll=1` as a long-poll answering what came
    after `last` (old browsers). A channel unknown or not the asker's answers 404;
    `Last-Event-ID` (or `last`) replays what a reconnecting client missed. Here a
    stream holds a thread; under ASGI linli/asgi.py answers this path itself, holding
    none."""
    try:
        names, last, poll = live.parse(request.GET, request.headers.get("Last-Event-ID"))
        subscription, first = live.subscribe(request, names, last)
    except live.BadRequest as exc:
        return problem(request, 400, _("Bad request"), str(exc))
    except LookupError:
        return problem(request, 404, _("Not found"))
    except live.TooManyClients:
        response = problem(request, 503, _("Too many live connections; trying again soon."))
        response["Retry-After"] = "10"
        return response
    if poll:
        if last is not None and not (subscription.pending or subscription.reset):
            subscription.wait(settings.LINLI_LIVE_LONG_POLL)
        answer = JsonResponse(live.poll_answer(subscription, first if last is None else None))
        answer["Cache-Control"] = "no-store"
        return answer
    stream = StreamingHttpResponse(
        _events(subscription, first), content_type="text/event-stream; charset=utf-8"
    )
    stream["Cache-Control"] = "no-store"
    stream["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return stream


def _events(subscription: live.Subscription, first: int) -> Iterator[str]:
    try:
        yield live.hello(first)
        deadline = time.monotonic() + settings.LINLI_LIVE_MAX_AGE
        while time.monotonic() < deadline:
            subscription.wait(settings.LINLI_LIVE_HEARTBEAT)
            yield live.frames(subscription)
    finally:
        live.hub.unsubscribe(subscription)
