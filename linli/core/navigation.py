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


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    _items.extend(items)
    _items.sort(key=lambda item: item.order)


def navigation(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """Template context: the entries the signed-in user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": _is_active(request, item)}
        for item in _items
        if item.action == SIGNED_IN or user.has_action(item.action)
    ]
    return {"nav_items": items}


def _is_active(request: HttpRequest, item: NavItem) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.view_name.split(":")[0] == item.url_name.split(":")[0])
