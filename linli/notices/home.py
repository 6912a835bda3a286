"""Notices' block of the home page (linli.core.panels.HomeBlock): a resident's (and
every reader's) unread notices, counted as the list they link to counts them."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role
from linli.notices import selectors
from linli.notices.filters import ReaderFilter


def reader_tiles(request: HttpRequest) -> dict[str, Any]:
    url = reverse("notices:for-me")
    found = selectors.notices_for(user=request.user)
    return {
        "tiles": [
            Tile(
                _("Unread notices"),
                ReaderFilter(unread=True).apply(found).count(),
                url + "?unread=true",
                alert=True,
            ),
            Tile(_("Notices for me"), found.count(), url),
        ]
    }


# The block follows the live channel and fetches itself again (`views.home_block`).
BLOCK = HomeBlock(
    frozenset({Role.RESIDENT}),
    _("Notices"),
    reader_tiles,
    template="notices/_home_block.html",
    order=6,
)
BLOCKS = (BLOCK,)
