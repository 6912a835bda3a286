"""What the payments app does after its own events commit."""

from linli.payments import payables
from linli.payments.events import OrderExpired, OrderPaid, OrderRefunded
from linli.payments.models import PaymentOrder


def hand_to_payable(event: OrderPaid) -> None:
    """The payable kind's `on_paid`: the paid record moves on in its own app."""
    kind = payables.get(event.kind)
    order = PaymentOrder.objects.filter(pk=event.order_id).select_related("region").first()
    if kind is not None and order is not None:
        kind.on_paid(order)


def refund_to_payable(event: OrderRefunded) -> None:
    kind = payables.get(event.kind)
    order = PaymentOrder.objects.filter(pk=event.order_id).select_related("region").first()
    if kind is not None and kind.on_refunded is not None and order is not None:
        kind.on_refunded(order)


def expiry_to_payable(event: OrderExpired) -> None:
    kind = payables.get(event.kind)
    order = PaymentOrder.objects.filter(pk=event.order_id).select_related("region").first()
    if kind is not None and kind.on_expired is not None and order is not None:
        kind.on_expired(order)
