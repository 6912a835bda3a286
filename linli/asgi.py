"""The ASGI application: what gunicorn serves with uvicorn workers (docs/deploy.md,
ADR 0019). Django answers every path, sync views each in a thread of its request, as
under WSGI; the live stream's path is answered by linli.core.live_asgi, which holds no
thread while a stream is open.

Persistent database connections are for WSGI's reused threads: under ASGI a request's
thread is new, so a kept connection would outlive it unused. They are off here unless
LINLI_DB_CONN_MAX_AGE says otherwise."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DB_CONN_MAX_AGE", "0")
django_application = get_asgi_application()

from linli.core import live, live_asgi  # noqa: E402 — after Django is set up


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == live.PATH:
        await live_asgi.stream(scope, receive, send)
    else:
        await django_application(scope, receive, send)
