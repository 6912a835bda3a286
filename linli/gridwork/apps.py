from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "linli.gridwork"
    label = "gridwork"
    verbose_name = _("Grid work")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.cases import origins
        from linli.core import navigation, panels, periodic
        from linli.gridwork import home
        from linli.gridwork.models import Patrol
        from linli.gridwork.permissions import PATROL_VIEW, VISIT_RECORD
        from linli.gridwork.tasks import patrols_end_stale
        from linli.registry.permissions import REGISTRY_VIEW

        navigation.register(
            navigation.NavItem(_("Grid work"), "gridwork:home", PATROL_VIEW, 35, menu="cases")
        )
        panels.register(
            panels.Panel(
                "registry.household", _("Visits"), "gridwork:household-visits", REGISTRY_VIEW
            ),
            panels.RowAction(
                "registry.household", _("Visit"), "gridwork:visit-record", VISIT_RECORD
            ),
        )
        panels.register(*home.BLOCKS)
        periodic.register("patrols-end-stale", patrols_end_stale, every=timedelta(hours=1))
        # A problem found on patrol is reported from the patrol's page: the case names it.
        origins.register(origins.OriginKind(Patrol, _("Patrol"), "gridwork:patrol-detail"))
