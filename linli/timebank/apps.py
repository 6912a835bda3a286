from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "linli.timebank"
    label = "timebank"
    verbose_name = _("Time bank")

    def ready(self) -> None:
        from linli.core import navigation, panels
        from linli.timebank import home
        from linli.timebank.permissions import TIMEBANK_VIEW

        navigation.register(
            navigation.NavItem(
                _("Time bank"), "timebank:account-list", TIMEBANK_VIEW, order=78, menu="care"
            )
        )
        panels.register(*home.BLOCKS)
        # The elder's page (care): the elder's balance as a volunteer, the services received.
        panels.register(
            panels.Panel("care.elder", _("Time bank"), "timebank:elder-panel", TIMEBANK_VIEW)
        )
