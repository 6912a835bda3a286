"""One view serves a page and its fragments (Django template partials)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def htmx_partial(request: HttpRequest, partial: str) -> str | None:
    """The partial to render for this request: `partial` on an htmx request, else None."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return partial
    return None


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str = "results",
    status: int = 200,
) -> HttpResponse:
    fragment = htmx_partial(request, partial)
    return render(
        request, f"{template}#{fragment}" if fragment else template, context, status=status
    )
