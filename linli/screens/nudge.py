"""Screens told at once that what they show changed (linli.core.live): the channel
`screens`, which a screen's page follows with its token — its community's messages
only. A message carries no content: the page fetches its fragment again (ETag)."""

from linli.core import live
from linli.regions.choices import PATH_LENGTH, Level
from linli.screens.models import Screen

LIVE = "screens"
COMMUNITY = PATH_LENGTH[Level.COMMUNITY]


def nudge(path: str) -> None:
    """The screens of the communities at or under `path`, or holding it (a grid's),
    fetch their content again, once the caller's transaction commits."""
    found = Screen.objects.filter(retired_at__isnull=True)
    if len(path) > COMMUNITY:
        found = found.filter(region__path=path[:COMMUNITY])
    else:
        found = found.filter(region__path__startswith=path)
    for community in found.values_list("region__path", flat=True).distinct().order_by():
        live.publish(LIVE, path=community)
