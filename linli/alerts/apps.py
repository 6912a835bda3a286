from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "linli.alerts"
    label = "alerts"
    verbose_name = _("Emergency alerts")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.alerts import subscribers
        from linli.alerts.events import AlertCancelled, AlertIssued, AlertUpdated
        from linli.alerts.permissions import ALERT_VIEW
        from linli.alerts.tasks import alerts_expire, alerts_poll
        from linli.core import events, navigation, periodic

        events.subscribe(AlertIssued, subscribers.tell_the_area)
        events.subscribe(AlertUpdated, subscribers.tell_the_area)
        events.subscribe(AlertCancelled, subscribers.tell_the_area)
        periodic.register("alerts-expire", alerts_expire, every=timedelta(minutes=1))
        periodic.register("alerts-poll", alerts_poll, every=timedelta(minutes=2))
        navigation.register(
            navigation.NavItem(
                _("Emergency alerts"),
                "alerts:alert-list",
                ALERT_VIEW,
                45,
                also=(
                    "alerts:alert-detail",
                    "alerts:alert-create",
                    "alerts:alert-edit",
                    "alerts:alert-update",
                    "alerts:alert-cancel",
                    "alerts:alert-import",
                    "alerts:place-list",
                    "alerts:place-create",
                    "alerts:place-edit",
                ),
                menu="publishing",
            )
        )
