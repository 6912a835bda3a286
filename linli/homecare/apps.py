from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "linli.homecare"
    label = "homecare"
    verbose_name = _("Home services")

    def ready(self) -> None:
        from linli.cases import origins, sources
        from linli.core import navigation, panels
        from linli.homecare import payables as fees
        from linli.homecare.models import Order
        from linli.homecare.permissions import ORDER_REQUEST, ORDER_SERVE, ORDER_VIEW
        from linli.homecare.services import SOURCE
        from linli.payments import payables

        sources.register(sources.CaseSource(SOURCE, _("Home-service complaint")))
        # Never public: an order names an elder's home.
        origins.register(
            origins.OriginKind(
                Order, _("Home-service order"), "homecare:order-detail", public=False
            )
        )
        payables.register(
            payables.PayableKind(
                fees.KIND,
                _("Home service"),
                describe=fees.describe,
                on_paid=fees.on_paid,
                return_url=fees.return_url,
            )
        )
        panels.register(
            panels.Panel("care.elder", _("Home services"), "homecare:elder-panel", ORDER_VIEW),
            panels.Panel("care.today", _("Today's services"), "homecare:today-panel", ORDER_VIEW),
        )
        navigation.register(
            navigation.NavItem(
                _("Home services"), "homecare:order-list", ORDER_VIEW, 37, menu="care"
            ),
            navigation.NavItem(_("My visits today"), "homecare:worker-today", ORDER_SERVE, 38),
            navigation.NavItem(
                _("Home services for my family"), "homecare:family", ORDER_REQUEST, 39
            ),
        )
