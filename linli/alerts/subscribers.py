"""What the alerts app does after its events commit: the residents of the area hear of
an alert, its update or its cancellation, once each."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import RoleGrant, User
from linli.alerts import areas
from linli.alerts.events import AlertCancelled, AlertIssued, AlertUpdated
from linli.alerts.models import Alert
from linli.core.crypto import blind_index
from linli.core.permissions import Role
from linli.notifications.models import Notification
from linli.notifications.services import notify
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.models import Resident

KIND = "emergency-alert"


def residents_of(alert: Alert) -> list[User]:
    """Active residents with a grant in the area's subtree; when the area is drawn
    (polygons, circles), only those whose home is inside it. A resident's home is the
    position of their building in the registry (the living resident with their mobile
    number, below their grant); a resident whose home has no known position is kept
    if their grant's grid meets the area (or has no boundary to tell): an alert rather
    reaches one person too many than one too few."""
    grants = RoleGrant.objects.filter(
        role=Role.RESIDENT,
        revoked_at__isnull=True,
        region__path__startswith=alert.region.path,
        user__is_active=True,
    ).select_related("user", "region")
    if not alert.geometric:
        return list({g.user_id: g.user for g in grants}.values())
    by_user: dict[int, tuple[User, list[Region]]] = {}
    for grant in grants:
        by_user.setdefault(grant.user_id, (grant.user, []))[1].append(grant.region)
    indexes = {
        pk: blind_index(user.phone, Resident.PHONE_CONTEXT)
        for pk, (user, _regions) in by_user.items()
        if user.phone
    }
    homes: dict[str, list[tuple[str, Decimal | None, Decimal | None]]] = {}
    for index, path, lon, lat in Resident.objects.filter(
        status=ResidentStatus.LIVING,
        phone_index__in=set(indexes.values()),
        grid__path__startswith=alert.region.path,
    ).values_list(
        "phone_index",
        "grid__path",
        "household__house__building__longitude",
        "household__house__building__latitude",
    ):
        if index is not None:
            homes.setdefault(index, []).append((path, lon, lat))
    people = []
    for pk, (user, regions) in by_user.items():
        mine = [
            (lon, lat)
            for path, lon, lat in homes.get(indexes.get(pk, ""), [])
            if any(path.startswith(r.path) for r in regions)
        ]
        located = [
            (float(lon), float(lat)) for lon, lat in mine if lon is not None and lat is not None
        ]
        if located:
            inside = any(alert.covers(lon, lat) for lon, lat in located)
        else:
            inside = any(
                not r.boundary or areas.overlaps(alert.polygon, alert.circles, r.boundary)
                for r in regions
            )
        if inside:
            people.append(user)
    return people


def tell_the_area(event: AlertIssued | AlertUpdated | AlertCancelled) -> None:
    """A notification to each resident of the area, through every channel; delivery is
    at least once, so a message already told is not told again."""
    alert = Alert.objects.select_related("region").get(pk=event.alert_id)
    url = reverse("cap:alert", args=[alert.pk])
    if Notification.objects.filter(kind=KIND, url=url).exists():
        return
    people = residents_of(alert)
    info = alert.info("zh-CN") or next(iter(alert.infos.all()), None)
    title = alert.headline
    body = info.instruction or info.description if info is not None else ""
    if isinstance(event, AlertCancelled):
        title = title or _("An alert was cancelled")
    notify(users=people, kind=KIND, title=title, body=body, url=url)
