"""The console's navigation: each app registers its entries in `AppConfig.ready`."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from linli.core.access import SIGNED_IN


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a gettext_lazy string
    url_name: str
    action: str
    order: int = 100
    # Other pages of the app under this entry (view names); an app's pages that no
    # entry claims fall under its first entry.
    also: tuple[str, ...] = ()


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    _items.extend(items)
    _items.sort(key=lambda item: item.order)


def navigation(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """Template context: the entries the signed-in user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = _current_item(request)
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": item is current}
        for item in _items
        if item.action == SIGNED_IN or user.has_action(item.action)
    ]
    return {"nav_items": items}


def _current_item(request: HttpRequest) -> NavItem | None:
    """The one entry the page is under: the entry of its view (or claiming it in
    `also`), else the first entry of its app."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    view = match.view_name
    of_app = [item for item in _items if item.url_name.split(":")[0] == view.split(":")[0]]
    for item in of_app:
        if view == item.url_name or view in item.also:
            return item
    return of_app[0] if of_app else None
