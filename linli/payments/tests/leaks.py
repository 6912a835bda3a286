"""Community B for the leak test: two payment orders of B's payer (one awaiting
payment, one being paid through the demo provider), a reconciliation of B, and a
valid request for every route of the payments console, the pay pages and the API that
changes something. The callback endpoint is everybody's: a notification without the
provider's signature is refused (401) and changes nothing, whoever sends it."""

from django.utils import timezone

from linli.core.permissions import Role
from linli.payments import services
from linli.payments.choices import OrderState
from linli.payments.models import DemoCharge, PaymentOrder
from linli.testing import payments as support
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏物业费"]
API = "/api/v1"


def community_b(world, made) -> Leaks:
    world.payer_b = world.person("payer.b", Role.RESIDENT, world.b.code)
    first = support.fee("LEAK-B-1", world.b, 8800, payer=world.payer_b, description=MARKERS[0])
    second = support.fee("LEAK-B-2", world.b, 1200, payer=world.payer_b, description=MARKERS[0])
    waiting, _ = services.payment_order_create(kind=support.KIND, ref=first, by=None)
    paying, _ = services.payment_order_create(kind=support.KIND, ref=second, by=None)
    services.payment_checkout(order=paying, by=None)
    paid = [_paid(world, f"LEAK-B-P{n}") for n in (1, 2)]  # to refund
    run = services.reconcile(day=timezone.localdate(), region=world.b, by=None)
    w = waiting.pk
    sends = {
        ("post", "payments:order-cancel"): Send(f"/payments/{w}/cancel/", {"note": "重复"}),
        ("post", "payments:order-refund"): Send(
            f"/payments/{paid[0].pk}/refund/", {"reason": "多收"}
        ),
        ("post", "api:payment-order-refund"): Send(
            f"{API}/payments/orders/{paid[1].pk}/refund", {"reason": "多收"}, expect=200
        ),
        ("post", "payments:reconcile"): Send(
            "/payments/reconciliations/run/",
            {"day": timezone.localdate().isoformat(), "region": world.b.code},
        ),
        ("post", "pay:go"): Send(f"/pay/{waiting.out_trade_no}/go/", by="payer_b"),
        ("post", "pay:cancel"): Send(f"/pay/{waiting.out_trade_no}/cancel/", by="payer_b"),
        ("post", "pay:demo-checkout"): Send(
            f"/pay/demo/{paying.out_trade_no}/", {"outcome": "pay"}, by="payer_b"
        ),
        ("post", "pay:notify"): Send("/pay/notify/demo/", {}, anyone=True, expect=401),
        ("post", "api:payment-order-create"): Send(
            f"{API}/payments/orders",
            {
                "kind": support.KIND,
                "ref": support.fee("LEAK-B-3", world.b, 500, payer=world.payer_b),
            },
            expect=201,
        ),
        ("post", "api:payment-order-checkout"): Send(
            f"{API}/payments/orders/{w}/checkout", expect=200
        ),
        ("post", "api:payment-order-cancel"): Send(
            f"{API}/payments/orders/{w}/cancel", {"note": "重复"}, expect=200
        ),
        ("post", "api:payment-reconcile"): Send(
            f"{API}/payments/reconciliations",
            {"day": timezone.localdate().isoformat(), "region": world.b.code},
            expect=201,
        ),
    }
    return Leaks(
        objects={"paymentorder": [waiting, paying, *paid], "reconciliation": [run]},
        markers=[*MARKERS, *(o.out_trade_no for o in (waiting, paying, *paid))],
        sends=sends,
        urls={
            "pay:order": [f"/pay/{o.out_trade_no}/" for o in (waiting, paying)],
            "pay:demo-checkout": [f"/pay/demo/{o.out_trade_no}/" for o in (waiting, paying)],
        },
        searches=["q=市南泄漏"],
    )


def _paid(world, ref: str):
    """An order of B paid at the demo provider (its ledger has the payment)."""
    fee = support.fee(ref, world.b, 2500, payer=world.payer_b, description=MARKERS[0])
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee, by=None)
    now = timezone.now()
    PaymentOrder.objects.filter(pk=order.pk).update(state=OrderState.PAID, paid_at=now)
    DemoCharge.objects.create(
        trade_no=f"T-{ref}",
        out_trade_no=order.out_trade_no,
        amount_fen=2500,
        paid_at=now,
        notify_id=f"n-{ref}",
    )
    order.refresh_from_db()
    return order
