"""Remembers the client's address during a request, for the audit entries it writes.

Services do not take the request; `audit_record` falls back on this address when
it is not given one, so every entry written while answering a request carries the
address of the person's machine (`linli.core.network.client_ip`).
"""

from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction
from django.utils.decorators import sync_and_async_middleware

from linli.core.network import client_ip

_request_ip: ContextVar[str | None] = ContextVar("linli_audit_request_ip", default=None)


def current_ip() -> str | None:
    """The client address of the request being answered, or None outside one."""
    return _request_ip.get()


@sync_and_async_middleware  # under ASGI no thread is held for it (ADR 0019)
def audit_context(get_response):
    if iscoroutinefunction(get_response):

        async def amiddleware(request):
            token = _request_ip.set(client_ip(request))
            try:
                return await get_response(request)
            finally:
                _request_ip.reset(token)

        return amiddleware

    def middleware(request):
        token = _request_ip.set(client_ip(request))
        try:
            return get_response(request)
        finally:
            _request_ip.reset(token)

    return middleware
