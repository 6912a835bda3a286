"""The registry's block of the home page (linli.core.panels.HomeBlock): each count is
the list it links to, counted by the same selector with the same filter."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.auth import signed_in_user
from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role
from linli.registry import selectors
from linli.registry.filters import HouseholdFilter
from linli.registry.permissions import REGISTRY_IMPORT, REGISTRY_VIEW


def _registry(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    tiles = []
    if user.has_action(REGISTRY_VIEW):
        stale = selectors.household_list(
            user=user, filters=HouseholdFilter(stale_days=selectors.STALE_DAYS)
        )
        tiles.append(Tile(_("Households to verify"), stale.count(), reverse("registry:freshness")))
    if user.has_action(REGISTRY_IMPORT):
        waiting = selectors.ledger_imports(user=user, waiting=True)
        url = reverse("registry:ledger-import") + "?waiting=1#imports"
        tiles.append(Tile(_("Imports not finished"), waiting.count(), url))
    return {"tiles": tiles}


BLOCKS = (
    HomeBlock(
        frozenset({Role.COMMUNITY_WORKER, Role.GRID_WORKER}), _("Residents"), _registry, order=30
    ),
)
