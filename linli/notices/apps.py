from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "linli.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import live, navigation, panels, periodic
        from linli.notices import home
        from linli.notices.audience import LIVE_NOTICES, live_scope
        from linli.notices.permissions import NOTICE_VIEW
        from linli.notices.tasks import notices_due

        navigation.register(
            navigation.NavItem(_("Notices"), "notices:list", NOTICE_VIEW, 45, menu="publishing")
        )
        panels.register(*home.BLOCKS)
        live.register(LIVE_NOTICES, scope=live_scope, upward=True)  # residents' open pages
        periodic.register("notices-due", notices_due, every=timedelta(minutes=1))
