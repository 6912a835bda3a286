"""The indicators' block of the home page for administrators
(linli.core.panels.HomeBlock): the headline indicators of their whole scope for the
last 30 days, from the indicator registry (the same tables as /indicators/)."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.auth import signed_in_user
from linli.core.panels import HomeBlock
from linli.core.permissions import ADMIN_ROLES
from linli.indicators.permissions import INDICATOR_VIEW
from linli.indicators.tables import Row, indicator_table, indicators_at

DAYS = 30
SHOWN = 6  # the first indicators, in their order


def _glance(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    if not user.has_action(INDICATOR_VIEW):
        return {"indicators": [], "row": None}
    last = timezone.localdate()
    first = last - timedelta(days=DAYS - 1)
    whole = Row(key="", name="")
    for row in indicator_table(user=user, first=first, last=last, level="subdistrict"):
        whole.add(row.totals)
    return {"indicators": indicators_at("subdistrict")[:SHOWN], "row": whole, "days": DAYS}


BLOCKS = (
    HomeBlock(
        frozenset(ADMIN_ROLES),
        _("Indicators at a glance"),
        _glance,
        template="indicators/_home_glance.html",
        order=1,
    ),
)
