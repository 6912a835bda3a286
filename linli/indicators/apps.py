from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "linli.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import indicators, navigation, panels, periodic
        from linli.indicators import home
        from linli.indicators.permissions import INDICATOR_VIEW
        from linli.indicators.tasks import indicators_rollup

        indicators.autodiscover()
        navigation.register(
            navigation.NavItem(
                _("Indicators"), "indicators:table", INDICATOR_VIEW, 60, menu="admin"
            )
        )
        periodic.register("indicators-rollup", indicators_rollup, every=timedelta(minutes=5))
        panels.register(*home.BLOCKS)
