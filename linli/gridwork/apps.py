from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "linli.gridwork"
    label = "gridwork"
    verbose_name = _("Grid work")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import navigation, periodic
        from linli.gridwork.permissions import PATROL_VIEW
        from linli.gridwork.tasks import patrols_end_stale

        navigation.register(navigation.NavItem(_("Grid work"), "gridwork:home", PATROL_VIEW, 35))
        periodic.register("patrols-end-stale", patrols_end_stale, every=timedelta(hours=1))
