from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "linli.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from linli.core import navigation
        from linli.regions.permissions import REGION_VIEW

        navigation.register(
            navigation.NavItem(_("Regions"), "regions:index", REGION_VIEW, 10, menu="registry")
        )
