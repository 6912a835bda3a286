from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from linli.accounts.permissions import USER_VIEW
        from linli.core import navigation

        navigation.register(navigation.NavItem(_("Users"), "accounts:user-list", USER_VIEW, 90))
