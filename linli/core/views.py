import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # A URL under the API that no route matches: answer as the API does.
        return problem(request, 404, _("Not found."))
    return render(request, "404.html", status=404)


@public  # who may follow a channel is the channel's to say (linli.core.live.register)
@require_GET
async def live_stream(request: HttpRequest) -> HttpResponseBase:
    """Live updates (linli.core.live): `?channel=…` (one or more) as server-sent events,
    or with `poll=1` as a long-poll answering what came after `last` (old browsers). A
    channel unknown or not the asker's answers 404; `Last-Event-ID` (or `last`) replays
    what a reconnecting client missed."""
    names = request.GET.getlist("channel")
    raw_last = request.headers.get("Last-Event-ID") or request.GET.get("last") or ""
    poll = request.GET.get("poll", "")
    if not names or len(names) > live.MAX_CHANNELS or len(set(names)) != len(names):
        detail = _("Name one to %(n)s different channels.") % {"n": live.MAX_CHANNELS}
        return problem(request, 400, _("Bad request"), detail)
    if poll not in ("", "1") or (raw_last and not raw_last.isdigit()) or len(raw_last) > 18:
        return problem(request, 400, _("Bad request"), _("poll is 1; last is a message number."))
    last = int(raw_last) if raw_last else None
    try:
        subscription, first = await sync_to_async(_subscribe)(request, names, last)
    except LookupError:
        return problem(request, 404, _("Not found"))
    except live.TooManyClients:
        response = problem(request, 503, _("Too many live connections; trying again soon."))
        response["Retry-After"] = "10"
        return response
    if poll:
        return await _long_poll(subscription, first if last is None else None)
    if isinstance(request, ASGIRequest):
        body: Any = _events_async(subscription, first)
    else:  # WSGI (runserver, tests): the stream holds a thread
        body = _events_sync(subscription, first)
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _subscribe(
    request: HttpRequest, names: list[str], last: int | None
) -> tuple[live.Subscription, int]:
    scopes = live.resolve(request, names)
    if scopes is None:
        raise LookupError
    subscription = live.hub.subscribe(scopes, last)
    return subscription, live.hub.last


def _hello(first: int) -> str:
    return f"retry: 3000\nid: {first}\nevent: hello\ndata: {{}}\n\n"


def _frames(subscription: live.Subscription) -> str:
    reset, messages = subscription.take()
    frames = "event: reset\ndata: {}\n\n" if reset else ""
    return frames + "".join(m.frame() for m in messages)


async def _events_async(subscription: live.Subscription, first: int) -> AsyncIterator[str]:
    try:
        yield _hello(first)
        deadline = time.monotonic() + settings.LINLI_LIVE_MAX_AGE
        while time.monotonic() < deadline:
            await subscription.await_(settings.LINLI_LIVE_HEARTBEAT)
            yield _frames(subscription) or ": ping\n\n"
    finally:
        live.hub.unsubscribe(subscription)


def _events_sync(subscription: live.Subscription, first: int) -> Iterator[str]:
    try:
        yield _hello(first)
        deadline = time.monotonic() + settings.LINLI_LIVE_MAX_AGE
        while time.monotonic() < deadline:
            subscription.wait(settings.LINLI_LIVE_HEARTBEAT)
            yield _frames(subscription) or ": ping\n\n"
    finally:
        live.hub.unsubscribe(subscription)


async def _long_poll(subscription: live.Subscription, first: int | None) -> JsonResponse:
    """A first poll learns where the stream is; a later one waits for what follows."""
    try:
        if first is None and not (subscription.pending or subscription.reset):
            await subscription.await_(settings.LINLI_LIVE_LONG_POLL)
        reset, messages = subscription.take()
    finally:
        live.hub.unsubscribe(subscription)
    last = max([m.id for m in messages], default=first if first is not None else live.hub.last)
    response = JsonResponse(
        {"last": last, "reset": reset, "messages": [m.public() for m in messages]}
    )
    response["Cache-Control"] = "no-store"
    return response
