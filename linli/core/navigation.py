"""The console's navigation: each app registers its entries in `AppConfig.ready`,
each in one of the menus of `MENUS` (or on the bar itself: a person's own pages)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.access import SIGNED_IN

# The bar's menus, in their order: code → label. A menu shows the entries the user may
# use; with one, the entry itself stands on the bar.
MENUS: dict[str, str | Promise] = {
    "registry": _("People and places"),
    "cases": _("Cases and grid work"),
    "devices": _("Devices and alarms"),
    "care": _("Elderly care"),
    "services": _("Government services"),
    "publishing": _("Notices and alerts"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a gettext_lazy string
    url_name: str
    action: str
    order: int = 100
    # Other pages of the app under this entry (view names); an app's pages that no
    # entry claims fall under its first entry.
    also: tuple[str, ...] = ()
    menu: str = ""  # a key of MENUS; "" on the bar itself

    def __post_init__(self) -> None:
        if self.menu and self.menu not in MENUS:
            raise ValueError(f"Unknown menu {self.menu!r} for {self.url_name}.")


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    _items.extend(items)
    _items.sort(key=lambda item: item.order)


def navigation(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """Template context: the entries the signed-in user may use (`nav_items`), and the
    bar built of them (`nav_bar`: menus of entries, and entries on their own)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_bar": []}
    current = _current_item(request)
    usable = [item for item in _items if item.action == SIGNED_IN or user.has_action(item.action)]
    entries = {
        item: {"label": item.label, "url": reverse(item.url_name), "active": item is current}
        for item in usable
    }
    bar: list[dict[str, Any]] = []
    for code, label in MENUS.items():
        inside = [entries[item] for item in usable if item.menu == code]
        if len(inside) > 1:
            active = any(entry["active"] for entry in inside)
            bar.append({"label": label, "menu": code, "entries": inside, "active": active})
        else:
            bar.extend(inside)
    bar.extend(entries[item] for item in usable if not item.menu)
    return {"nav_items": list(entries.values()), "nav_bar": bar}


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
