from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "linli.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from datetime import timedelta

        from django.core import checks

        from linli.core import events, navigation, periodic
        from linli.payments import providers, subscribers
        from linli.payments.demo_provider import DemoProvider
        from linli.payments.events import OrderExpired, OrderPaid, OrderRefunded
        from linli.payments.permissions import PAYMENT_VIEW
        from linli.payments.tasks import payments_expire

        providers.register(DemoProvider())
        checks.register(providers.check_setting)
        events.subscribe(OrderPaid, subscribers.hand_to_payable)
        events.subscribe(OrderRefunded, subscribers.refund_to_payable)
        events.subscribe(OrderExpired, subscribers.expiry_to_payable)
        periodic.register("payments-expire", payments_expire, every=timedelta(minutes=15))
        navigation.register(
            navigation.NavItem(
                _("Payments"),
                "payments:order-list",
                PAYMENT_VIEW,
                48,
                also=("payments:order-detail", "payments:reconciliation-list"),
                menu="services",
            )
        )
