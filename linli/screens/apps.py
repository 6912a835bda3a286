from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "linli.screens"
    label = "screens"
    verbose_name = _("Screens and TV")

    def ready(self) -> None:
        from linli.alerts.events import AlertCancelled, AlertIssued, AlertUpdated
        from linli.core import events, live, navigation
        from linli.screens import subscribers
        from linli.screens.display import live_scope
        from linli.screens.nudge import LIVE
        from linli.screens.permissions import SCREEN_VIEW

        live.register(LIVE, scope=live_scope)  # a screen's page: its token's community
        for event in (AlertIssued, AlertUpdated, AlertCancelled):
            events.subscribe(event, subscribers.take_over)

        navigation.register(
            navigation.NavItem(
                _("Screens and TV"),
                "screens:screen-list",
                SCREEN_VIEW,
                50,
                also=(
                    "screens:screen-detail",
                    "screens:screen-create",
                    "screens:playlist-list",
                    "screens:playlist-detail",
                    "screens:channel-list",
                    "screens:channel-detail",
                    "screens:forecast-list",
                ),
            ),
        )
