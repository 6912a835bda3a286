"""Orders: created once per payable with the kind's amount, the state machine, the
payer's pages, the console and the API, and what people outside the region see."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.payments import services
from linli.payments.choices import Mismatch, OrderState
from linli.payments.models import DemoCharge, PaymentOrder, Reconciliation
from linli.testing import payments as support
from linli.testing.http import EN, call_api, get, post, problem_of, text

pytestmark = pytest.mark.django_db


def test_one_live_order_per_payable_with_the_kinds_amount(world, fee_b, resident_b):
    order, new = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    again, new_again = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    assert new and not new_again and again.pk == order.pk
    assert (order.amount_fen, order.currency, order.region, order.provider) == (
        12850,
        "CNY",
        world.b,
        "demo",
    )
    assert order.out_trade_no.startswith("LL") and len(order.out_trade_no) == 24
    with pytest.raises(ValidationError):
        services.payment_order_create(kind="no.such", ref=fee_b, by=resident_b)
    with pytest.raises(ValidationError):
        services.payment_order_create(kind=support.KIND, ref="nothing", by=resident_b)
    # Someone else's fee, for a resident: unknown.
    with pytest.raises(ValidationError):
        services.payment_order_create(kind=support.KIND, ref=fee_b, by=world.resident_a)
    bad = support.fee("B-ZERO", world.b, 0, payer=resident_b)
    with pytest.raises(ValidationError):
        services.payment_order_create(kind=support.KIND, ref=bad, by=resident_b)


def test_the_state_machine_refuses_moves_it_does_not_have(fee_b, resident_b):
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_cancel(order=order, note="不需要了", by=resident_b)
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and order.closed_at is not None
    with pytest.raises(ValidationError):
        services.payment_checkout(order=order, by=resident_b)
    with pytest.raises(ValidationError):
        services.payment_cancel(order=order, note="", by=resident_b)
    assert list(order.transitions.values_list("to_state", flat=True)) == ["created", "cancelled"]


def test_the_payer_pays_on_a_phone_through_the_demo_checkout(
    client, fee_b, resident_b, monkeypatch, django_capture_on_commit_callbacks
):
    # The demo provider's notification goes through this test's client, not the network.
    sent = []

    def deliver(body, headers):
        response = support.post_notification(client, body, headers)
        sent.append(response.status_code)
        return response.status_code

    monkeypatch.setattr("linli.payments.demo_provider.deliver", deliver)
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    client.force_login(resident_b)
    page = client.get(f"/pay/{order.out_trade_no}/")
    assert "¥128.50" in text(page) and "立即支付" in text(page)
    go = client.post(f"/pay/{order.out_trade_no}/go/")
    assert go.status_code == 302 and go.url == f"/pay/demo/{order.out_trade_no}/"
    checkout = client.get(go.url)
    assert "确认支付" in text(checkout) and "¥128.50" in text(checkout)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirmed = client.post(go.url, {"outcome": "pay"})
    assert confirmed.url == f"/pay/{order.out_trade_no}/"
    assert len(callbacks) >= 1
    # With the immediate task backend the notification has gone: the order is paid.
    order.refresh_from_db()
    assert order.state == OrderState.PAID and sent == [200]
    assert DemoCharge.objects.get().amount_fen == 12850
    assert "已支付" in text(client.get(f"/pay/{order.out_trade_no}/"))
    # Confirming twice charges nothing twice.
    client.post(go.url, {"outcome": "pay"})
    assert DemoCharge.objects.count() == 1
    assert "已支付" in text(client.get("/pay/"))


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_another_resident_or_outsider_gets_404_on_the_pay_pages(client, world, fee_b, resident_b):
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    for user in (world.resident_a, world.worker_a):
        client.force_login(user)
        for url in (f"/pay/{order.out_trade_no}/", f"/pay/demo/{order.out_trade_no}/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/pay/{order.out_trade_no}/go/").status_code == 404
        assert client.post(f"/pay/{order.out_trade_no}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.CREATED


def test_the_console_list_and_detail_are_scoped_to_the_region(client, world, fee_b, resident_b):
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_checkout(order=order, by=resident_b)
    inside = get(client, world.worker_b, "/payments/")
    assert order.out_trade_no in text(inside) and "128.50" in text(inside)
    detail = get(client, world.worker_b, f"/payments/{order.pk}/")
    assert "Awaiting payment → Paying" in text(detail)
    for outsider in (world.worker_a, world.other_subdistrict_admin, world.grid_worker_a1):
        listed = get(client, outsider, "/payments/")
        assert order.out_trade_no not in text(listed)
        assert get(client, outsider, f"/payments/{order.pk}/").status_code in (403, 404)
    # Community workers see; they do not cancel (an admin does).
    assert post(client, world.worker_b, f"/payments/{order.pk}/cancel/", {}).status_code == 403
    assert post(client, world.worker_a, f"/payments/{order.pk}/cancel/", {}).status_code == 403
    assert (
        post(client, world.other_subdistrict_admin, f"/payments/{order.pk}/cancel/", {}).status_code
        == 404
    )
    done = post(client, world.subdistrict_admin, f"/payments/{order.pk}/cancel/", {"note": "重复"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED


def test_the_list_filters_and_refuses_a_bad_filter_with_a_message(client, world, fee_b, resident_b):
    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    page = get(client, world.subdistrict_admin, "/payments/?state=paid")
    assert order.out_trade_no not in text(page)
    page = get(
        client, world.subdistrict_admin, f"/payments/?q={order.out_trade_no[:10]}&state=created"
    )
    assert order.out_trade_no in text(page)
    page = get(client, world.subdistrict_admin, "/payments/?state=nonsense&region=999999999999")
    assert ("State" in text(page) and order.out_trade_no in text(page)) or "Region" in text(page)


def test_the_api_orders_for_payer_and_staff_scoped(client, world, fee_b, resident_b):
    created = call_api(
        client, resident_b, "post", "/payments/orders", {"kind": support.KIND, "ref": fee_b}
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["amount_fen"], body["state"], body["region"]) == (12850, "created", world.b.code)
    again = call_api(
        client, resident_b, "post", "/payments/orders", {"kind": support.KIND, "ref": fee_b}
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    checkout = call_api(client, resident_b, "post", f"/payments/orders/{body['id']}/checkout")
    assert checkout.status_code == 200
    assert checkout.json()["checkout_url"].endswith(f"/pay/demo/{body['out_trade_no']}/")
    detail = call_api(client, resident_b, "get", f"/payments/orders/{body['id']}").json()
    assert [t["to_state"] for t in detail["transitions"]] == ["created", "pending"]
    assert detail["transitions"][0]["from_state"] is None
    mine = call_api(client, resident_b, "get", "/payments/my-orders").json()
    assert [o["id"] for o in mine["items"]] == [body["id"]]

    listed = call_api(client, world.worker_b, "get", "/payments/orders").json()
    assert [o["id"] for o in listed["items"]] == [body["id"]]
    for outsider in (world.worker_a, world.other_subdistrict_admin):
        assert call_api(client, outsider, "get", "/payments/orders").json()["items"] == []
        problem_of(call_api(client, outsider, "get", f"/payments/orders/{body['id']}"), 404)
        problem_of(call_api(client, outsider, "post", f"/payments/orders/{body['id']}/cancel"), 404)
    problem_of(call_api(client, world.resident_a, "get", f"/payments/orders/{body['id']}"), 404)
    problem_of(
        call_api(
            client,
            world.resident_a,
            "post",
            "/payments/orders",
            {"kind": support.KIND, "ref": fee_b},
        ),
        422,
    )
    problem_of(call_api(client, resident_b, "get", "/payments/orders"), 403)
    bad = call_api(client, resident_b, "post", "/payments/orders", {"kind": "Bad Kind!", "ref": ""})
    problem_of(bad, 422)


def test_the_export_holds_the_regions_orders_only(client, world, fee_b, resident_b):
    from io import BytesIO

    from openpyxl import load_workbook

    order, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    a_fee = support.fee("A-1", world.a, 300, payer=world.resident_a)
    services.payment_order_create(kind=support.KIND, ref=a_fee, by=world.resident_a)
    answer = get(client, world.worker_b, "/payments/export/")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("订单号", "事项类别", "内容", "金额（元）")
    assert [r[0] for r in rows[1:]] == [order.out_trade_no]
    assert rows[1][3] == "128.50"


def test_reconciliation_lists_each_kind_of_mismatch(client, world, fee_b, resident_b):
    now = timezone.now()
    lost, _ = services.payment_order_create(kind=support.KIND, ref=fee_b, by=resident_b)
    services.payment_checkout(order=lost, by=resident_b)
    # The provider took the money, its notification never came.
    DemoCharge.objects.create(
        trade_no="T1", out_trade_no=lost.out_trade_no, amount_fen=12850, paid_at=now, notify_id="n1"
    )
    # A payment the orders do not know.
    DemoCharge.objects.create(
        trade_no="T2", out_trade_no="LLUNKNOWN", amount_fen=99, paid_at=now, notify_id="n2"
    )
    # Paid here, not in the statement.
    other = support.fee("B-2", world.b, 700, payer=resident_b)
    paid, _ = services.payment_order_create(kind=support.KIND, ref=other, by=resident_b)
    PaymentOrder.objects.filter(pk=paid.pk).update(state=OrderState.PAID, paid_at=now)
    # Amounts differ.
    third = support.fee("B-3", world.b, 1000, payer=resident_b)
    differ, _ = services.payment_order_create(kind=support.KIND, ref=third, by=resident_b)
    PaymentOrder.objects.filter(pk=differ.pk).update(state=OrderState.PAID, paid_at=now)
    DemoCharge.objects.create(
        trade_no="T3", out_trade_no=differ.out_trade_no, amount_fen=900, paid_at=now, notify_id="n3"
    )
    # Yesterday's payment is another day's statement.
    DemoCharge.objects.create(
        trade_no="T4",
        out_trade_no="LLOLD",
        amount_fen=5,
        paid_at=now - timedelta(days=2),
        notify_id="n4",
    )

    whole = services.reconcile(
        day=timezone.localdate(), region=world.district, by=world.district_admin
    )
    found = {(i.mismatch, i.out_trade_no) for i in whole.items.all()}
    assert found == {
        (Mismatch.UNPAID_HERE, lost.out_trade_no),
        (Mismatch.NOT_HERE, "LLUNKNOWN"),
        (Mismatch.NOT_THERE, paid.out_trade_no),
        (Mismatch.AMOUNT, differ.out_trade_no),
    }
    assert (whole.lines, whole.matched) == (3, 0)
    # A community's reconciliation leaves out payments that are not its own.
    response = post(
        client,
        world.subdistrict_admin,
        "/payments/reconciliations/run/",
        {"day": timezone.localdate().isoformat(), "region": world.a.code},
    )
    assert response.status_code == 302
    mine = Reconciliation.objects.get(region=world.a)
    assert mine.items.count() == 0
    page = get(client, world.worker_b, "/payments/reconciliations/")
    assert "LLUNKNOWN" not in text(page), "the district's reconciliation is not B's to see"
    district_page = get(client, world.district_admin, "/payments/reconciliations/")
    assert "LLUNKNOWN" in text(district_page) and "Paid at the provider, not paid here" in text(
        district_page
    )
    # The API runs one too, and refuses a region out of reach.
    ran = call_api(
        client,
        world.subdistrict_admin,
        "post",
        "/payments/reconciliations",
        {"day": timezone.localdate().isoformat(), "region": world.b.code},
    )
    assert ran.status_code == 201
    assert {i["mismatch"] for i in ran.json()["items"]} == {"unpaid_here", "not_there", "amount"}
    problem_of(
        call_api(
            client,
            world.other_subdistrict_admin,
            "post",
            "/payments/reconciliations",
            {"day": "2026-01-01", "region": world.b.code},
        ),
        422,
    )
    assert (
        call_api(client, world.other_subdistrict_admin, "get", "/payments/reconciliations").json()[
            "items"
        ]
        == []
    )
    _ = EN


def test_the_check_warns_while_the_demo_provider_takes_payments(settings):
    from linli.payments.providers import check_setting

    settings.LINLI_PAYMENT_PROVIDER = "demo"
    assert [m.id for m in check_setting()] == ["payments.W001"]
    settings.LINLI_PAYMENT_PROVIDER = "nosuch"
    assert [m.id for m in check_setting()] == ["payments.E001"]
