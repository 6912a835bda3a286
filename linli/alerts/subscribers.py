"""What the alerts app does after its events commit: the residents of the area hear of
an alert, its update or its cancellation, once each."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.alerts.events import AlertCancelled, AlertIssued, AlertUpdated
from linli.alerts.models import Alert
from linli.core.permissions import Role
from linli.notifications.models import Notification
from linli.notifications.services import notify

KIND = "emergency-alert"


def residents_of(alert: Alert) -> list[User]:
    """Active residents with a grant in the area's subtree."""
    return list(
        User.objects.filter(
            is_active=True,
            grants__role=Role.RESIDENT,
            grants__revoked_at__isnull=True,
            grants__region__path__startswith=alert.region.path,
        ).distinct()
    )


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
