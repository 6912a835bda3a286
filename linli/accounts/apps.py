from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.accounts.permissions import USER_VIEW
        from linli.accounts.tasks import phone_codes_purge
        from linli.core import navigation, periodic

        navigation.register(
            navigation.NavItem(_("Users"), "accounts:user-list", USER_VIEW, 90, menu="admin")
        )
        periodic.register("phone-codes-purge", phone_codes_purge, every=timedelta(hours=6))
