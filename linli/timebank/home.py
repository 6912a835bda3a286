"""The residents' home block (linli.core.panels.HomeBlock): the hours in their time-bank
account, linking to 我的时间银行 (only for those who have an account)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.core.panels import HomeBlock
from linli.core.permissions import Role
from linli.timebank import selectors


def _mine(request: HttpRequest) -> dict[str, Any]:
    return {"account": selectors.accounts_of(user=request.user).first()}


BLOCKS = (
    HomeBlock(
        frozenset({Role.RESIDENT}),
        _("My time bank"),
        _mine,
        template="timebank/_home.html",
        order=9,
    ),
)
