"""The residents' home block (linli.core.panels.HomeBlock): their certificates, the
usable ones counted apart, each linking to 我的证照."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.certificates import selectors
from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role


def _mine(request: HttpRequest) -> dict[str, Any]:
    mine = selectors.certificates_of(user=request.user)
    url = reverse("certificates:mine")
    return {
        "tiles": [
            Tile(_("My certificates"), mine.count(), url),
            Tile(_("Valid certificates"), mine.usable().count(), url),
        ]
    }


BLOCKS = (HomeBlock(frozenset({Role.RESIDENT}), _("My certificates"), _mine, order=8),)
