"""In a real browser, at a desk's width and a phone's: the dispatcher's board open, a
red button pressed elsewhere shows up on it within two seconds without a page load;
the call's page pops the elder and the dispatcher answers and sends the nearest
responder. Chinese only, no script error, nothing wider than the screen. Screenshots
go to $LINLI_SHOTS when it is set."""

import os
import re
import time

import pytest
from django.utils import timezone

from linli.core import live
from linli.devices.models import AlarmType
from linli.devices.services import alarm_raise
from linli.dispatch.models import Call
from linli.testing.browser import sign_in

# On SQLite the live server's threads, the board's stream and the press made in the
# test's thread share the test database's one in-memory connection ("database table is
# locked"): PostgreSQL only, as the screens' live tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgresql(
        reason="Needs PostgreSQL: the live server's threads and the test's share SQLite's "
        "one in-memory connection (run `make test-pg`)."
    ),
]
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")


def _until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dispatch-{name}-{width}.png", full_page=True)
    english = set(ENGLISH.findall(page.locator("main").inner_text()))
    assert not english, f"{name}: {english}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("live_transport", ["table"], indirect=True)
@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.django_db(transaction=True)
def test_a_press_reaches_the_open_board_and_is_answered(
    world, home, button, responders, browser_context, live_transport, width
):
    page = browser_context(viewport={"width": width, "height": 900}).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/dispatch/")
    sign_in(page, "worker.a")
    page.get_by_text("暂无待处理的呼叫。").wait_for()
    page.evaluate("window.notReloaded = true")
    _until(lambda: len(live.hub) == 1, "the board's stream")
    started = time.monotonic()
    alarm, _new = alarm_raise(
        device=button,
        alarm_type=AlarmType.objects.get(code="elder-emergency"),
        severity="critical",
        at=timezone.now(),
    )
    call = Call.objects.get(alarm=alarm)
    row = page.locator(f"[data-testid=call-{call.pk}]")
    row.wait_for(timeout=2000)
    assert time.monotonic() - started < 2
    assert page.evaluate("window.notReloaded") is True
    assert "王秀英" in row.inner_text() and "生命优先" in row.inner_text()
    _look(page, "board", width)

    row.get_by_role("link", name="王秀英").click()
    page.get_by_test_id("elder").wait_for()
    assert "139****0001" in page.get_by_test_id("elder").inner_text()
    page.get_by_test_id("answer").click()
    page.get_by_text("已保存：已接听。").wait_for()
    page.get_by_test_id("send").click()
    page.get_by_text("已保存：已派员。").wait_for()
    assert "李护工" in page.get_by_test_id("timers").inner_text()
    _look(page, "call", width)
    assert errors == []
