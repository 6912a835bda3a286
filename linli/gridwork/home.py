"""Grid work's block of the home page (linli.core.panels.HomeBlock): the patrol under
way (or a start), the check-ins of today, the routes the worker walks; counts of the
lists they link to, counted by the same selectors with the same filters."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role
from linli.gridwork import selectors
from linli.gridwork.filters import PatrolFilter, TaskFilter, VisitFilter


def _day(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    patrols = selectors.patrol_list(user=user, filters=PatrolFilter(days=1))
    visits = selectors.visit_list(user=user, filters=VisitFilter(days=7))
    tasks = selectors.task_list(user=user, filters=TaskFilter())
    return {
        "tiles": [
            Tile(_("Open grid tasks"), tasks.count(), reverse("gridwork:task-list")),
            Tile(_("Patrols, last 24 hours"), patrols.count(), _url("gridwork:patrol-list", 1)),
            Tile(_("Visits, last 7 days"), visits.count(), _url("gridwork:visit-list", 7)),
        ],
        "patrol": selectors.open_patrol(user=user),
        "routes": selectors.my_routes(user=user),
        "check_ins_today": selectors.check_ins_today(user=user).count(),
    }


def _url(name: str, days: int) -> str:
    return f"{reverse(name)}?days={days}"


BLOCKS = (
    HomeBlock(
        frozenset({Role.GRID_WORKER}),
        _("Today's patrol"),
        _day,
        template="gridwork/_home_day.html",
        order=15,
    ),
)
