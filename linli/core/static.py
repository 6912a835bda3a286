"""Static files from the app server (WhiteNoise), as middleware that Django can call
synchronously (WSGI) or asynchronously (ASGI): WhiteNoise's own is sync only, and one
sync middleware makes Django run every async view's request — an open live stream
too — in a thread of its own for its whole life (ADR 0019)."""

from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]


class StaticFiles(WhiteNoiseMiddleware):  # type: ignore[misc]
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any = None, **kwargs: Any) -> None:
        super().__init__(get_response, **kwargs)
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self._acall(request)
        return super().__call__(request)

    def _static(self, request: HttpRequest) -> Any:
        if self.autorefresh:
            return self.find_file(request.path_info)
        return self.files.get(request.path_info)

    async def _acall(self, request: HttpRequest) -> Any:
        static_file = self._static(request)
        if static_file is not None:
            return self.serve(static_file, request)  # a file response: streamed by Django
        return await self.get_response(request)
