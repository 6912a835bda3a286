"""The provider's callback: signed notifications applied once; replays, unsigned,
forged, wrong amounts and unknown orders refused or answered alike, and audited."""

import threading

import pytest
from django.db import connections

from linli.audit.models import AuditEntry
from linli.core.models import PublishedEvent
from linli.payments import services
from linli.payments.choices import OrderState, Outcome, Refusal
from linli.payments.models import PaymentNotification, PaymentOrder, PaymentTransition
from linli.testing import payments as support

pytestmark = pytest.mark.django_db


def _pending(fee_b, resident_b) -> PaymentOrder:
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_checkout(order=order, by=resident_b)
    order.refresh_from_db()
    return order


def _moves(order):
    return list(PaymentTransition.objects.filter(order=order).values_list("to_state", flat=True))


def test_a_signed_notification_pays_the_order_once_and_a_replay_gets_the_same_answer(
    client, fee_b, resident_b, django_capture_on_commit_callbacks
):
    order = _pending(fee_b, resident_b)
    body, headers = support.notification(order)
    with django_capture_on_commit_callbacks(execute=True):
        first = support.post_notification(client, body, headers)
    assert first.status_code == 200 and support.answer(first)["code"] == "SUCCESS"
    with django_capture_on_commit_callbacks(execute=True):
        again = support.post_notification(client, body, headers)
    assert (again.status_code, again.content) == (first.status_code, first.content)

    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.trade_no == "4200000001"
    assert _moves(order) == ["created", "pending", "paid"]
    assert [order.pk] == support.PAID, "the payable hears of it once"
    note = PaymentNotification.objects.get()
    assert (note.outcome, note.repeats) == (Outcome.APPLIED, 1)

    # Another notification of the same payment (the provider retries with a new id):
    # acknowledged, nothing done.
    body, headers = support.notification(order, notify_id="N2")
    with django_capture_on_commit_callbacks(execute=True):
        other = support.post_notification(client, body, headers)
    assert support.answer(other)["code"] == "SUCCESS"
    assert _moves(order) == ["created", "pending", "paid"]
    assert [order.pk] == support.PAID
    assert not PublishedEvent.objects.filter(delivered_at__isnull=True).exists()


def test_unsigned_or_forged_notifications_are_refused_and_change_nothing(client, fee_b, resident_b):
    order = _pending(fee_b, resident_b)
    body, headers = support.notification(order)
    unsigned = client.post("/pay/notify/demo/", body, content_type="application/json")
    assert unsigned.status_code == 401 and support.answer(unsigned)["code"] == "FAIL"

    forged_body = body.replace(b'"total":12850', b'"total":1')
    forged = support.post_notification(client, forged_body, headers)
    assert forged.status_code == 401

    wrong_key = dict(
        headers, **{"Linli-Pay-Signature": "AAAA" + headers["Linli-Pay-Signature"][4:]}
    )
    assert support.post_notification(client, body, wrong_key).status_code == 401
    assert support.post_notification(client, b"{}", {}).status_code == 401
    assert (
        client.post("/pay/notify/nosuch/", body, content_type="application/json").status_code == 401
    )

    order.refresh_from_db()
    assert order.state == OrderState.PENDING
    assert not PaymentNotification.objects.exists()


def test_a_signed_notification_with_the_wrong_amount_is_refused_audited_once(
    client, world, fee_b, resident_b
):
    order = _pending(fee_b, resident_b)
    body, headers = support.notification(order, amount_fen=1)
    refused = support.post_notification(client, body, headers)
    assert refused.status_code == 400
    assert support.answer(refused) == {
        "code": "FAIL",
        "message": "amount or currency does not match the order",
    }
    again = support.post_notification(client, body, headers)
    assert (again.status_code, again.content) == (400, refused.content)

    order.refresh_from_db()
    assert order.state == OrderState.PENDING and support.PAID == []
    entry = AuditEntry.objects.get(action="payment_refused")
    assert entry.object_id == str(order.pk) and entry.region_id == world.b.pk
    assert entry.details["refusal"] == Refusal.AMOUNT and entry.details["amount_fen"] == 1
    assert PaymentNotification.objects.get().repeats == 1


def test_a_notification_for_an_unknown_order_is_refused_and_audited_at_the_district(
    client, world, fee_b, resident_b
):
    order = _pending(fee_b, resident_b)
    body, headers = support.notification(order, out_trade_no="LL2026NOSUCHORDER")
    refused = support.post_notification(client, body, headers)
    assert refused.status_code == 404 and support.answer(refused)["code"] == "FAIL"
    entry = AuditEntry.objects.get(action="payment_refused")
    assert entry.region_id == world.district.pk
    assert entry.details["refusal"] == Refusal.UNKNOWN_ORDER


def test_a_failed_payment_fails_the_order_and_a_late_success_is_left_for_reconciliation(
    client, fee_b, resident_b
):
    order = _pending(fee_b, resident_b)
    body, headers = support.notification(order, success=False)
    assert support.post_notification(client, body, headers).status_code == 200
    order.refresh_from_db()
    assert order.state == OrderState.FAILED
    body, headers = support.notification(order, notify_id="N9")
    late = support.post_notification(client, body, headers)
    assert late.status_code == 200  # acknowledged: the provider stops retrying
    order.refresh_from_db()
    assert order.state == OrderState.FAILED
    assert (
        AuditEntry.objects.filter(action="payment_refused", details__refusal="final").count() == 1
    )
    # Paying again takes a new order.
    again, new = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    assert new and again.pk != order.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql(reason="row locks need PostgreSQL")
@pytest.mark.parametrize("same", [True, False], ids=["replayed", "two-notifications"])
def test_two_callbacks_at_once_pay_the_order_once(world, same):
    from django.test import Client

    from linli.core.permissions import Role

    payer = world.person("resident.b", Role.RESIDENT, world.b.code)
    ref = support.fee("B-PG-1", world.b, 5000, payer=payer)
    order = _pending(ref, payer)
    signed = [support.notification(order, notify_id="NX" if same else f"N{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    answers = []

    def callback(i):
        try:
            barrier.wait(timeout=10)
            answers.append(support.post_notification(Client(), *signed[i]).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=callback, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert answers == [200, 200]
    assert _moves(order) == ["created", "pending", "paid"]
    assert PublishedEvent.objects.filter(name="payment.paid").count() <= 1
    assert [order.pk] == support.PAID
    assert PaymentNotification.objects.count() == (1 if same else 2)
