"""In a real browser with a (simulated) GPS, at a phone's width and a desk's: the care
worker's page refuses a check-in far from the home with the distance, then checks in
at the door and out again; the console's order page shows the visit and its log.
Chinese only, no script error, nothing wider than the screen. Screenshots go to
$LINLI_SHOTS when it is set."""

import os
import re

import pytest

from linli.homecare.choices import HomecareState
from linli.homecare.models import Order
from linli.testing.browser import sign_in
from linli.testing.homecare import order_to

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
FAR = {"longitude": 117.88, "latitude": 36.8, "accuracy": 10}
HOME = {"longitude": 117.87008, "latitude": 36.80004, "accuracy": 8}


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    english = set(ENGLISH.findall(page.locator("main").inner_text())) - {"Linli"}
    assert not english, f"{name}: {english}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_a_care_worker_checks_in_at_the_home_from_the_phone(world, a, browser_context, width):
    order = order_to(a, HomecareState.ASSIGNED)
    context = browser_context(
        viewport={"width": width, "height": 900},
        geolocation=FAR,
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/homecare/today/")
    sign_in(page, a.worker.username)
    page.get_by_text("王秀英").wait_for()
    _look(page, "worker-today", width)

    page.get_by_role("button", name="到家签到").click()
    refused = page.locator(".alert").filter(has_text="请到老人家中签到")
    refused.wait_for()
    assert "距老人家" in refused.inner_text()
    assert Order.objects.get().state == HomecareState.ASSIGNED

    context.set_geolocation(HOME)
    page.get_by_role("button", name="到家签到").click()
    page.get_by_role("button", name="签退").wait_for()
    assert Order.objects.get().state == HomecareState.CHECKED_IN
    _look(page, "worker-checked-in", width)
    page.get_by_role("button", name="签退").click()
    page.locator(".alert").filter(has_text="签退").wait_for()
    order.refresh_from_db()
    assert order.state == HomecareState.CHECKED_OUT and order.check_out_distance < 20

    console = context.new_page()
    console.on("pageerror", lambda error: errors.append(error))
    context.clear_cookies()
    console.goto(f"/homecare/{order.pk}/")
    sign_in(console, "worker.a")
    console.get_by_text("登记老人的确认").wait_for()
    assert "已签退" in console.locator("[data-testid=state]").inner_text()
    assert "距老人家" in console.locator("[data-testid=check-in]").inner_text()
    _look(console, "order-detail", width)
    assert errors == []
