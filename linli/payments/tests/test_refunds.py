"""Refunds (in full, confirmed by the provider's signed notification, once) and the
closing of orders left unpaid too long (idempotent; the payable hears of each)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.payments import services
from linli.payments.choices import Mismatch, OrderState, Outcome, Refusal
from linli.payments.models import DemoCharge, PaymentNotification, PaymentOrder
from linli.testing import payments as support
from linli.testing.http import get, post, text

pytestmark = pytest.mark.django_db

REFUNDED = support.REFUNDED
EXPIRED = support.EXPIRED


@pytest.fixture(autouse=True)
def immediate_tasks(settings, client, monkeypatch):
    """The demo provider's notifications go through the test client at once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(
        "linli.payments.demo_provider.deliver",
        lambda body, headers: support.post_notification(client, body, headers).status_code,
    )


def _paid(fee_b, resident_b, capture) -> PaymentOrder:
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_checkout(order=order, by=resident_b)
    with capture(execute=True):
        services.demo_payer_confirm(order=order, success=True, by=resident_b)
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    return order


def test_staff_refund_a_paid_order_in_full_once(
    client, world, fee_b, resident_b, django_capture_on_commit_callbacks
):
    order = _paid(fee_b, resident_b, django_capture_on_commit_callbacks)
    url = f"/payments/{order.pk}/refund/"
    assert post(client, world.worker_b, url, {"reason": "多收"}).status_code == 403
    assert post(client, world.other_subdistrict_admin, url, {"reason": "多收"}).status_code == 404
    page = text(get(client, world.subdistrict_admin, f"/payments/{order.pk}/"))
    assert "Refund in full" in page
    refused = post(client, world.subdistrict_admin, url, {"reason": " "})
    order.refresh_from_db()
    assert refused.status_code == 302 and order.state == OrderState.PAID
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world.subdistrict_admin, url, {"reason": "办件不予办理,全额退还"})
    order.refresh_from_db()
    assert order.state == OrderState.REFUNDED and order.refunded_at is not None
    assert order.refund_reason == "办件不予办理,全额退还" and [order.pk] == REFUNDED
    assert DemoCharge.objects.get().refunded_at is not None
    moves = list(order.transitions.values_list("to_state", flat=True))
    assert moves[-2:] == [OrderState.REFUNDING, OrderState.REFUNDED]
    note = PaymentNotification.objects.filter(order=order).latest("pk")
    assert note.outcome == Outcome.APPLIED
    # Asked again: a clear message, nothing more refunded.
    again = post(client, world.subdistrict_admin, url, {"reason": "再退"})
    follow = text(get(client, world.subdistrict_admin, again.url))
    assert "already" in follow
    assert [order.pk] == REFUNDED and DemoCharge.objects.count() == 1
    audited = AuditEntry.objects.filter(object_label=order.out_trade_no)
    assert {e.details.get("to") for e in audited} >= {"refunding", "refunded"}
    # Reconciled: refunded on both sides, nothing amiss.
    run = services.reconcile(day=timezone.localdate(), region=world.b, by=world.subdistrict_admin)
    assert not run.items.exists() and run.matched == 1


def test_a_refund_notification_nobody_asked_for_is_refused_and_a_replay_changes_nothing(
    client, world, fee_b, resident_b, django_capture_on_commit_callbacks
):
    order = _paid(fee_b, resident_b, django_capture_on_commit_callbacks)
    from linli.payments import demo_provider

    body, headers = demo_provider.signed(
        {
            "id": "R-forged",
            "out_trade_no": order.out_trade_no,
            "transaction_id": order.trade_no,
            "out_refund_no": "RF1",
            "amount": {"total": order.amount_fen, "refund": order.amount_fen, "currency": "CNY"},
            "refund_status": "SUCCESS",
            "success_time": timezone.now().isoformat(),
        }
    )
    support.post_notification(client, body, headers)
    support.post_notification(client, body, headers)
    order.refresh_from_db()
    assert order.state == OrderState.PAID and REFUNDED == []
    note = PaymentNotification.objects.get(notify_id="R-forged")
    assert (note.outcome, note.refusal, note.repeats) == (
        Outcome.REFUSED,
        Refusal.NOT_REFUNDING,
        1,
    )
    # The provider refunded, this side never heard: reconciliation says so.
    DemoCharge.objects.update(refunded_at=timezone.now())
    run = services.reconcile(day=timezone.localdate(), region=world.b, by=world.subdistrict_admin)
    assert list(run.items.values_list("mismatch", flat=True)) == [Mismatch.REFUND]


def test_orders_unpaid_too_long_are_closed_once_and_the_payable_hears(
    world, fee_b, resident_b, settings, django_capture_on_commit_callbacks
):
    settings.LINLI_PAYMENT_UNPAID_HOURS = 24
    stale, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_checkout(order=stale, by=resident_b)
    paid_there = support.fee("B-2", world.b, 500, payer=resident_b)
    lost, _ = services.payment_order_create(kind=support.KIND, ref=paid_there, by=resident_b)
    fresh_fee = support.fee("B-3", world.b, 300, payer=resident_b)
    fresh, _ = services.payment_order_create(kind=support.KIND, ref=fresh_fee, by=resident_b)
    old = timezone.now() - timedelta(hours=25)
    PaymentOrder.objects.filter(pk__in=[stale.pk, lost.pk]).update(created_at=old)
    DemoCharge.objects.create(  # paid at the provider: its notification may still come
        trade_no="T1",
        out_trade_no=lost.out_trade_no,
        amount_fen=500,
        paid_at=timezone.now(),
        notify_id="n1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.payment_orders_expire() == 1
        assert services.payment_orders_expire() == 0  # again: nothing more
    states = dict(PaymentOrder.objects.values_list("pk", "state"))
    assert states == {
        stale.pk: OrderState.CANCELLED,
        lost.pk: OrderState.CREATED,
        fresh.pk: OrderState.CREATED,
    }
    assert [stale.pk] == EXPIRED
    stale.refresh_from_db()
    assert "24" in stale.transitions.latest("pk").note
    # The fee can be paid again with a new order.
    again, created = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    assert created and again.pk != stale.pk
