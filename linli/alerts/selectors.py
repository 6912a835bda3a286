"""Every read of the alerts app that answers someone: the console's lists and pages
(from `visible_to`), the public CAP feed, and what screens and TV ask: the alerts in
force over a region or at a point."""

from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from linli.alerts.choices import MsgType, State, Status
from linli.alerts.models import Alert, AlertInfo, AlertQuerySet, Place, PlaceQuerySet
from linli.alerts.permissions import ALERT_VIEW
from linli.core.geojson import contains
from linli.core.scoping import AnyUser
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import district_path


def _with_texts(found: AlertQuerySet) -> AlertQuerySet:
    return found.select_related("region", "replaces").prefetch_related(
        Prefetch("infos", queryset=AlertInfo.objects.order_by("-language"))
    )


def alerts_visible(*, user: AnyUser, action: str = ALERT_VIEW) -> AlertQuerySet:
    return _with_texts(Alert.objects.visible_to(user, action))


def places_visible(*, user: AnyUser, action: str = ALERT_VIEW) -> PlaceQuerySet:
    return Place.objects.visible_to(user, action).select_related("region")


def in_force(found: AlertQuerySet, *, now: datetime | None = None) -> AlertQuerySet:
    """Alerts and updates issued and not yet expired (Cancel messages end alerts; they
    are not in force themselves)."""
    now = now or timezone.now()
    return found.filter(state=State.ISSUED, msg_type__in=[MsgType.ALERT, MsgType.UPDATE]).filter(
        Q(expires__isnull=True) | Q(expires__gt=now)
    )


def feed_alerts() -> AlertQuerySet:
    """The public Atom feed: public, actual alerts in force, newest first."""
    return _with_texts(in_force(Alert.objects.public().filter(status=Status.ACTUAL))).order_by(
        "-sent", "-pk"
    )


def public_alert(pk: int) -> Alert | None:
    """A published public alert's CAP message (drafts and staff-only alerts: None)."""
    return _with_texts(Alert.objects.public()).prefetch_related("places").filter(pk=pk).first()


def _covering(path: str) -> Q:
    """Alerts whose area's region is `path` or one of its ancestors."""
    return Q(region__path__in=[path[:n] for n in range(1, len(path) + 1)])


def active_alerts(
    *, path: str | None = None, longitude: float | None = None, latitude: float | None = None
) -> list[Alert]:
    """The actual alerts in force over a region (its `path`: alerts over it or an
    ancestor) or at a point (the grid holding it; an alert drawn as polygons or circles
    only if the point is inside one), gravest first: what screens and TV show."""
    if path is None:
        if longitude is None or latitude is None:
            raise TypeError("give a path or a point")
        grid = next(
            (
                g
                for g in Region.objects.filter(
                    level=Level.GRID, path__startswith=district_path(), boundary__isnull=False
                ).only("path", "boundary")
                if contains(g.boundary, longitude, latitude)
            ),
            None,
        )
        if grid is None:
            return []
        path = grid.path
    found = _with_texts(
        in_force(Alert.objects.filter(status=Status.ACTUAL)).filter(_covering(path))
    )
    alerts = list(found.prefetch_related("places"))
    if longitude is not None and latitude is not None:
        alerts = [a for a in alerts if a.covers(longitude, latitude)]
    order = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
    return sorted(
        alerts, key=lambda a: (order.index(a.severity), -(a.sent or timezone.now()).timestamp())
    )


def alert_chain(alert: Alert) -> list[Alert]:
    """The messages of an alert's story, first to last: what it replaced, and what
    replaced it."""
    chain = [alert]
    while chain[0].replaces_id is not None:
        earlier = Alert.objects.select_related("replaces").get(pk=chain[0].replaces_id)
        chain.insert(0, earlier)
    later = Alert.objects.filter(replaces=chain[-1]).first()
    while later is not None:
        chain.append(later)
        later = Alert.objects.filter(replaces=later).first()
    return chain
