from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "linli.screens"
    label = "screens"
    verbose_name = _("Screens and TV")

    def ready(self) -> None:
        from linli.core import navigation
        from linli.screens.permissions import SCREEN_VIEW

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
