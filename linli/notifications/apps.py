from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "linli.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from linli.notifications.senders import SENDERS

        unknown = set(settings.LINLI_NOTIFY_SENDERS) - set(SENDERS)
        if unknown:
            raise ImproperlyConfigured(
                f"LINLI_NOTIFY_SENDERS: unknown sender(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(SENDERS))}."
            )
