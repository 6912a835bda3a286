from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "linli.hall"
    label = "hall"
    verbose_name = _("Service hall")

    def ready(self) -> None:
        from linli.core import navigation
        from linli.hall import payables as fees
        from linli.hall.permissions import APPLICATION_VIEW
        from linli.payments import payables

        payables.register(
            payables.PayableKind(
                fees.KIND,
                _("Service hall fee"),
                describe=fees.describe,
                on_paid=fees.on_paid,
                return_url=fees.return_url,
                on_refunded=fees.on_refunded,
                on_expired=fees.on_expired,
            )
        )

        navigation.register(
            navigation.NavItem(
                _("Service hall"), "hall:application-list", APPLICATION_VIEW, 35, menu="services"
            )
        )
