from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from linli.core import crypto, lookups, permissions, workdays

        lookups.register()
        permissions.autodiscover()
        workdays.check_settings()
        checks.register(crypto.check_keys)
