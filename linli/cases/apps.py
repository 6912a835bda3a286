from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from linli.cases.permissions import CASE_VIEW
        from linli.core import navigation

        navigation.register(navigation.NavItem(_("Cases"), "cases:case-inbox", CASE_VIEW, 30))
