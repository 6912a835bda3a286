"""In a real browser, at a desk's width and a phone's: a resident's 我的时间银行 and a
worker's accounts list and passbook: Chinese only, no script error, nothing wider
than the screen. Screenshots go to $LINLI_SHOTS when it is set."""

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.testing.browser import sign_in
from linli.timebank.models import Account
from linli.timebank.services import hours_earn, hours_spend, hours_transfer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/timebank-{name}-{width}.png", full_page=True)
    text = page.locator("main").inner_text()
    assert not set(ENGLISH.findall(text)), name
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_passbook_pages_in_a_browser(world, volunteer, elder, neighbour, browser_context, width):
    today = timezone.localdate()
    for days, kind, hours in ((20, "escort", "2.5"), (9, "cleaning", "1.5"), (2, "company", "1")):
        hours_earn(
            volunteer=volunteer,
            hours=Decimal(hours),
            service=kind,
            reference="",
            served=elder,
            served_on=today - timedelta(days=days),
            note="陪同到区医院复查" if kind == "escort" else "",
            by=None,
        )
    hours_transfer(
        giver=volunteer, receiver=neighbour, hours=Decimal("1"), note="送给母亲", by=None
    )
    hours_spend(holder=volunteer, hours=Decimal("0.5"), reference="HC-202612-001", by=None)
    account = Account.objects.get(holder=volunteer)
    context = browser_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    page.goto("/timebank/mine/", timeout=60_000)  # the session's first page: a cold server
    sign_in(page, "wang")
    assert "3.50" in page.locator("[data-testid=my-balance]").inner_text()
    assert page.locator("[data-testid=passbook-row]").count() == 5
    _look(page, "mine", width)

    context.clear_cookies()
    page.goto("/timebank/")
    sign_in(page, "worker.a")
    assert page.locator("[data-testid=accounts] tbody tr").count() == 1
    _look(page, "accounts", width)
    page.goto(f"/timebank/accounts/{account.pk}/")
    assert page.locator("[data-testid=passbook-row]").count() == 5
    _look(page, "passbook", width)
    page.goto(f"/timebank/accounts/{account.pk}/transfer/")
    page.get_by_label("受赠人身份证号").fill(neighbour.id_number)
    page.get_by_label("时数").fill("9")
    page.get_by_role("button", name="转赠").click()
    assert "时间不足：余额 3.5 小时，不能扣除 9 小时。" in page.locator("main").inner_text()
    _look(page, "transfer-refused", width)
    assert not errors
