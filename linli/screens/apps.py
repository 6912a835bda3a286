from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "linli.screens"
    label = "screens"
    verbose_name = _("Screens and TV")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.alerts.events import AlertCancelled, AlertExpired, AlertIssued, AlertUpdated
        from linli.core import events, live, navigation, periodic
        from linli.notices.events import NoticeExpired, NoticePublished, NoticeWithdrawn
        from linli.screens import subscribers
        from linli.screens.display import live_scope
        from linli.screens.nudge import LIVE
        from linli.screens.permissions import SCREEN_VIEW
        from linli.screens.tasks import screens_snapshot

        live.register(LIVE, scope=live_scope)  # a screen's page: its token's community
        for event in (AlertIssued, AlertUpdated, AlertCancelled, AlertExpired):
            events.subscribe(event, subscribers.take_over)
        for notice_event in (NoticePublished, NoticeWithdrawn, NoticeExpired):
            events.subscribe(notice_event, subscribers.show_notices)
        periodic.register("screens-snapshot", screens_snapshot, every=timedelta(hours=1))

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
                menu="publishing",
            ),
        )
