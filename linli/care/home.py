"""The family's home block (linli.core.panels.HomeBlock): the elders whose consent the
signed-in resident or 家属 holds, each linking to their alarms and visits."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.care import selectors
from linli.core.panels import HomeBlock
from linli.core.permissions import Role


def _elders(request: HttpRequest) -> dict[str, Any]:
    return {"consents": list(selectors.consents_for(request.user))}


BLOCKS = (
    HomeBlock(
        frozenset({Role.RESIDENT, Role.FAMILY}),
        _("My elders"),
        _elders,
        template="care/_home.html",
        order=7,
    ),
)
