"""The ASGI application: what gunicorn serves with uvicorn workers (docs/deploy.md,
ADR 0018). Sync views run each in a thread of its own request, as under WSGI; the live
stream (linli.core.live) holds no thread while it waits.

Persistent database connections are for WSGI's reused threads: under ASGI a request's
thread is new, so a kept connection would outlive it unused. They are off here unless
LINLI_DB_CONN_MAX_AGE says otherwise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DB_CONN_MAX_AGE", "0")
application = get_asgi_application()
