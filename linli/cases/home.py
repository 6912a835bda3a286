"""The cases' blocks of the home page (linli.core.panels.HomeBlock): each count is the
inbox box it links to, counted by the same selector with the same filter."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from linli.cases import selectors
from linli.cases.filters import CaseFilter
from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role

RECENT_REPORTS = 5


def inbox_tile(request: HttpRequest, label, box: str, **query: str) -> Tile:
    """The count of the inbox's `box` filtered by `query`, linking to it."""
    filters = CaseFilter(**query)
    found = selectors.inbox(user=request.user, box=box, filters=filters)
    url = reverse("cases:case-inbox") + "?" + urlencode({"box": box, **query})
    return Tile(label, found.count(), url, alert="overdue" in (box, *query))


def _community(request: HttpRequest) -> dict[str, Any]:
    return {
        "tiles": [
            inbox_tile(request, _("Cases to accept"), "to_accept"),
            inbox_tile(request, _("Cases to dispatch"), "to_dispatch"),
            inbox_tile(request, _("Cases to check"), "to_verify"),
            inbox_tile(request, _("Overdue cases"), "overdue"),
        ]
    }


def _handler(request: HttpRequest) -> dict[str, Any]:
    return {
        "tiles": [
            inbox_tile(request, _("My open cases"), "mine"),
            inbox_tile(request, _("Mine overdue"), "mine", overdue="1"),
        ]
    }


def _reporter(request: HttpRequest) -> dict[str, Any]:
    mine = selectors.reported_by(user=request.user)
    return {
        "tiles": [
            Tile(_("My reports"), mine.count(), reverse("report:mine")),
            Tile(
                _("Still open"),
                mine.filter(stage__in=selectors.OPEN_STAGES).count(),
                reverse("report:mine") + "?open=1",
            ),
        ],
        "recent": mine[:RECENT_REPORTS],
    }


BLOCKS = (
    HomeBlock(
        # The district's admins too: a case placed at the district itself (an address
        # of no registry building) waits for them to accept it.
        frozenset({Role.COMMUNITY_WORKER, Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN}),
        _("Cases"),
        _community,
        order=10,
    ),
    HomeBlock(
        frozenset({Role.GRID_WORKER, Role.DEPARTMENT_HANDLER}),
        _("Cases to handle"),
        _handler,
        order=20,
    ),
    HomeBlock(
        frozenset({Role.RESIDENT}),
        _("My reports"),
        _reporter,
        template="cases/_home_reports.html",
        order=5,
    ),
)
