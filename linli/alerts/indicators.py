"""The alerts' indicator (docs/kpis.md): alert reach — of the resident accounts in the
areas of the actual alerts issued, the share the alert's notification was written
for — per subdistrict or community.

What is counted is what the notifications app can vouch for: a resident account
(a person with a resident grant in the area — for an area drawn as polygons or
circles, whose home is inside it —, as `subscribers.residents_of` finds them) and
the notification written for them (`Notification`, kind `emergency-alert`,
the alert's public page as its URL). Residents of the registry without an account,
and whether a text message or an e-mail reached a phone, are not counted. A period
source: the area's accounts are counted when asked.
"""

from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import RoleGrant
from linli.alerts.choices import MsgType, State, Status
from linli.alerts.models import Alert
from linli.alerts.permissions import ALERT_VIEW
from linli.alerts.subscribers import KIND, residents_of
from linli.core.indicators import Indicator, Measure, Unit, catalogue, midnight
from linli.core.permissions import Role
from linli.notifications.models import Notification

LEVELS = ("subdistrict", "community")
RESIDENTS, NOTIFIED = "alerts.area_residents", "alerts.area_notified"


class AlertReach:
    """Resident accounts in the areas of actual alerts, and those notified
    (indicators.PeriodSource)."""

    measures: tuple[Measure, ...] = (
        Measure(RESIDENTS, _("resident accounts in the areas of the alerts issued"), ALERT_VIEW),
        Measure(NOTIFIED, _("of them, resident accounts notified of the alert"), ALERT_VIEW),
    )

    def figures(
        self, *, paths: list[str] | None, first: date, last: date, unit: Unit
    ) -> dict[str, dict[str, float]]:
        """Per region unit, one (alert, account) pair per resident account living there
        in the area of an actual alert sent in [first, last), and the pairs notified."""
        length = unit.path_length
        if length is None:
            return {}
        alerts = (
            Alert.objects.filter(
                status=Status.ACTUAL,
                msg_type=MsgType.ALERT,
                sent__gte=midnight(first),
                sent__lt=midnight(last),
            )
            .exclude(state=State.DRAFT)
            .select_related("region")
        )
        figures: dict[str, dict[str, float]] = {}
        for alert in alerts:
            grants = RoleGrant.objects.filter(
                role=Role.RESIDENT,
                revoked_at__isnull=True,
                user__is_active=True,
                region__path__startswith=alert.region.path,
            )
            if paths is not None:
                grants = grants.filter(
                    reduce(or_, (Q(region__path__startswith=p) for p in paths), Q(pk__in=[]))
                )
            home: dict[int, str] = {}  # an account once an alert, at its first grant's region
            for user_id, path in grants.order_by("pk").values_list("user_id", "region__path"):
                home.setdefault(user_id, path)
            if alert.geometric:  # only those the alert was for: at home inside its shapes
                inside = {user.pk for user in residents_of(alert)}
                home = {user_id: path for user_id, path in home.items() if user_id in inside}
            url = reverse("cap:alert", args=[alert.pk])  # as subscribers.tell_the_area
            told = set(
                Notification.objects.filter(kind=KIND, url=url, user__in=list(home)).values_list(
                    "user_id", flat=True
                )
            )
            for user_id, path in home.items():
                if len(path) < length:
                    continue
                totals = figures.setdefault(path[:length], {})
                totals[RESIDENTS] = totals.get(RESIDENTS, 0) + 1
                if user_id in told:
                    totals[NOTIFIED] = totals.get(NOTIFIED, 0) + 1
        return figures


catalogue.register(
    AlertReach(),
    Indicator(
        "alerts.reach",
        _("Alert reach"),
        unit="%",
        kind="rate",
        numerator=(NOTIFIED,),
        denominator=(RESIDENTS,),
        decimals=4,
        levels=LEVELS,
        order=420,
        definition=_(
            "Of the resident accounts in the areas of the actual alerts issued in the "
            "period (drills and tests not counted): the share the alert's notification "
            "was written for, counted per alert."
        ),
    ),
)
