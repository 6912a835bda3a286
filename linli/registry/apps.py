from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "linli.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from linli.accounts.permissions import USER_VIEW
        from linli.audit import readable
        from linli.core import events, navigation, panels
        from linli.registry import home, subscribers
        from linli.registry.choices import ChangeKind, LedgerImportMode
        from linli.registry.events import LedgerImportMoved
        from linli.registry.permissions import REGISTRY_VIEW

        navigation.register(
            navigation.NavItem(
                _("Residents"), "registry:resident-list", REGISTRY_VIEW, 20, menu="registry"
            ),
            navigation.NavItem(
                _("Buildings"),
                "registry:building-list",
                REGISTRY_VIEW,
                21,
                also=("registry:building-detail",),
                menu="registry",
            ),
            navigation.NavItem(
                _("Households to verify"), "registry:freshness", REGISTRY_VIEW, 22, menu="registry"
            ),
            navigation.NavItem(
                _("Organisations"), "registry:organisation-list", REGISTRY_VIEW, 23, menu="registry"
            ),
        )
        # On a person's page (accounts): the organisations they act for, per role.
        panels.register(
            panels.Panel("accounts.user", _("Acts for"), "registry:user-affiliations", USER_VIEW)
        )
        panels.register(*home.BLOCKS)
        readable.register_choices("change", ChangeKind)  # the audit trail's details
        readable.register_choices("mode", LedgerImportMode)
        events.subscribe(LedgerImportMoved, subscribers.tell_the_uploader)
