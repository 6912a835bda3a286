from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from datetime import timedelta

        from django.db.backends.signals import connection_created
        from django.db.models import fields

        from linli.core import crypto, lookups, periodic, permissions, sms, workdays
        from linli.core.private import sqlite_files_private
        from linli.core.tasks import events_deliver

        connection_created.connect(sqlite_files_private)
        # The empty choice of every select ("- Select an option -" has no Chinese in
        # Django's catalogue); Django reads it here when a form is built.
        fields.BLANK_CHOICE_LABEL = _("— Choose —")

        lookups.register()
        periodic.register("events-deliver", events_deliver, every=timedelta(minutes=1))
        permissions.autodiscover()
        workdays.check_settings()
        checks.register(crypto.check_keys)
        checks.register(sms.check_backend)
