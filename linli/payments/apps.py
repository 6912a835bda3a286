from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "linli.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from django.core import checks

        from linli.core import events, navigation
        from linli.payments import providers, subscribers
        from linli.payments.demo_provider import DemoProvider
        from linli.payments.events import OrderPaid
        from linli.payments.permissions import PAYMENT_VIEW

        providers.register(DemoProvider())
        checks.register(providers.check_setting)
        events.subscribe(OrderPaid, subscribers.hand_to_payable)
        navigation.register(
            navigation.NavItem(
                _("Payments"),
                "payments:order-list",
                PAYMENT_VIEW,
                48,
                also=("payments:order-detail", "payments:reconciliation-list"),
            )
        )
