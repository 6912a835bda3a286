"""Every route the project serves, with the methods it answers and the view behind
each: for the leak test and the checks that every view declares its access rule."""

from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin is for platform operators (is_staff) only and unscoped by design; the
# test users are not staff, so it answers them with its login page. The API's schema
# and docs are made from the code alone (the snapshot test compares them with the
# committed docs/api/openapi.json), and take a second each to make.
EXCLUDED_PREFIXES = ("django-admin/", "static/", "api/v1/openapi.json", "api/v1/docs")
API_PREFIX = "api/v1/"
SAFE = "get"


@dataclass(frozen=True)
class Route:
    """One URL pattern: `route` as Django writes it (`cases/<int:pk>/accept/`),
    `views` the view name answering each method (`{"post": "cases:case-accept"}`),
    `callbacks` the function answering each method."""

    route: str
    views: dict[str, str]
    callbacks: dict[str, Any]

    @property
    def methods(self) -> list[str]:
        return sorted(self.views)

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)


def _patterns(entries, prefix="", namespace=""):
    for entry in entries:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def _closure(function) -> list:
    cells = getattr(function, "__closure__", None) or ()
    values = []
    for cell in cells:
        try:
            values.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return values


def _ninja_path_view(callback):
    """The django-ninja PathView behind an API URL pattern's callback, if it is one."""
    for value in _closure(callback):
        if hasattr(value, "operations"):
            return value
    return None


def _is_method(value) -> bool:
    return isinstance(value, str) and value.isupper() and value.isalpha()


def declared_methods(callback) -> list[str] | None:
    """The methods a console view's `require_http_methods` (`require_GET`, …) allows,
    read from the decorator's closure down the `__wrapped__` chain; None if it has none."""
    function = callback
    while function is not None:
        for value in _closure(function):
            if isinstance(value, list) and value and all(_is_method(m) for m in value):
                return [m.lower() for m in value]
        function = getattr(function, "__wrapped__", None)
    return None


def routes() -> list[Route]:
    """Every route outside EXCLUDED_PREFIXES, once each (django-ninja gives one URL
    pattern per operation name, all answered by one view of the path)."""
    found: dict[str, Route] = {}
    for route, namespace, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or route in found:
            continue
        path_view = _ninja_path_view(pattern.callback)
        if path_view is not None:
            views, callbacks = {}, {}
            for operation in path_view.operations:
                for method in operation.methods:
                    views[method.lower()] = f"{namespace}{operation.url_name}"
                    callbacks[method.lower()] = operation.view_func
        else:
            # Views without a method decorator: django-ninja's docs and schema (GET),
            # Django's set_language (POST; a GET only redirects).
            default = [SAFE] if route.startswith(API_PREFIX) else [SAFE, "post"]
            methods = declared_methods(pattern.callback) or default
            views = {m: f"{namespace}{pattern.name}" for m in methods if m != "head"}
            callbacks = dict.fromkeys(views, pattern.callback)
        found[route] = Route(route, views, callbacks)
    return sorted(found.values(), key=lambda r: r.route)
