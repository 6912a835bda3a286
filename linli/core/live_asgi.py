"""The live stream under ASGI (linli/asgi.py routes `live.PATH` here, past Django's
handler): Django runs an async view's request inside a thread-sensitive context whose
thread lives as long as the answer, and its middleware calls into that thread, so each
open stream would hold a thread. Here the session and grants are read once in the
shared thread pool; the open stream is a coroutine waiting on an event (ADR 0019)."""

import asyncio
import io
import json
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.core import live
from linli.core.problems import problem

Send = Any
Receive = Any


async def stream(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    request = ASGIRequest(scope, io.BytesIO())
    with translation.override(settings.LANGUAGE_CODE):
        try:
            request.get_host()
        except DisallowedHost:
            return await _send(send, problem(request, 400, _("Bad request")))
        if request.method != "GET":
            answer = problem(request, 405, _("Method not allowed."))
            answer["Allow"] = "GET"
            return await _send(send, answer)
        try:
            names, last, poll = live.parse(request.GET, request.headers.get("Last-Event-ID"))
            subscription, first = await sync_to_async(_subscribe, thread_sensitive=False)(
                request, names, last
            )
        except live.BadRequest as exc:
            return await _send(send, problem(request, 400, _("Bad request"), str(exc)))
        except LookupError:
            return await _send(send, problem(request, 404, _("Not found")))
        except live.TooManyClients:
            answer = problem(request, 503, _("Too many live connections; trying again soon."))
            answer["Retry-After"] = "10"
            return await _send(send, answer)
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        if poll:
            if last is not None and not (subscription.pending or subscription.reset):
                waiting = asyncio.ensure_future(subscription.await_(settings.LINLI_LIVE_LONG_POLL))
                await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
            body = live.poll_answer(subscription, first if last is None else None)
            return await _send(send, _json(body))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        await _chunk(send, live.hello(first))
        deadline = time.monotonic() + settings.LINLI_LIVE_MAX_AGE
        while time.monotonic() < deadline:
            waiting = asyncio.ensure_future(subscription.await_(settings.LINLI_LIVE_HEARTBEAT))
            await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
            if gone.done():
                waiting.cancel()
                return
            await _chunk(send, live.frames(subscription))
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        live.hub.unsubscribe(subscription)
        gone.cancel()


def _subscribe(
    request: ASGIRequest, names: list[str], last: int | None
) -> tuple[live.Subscription, int]:
    """Who asks (the session cookie, as SessionMiddleware and AuthenticationMiddleware
    read it), then their subscription."""
    engine = import_string(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    request.user = get_user(request)
    return live.subscribe(request, names, last)


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _chunk(send: Send, text: str) -> None:
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})


def _json(body: dict[str, Any]) -> HttpResponse:
    answer = HttpResponse(json.dumps(body), content_type="application/json")
    answer["Cache-Control"] = "no-store"
    return answer


async def _send(send: Send, response: HttpResponse) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in response.items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})
