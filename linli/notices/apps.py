from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "linli.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import navigation, periodic
        from linli.notices.permissions import NOTICE_VIEW
        from linli.notices.tasks import notices_due

        navigation.register(navigation.NavItem(_("Notices"), "notices:list", NOTICE_VIEW, 45))
        periodic.register("notices-due", notices_due, every=timedelta(minutes=1))
