"""In a real browser, on a phone: a resident pays a fee through the demo provider's
checkout; the provider's signed notification comes over HTTP to the callback endpoint
and the pay page, polling, shows the order paid. Then the console's pages at desk
width. Screenshots of each page are left in the test's tmp_path."""

import pytest
from django.utils import timezone

from linli.payments import services
from linli.payments.choices import OrderState
from linli.payments.models import DemoCharge, PaymentOrder
from linli.testing import payments as support
from linli.testing.browser import axe_violations, narrow_cells, sign_in, small_targets

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.mark.django_db(transaction=True)
def test_a_resident_pays_on_a_phone_and_staff_see_it_paid(
    world, resident_b, browser_context, live_server, settings, tmp_path
):
    settings.LINLI_SITE_URL = live_server.url
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ref = support.fee(
        "B-2026-007", world.b, 12850, payer=resident_b, description="2026年第四季度物业费"
    )
    order, _ = services.payment_order_create(kind=support.KIND, ref=ref, by=resident_b)

    page = browser_context(**PHONE).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"/pay/{order.out_trade_no}/")
    sign_in(page, "resident.b")
    page.get_by_test_id("amount").filter(has_text="¥128.50").wait_for()
    page.screenshot(path=tmp_path / "pay-390.png", full_page=True)
    assert not axe_violations(page)
    assert not small_targets(page, ".touch .btn")
    page.get_by_test_id("pay").click()

    page.get_by_test_id("demo-note").wait_for()
    page.screenshot(path=tmp_path / "checkout-390.png", full_page=True)
    page.get_by_test_id("confirm").click()
    # The provider notified us over HTTP; the pay page shows it (polled if not yet).
    page.get_by_test_id("paid").wait_for()
    page.screenshot(path=tmp_path / "paid-390.png", full_page=True)
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert DemoCharge.objects.get().out_trade_no == order.out_trade_no
    assert [order.pk] == support.PAID
    page.goto("/pay/")
    page.get_by_test_id("my-orders").filter(has_text="已支付").wait_for()
    page.screenshot(path=tmp_path / "mine-390.png", full_page=True)
    assert not errors

    # Another order left unpaid, then the console: list, order, reconciliation.
    other = support.fee("B-2026-008", world.b, 3000, payer=resident_b, description="停车费")
    unpaid, _ = services.payment_order_create(kind=support.KIND, ref=other, by=resident_b)
    # The provider took this one's money, its notification never came: a mismatch.
    DemoCharge.objects.create(
        trade_no="T-LOST",
        out_trade_no=unpaid.out_trade_no,
        amount_fen=3000,
        paid_at=timezone.now(),
        notify_id="n-lost",
    )
    services.reconcile(day=timezone.localdate(), region=world.b, by=None)
    for size, name in ((DESK, "1366"), (PHONE, "390")):
        desk = browser_context(**size).new_page()
        desk.on("pageerror", lambda error: errors.append(error))
        desk.goto("/payments/")
        sign_in(desk, "sichoulu")
        desk.get_by_test_id("orders").filter(has_text=order.out_trade_no).wait_for()
        desk.screenshot(path=tmp_path / f"list-{name}.png", full_page=True)
        assert not narrow_cells(desk, "[data-testid=orders]")
        desk.get_by_role("link", name=order.out_trade_no).click()
        desk.get_by_test_id("log").filter(has_text="支付渠道通知").wait_for()
        desk.screenshot(path=tmp_path / f"detail-{name}.png", full_page=True)
        assert not axe_violations(desk)
        desk.goto("/payments/reconciliations/")
        desk.get_by_test_id("mismatches").filter(has_text="渠道已收款、本系统未到账").wait_for()
        desk.screenshot(path=tmp_path / f"reconciliation-{name}.png", full_page=True)
    assert PaymentOrder.objects.filter(state=OrderState.PAID).count() == 1
    assert not errors
    print("screenshots:", tmp_path)
