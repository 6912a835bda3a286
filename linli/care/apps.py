from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
    verbose_name = _("Elderly care")

    def ready(self) -> None:
        from linli.care import home
        from linli.care.permissions import ELDER_VIEW
        from linli.core import navigation, panels

        navigation.register(
            navigation.NavItem(_("Elders"), "care:elder-list", ELDER_VIEW, 24, menu="care")
        )
        panels.register(
            panels.Panel(
                "registry.resident", _("Elder profile"), "care:resident-panel", ELDER_VIEW
            ),
            # The elder a call is about, on the dispatcher's page of the call.
            panels.Panel("dispatch.call", _("Elder profile"), "care:call-card", ELDER_VIEW),
            *home.BLOCKS,
        )
