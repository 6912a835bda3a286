from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitlementsConfig(AppConfig):
    name = "linli.entitlements"
    label = "entitlements"
    verbose_name = _("Entitlements")

    def ready(self) -> None:
        from linli.core import events, navigation, panels, periodic
        from linli.entitlements import subscribers
        from linli.entitlements.permissions import ENTITLEMENT_VIEW
        from linli.entitlements.services import REVERIFY_TASK
        from linli.entitlements.tasks import grants_check_lapses
        from linli.gridwork import task_kinds
        from linli.hall.events import ApplicationDecided

        navigation.register(
            navigation.NavItem(
                _("Entitlements"), "entitlements:grant-list", ENTITLEMENT_VIEW, 37, menu="care"
            )
        )
        periodic.register("grants-check-lapses", grants_check_lapses, every=timedelta(days=1))
        task_kinds.register(
            task_kinds.TaskKind(
                REVERIFY_TASK,
                _("Re-verify a household's entitlements"),
                "entitlements:campaign-task",
            )
        )
        events.subscribe(ApplicationDecided, subscribers.grant_from_application)
        panels.register(
            panels.Panel(
                "care.elder", _("Entitlements"), "entitlements:elder-panel", ENTITLEMENT_VIEW
            ),
            panels.Panel(
                "registry.resident", _("Entitlements"), "entitlements:elder-panel", ENTITLEMENT_VIEW
            ),
        )
