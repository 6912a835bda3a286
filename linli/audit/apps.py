from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "linli.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from linli.audit import home
        from linli.audit.permissions import AUDIT_VIEW
        from linli.core import navigation, panels

        navigation.register(
            navigation.NavItem(_("Audit trail"), "audit:index", AUDIT_VIEW, 95, menu="admin")
        )
        panels.register(*home.BLOCKS)
