"""In a real browser: a grid worker acknowledges an alarm in the inbox (htmx answers
the row in place, no page load), then opens the device: its map point and its history
chart are drawn under the strict Content-Security-Policy, without a script error."""

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from linli.core import live
from linli.devices.models import LatestValue, Telemetry
from linli.devices.tests.brokers import wait_for
from linli.devices.tests.conftest import raise_alarm
from linli.testing.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_acknowledges_an_alarm_in_the_inbox(world, detector, browser_context):
    alarm = raise_alarm(detector)
    now = timezone.now()
    for minutes in range(5, 60, 5):
        at = now - timedelta(minutes=minutes)
        Telemetry.objects.create(device=detector, key="temperature", ts=at, value=20 + minutes / 10)
    LatestValue.objects.create(device=detector, key="temperature", ts=now, value=20)
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/devices/alarms/")
    sign_in(page, "grid.a1")

    row = page.locator(f"#alarm-{alarm.pk}")
    assert "未清除、未确认" in row.locator("[data-testid=alarm-state]").inner_text()
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name="确认").click()
    row.locator("[data-testid=alarm-state]").filter(has_text="未清除、已确认").wait_for()
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    assert row.get_by_role("button", name="确认").count() == 0
    alarm.refresh_from_db()
    assert alarm.acknowledged_at is not None

    row.get_by_role("link", name="1单元楼道烟感").click()
    page.locator("#telemetry canvas").first.wait_for()
    assert page.locator(".leaflet-container path.leaflet-interactive").count() == 1
    page.select_option("#c-range", "1h")  # htmx swaps the chart in and it is drawn again
    page.wait_for_url("**range=1h**")
    page.locator("#telemetry canvas").first.wait_for()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_the_history_reads_shanghai_time_in_a_browser_elsewhere(world, detector, browser_context):
    """A browser in New York (13 hours behind Shanghai in December) draws the time axis
    in the deployment's time zone, not its own."""
    now = timezone.now()
    for minutes in range(5, 60, 5):
        at = now - timedelta(minutes=minutes)
        Telemetry.objects.create(device=detector, key="temperature", ts=at, value=20 + minutes / 10)
    page = browser_context(timezone_id="America/New_York").new_page()
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
    page.goto(f"/devices/{detector.pk}/?key=temperature&range=1h")
    sign_in(page, "grid.a1")
    page.locator("#telemetry canvas").first.wait_for()
    labels = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("telemetry"))
            .getModel().getComponent("xAxis", 0).axis.getViewLabels()
            .map((l) => l.formattedLabel)"""
    )
    times = [label for label in labels if re.fullmatch(r"\d{2}:\d{2}", label)]
    shanghai = ZoneInfo("Asia/Shanghai")
    hours = {
        (now + timedelta(minutes=m)).astimezone(shanghai).strftime("%H") for m in (-65, -30, 5)
    }
    assert times and {t[:2] for t in times} <= hours, (labels, hours)


# The table transport (a one-box install); Redis carries the same stream in
# core/tests/test_live.py. In Chromium on Redis a message arriving in the first
# milliseconds of a stream was seen missed once in three runs: open (ADR 0019).
@pytest.mark.parametrize("live_transport", ["table", "redis"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_open_inbox_shows_a_new_alarm_within_two_seconds(
    world, detector, browser_context, live_transport
):
    """An alarm raised elsewhere (the ingestion path: another thread and database
    connection than the server's) appears in the open inbox and its counts, without a
    page load; an in-place acknowledge moves the counts too."""
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/devices/alarms/")
    sign_in(page, "grid.a1")
    page.get_by_text("暂无告警。").wait_for()
    page.evaluate("window.notReloaded = true")
    counts = page.locator("[data-testid=severity-counts]")
    wait_for(lambda: len(live.hub) == 1, what="the page's stream")
    started = time.monotonic()
    alarm = raise_alarm(detector)
    row = page.locator(f"#alarm-{alarm.pk}")
    row.wait_for(timeout=2000)
    elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    assert page.evaluate("window.notReloaded") is True
    assert "1" in counts.get_by_role("link").first.inner_text()
    row.get_by_role("button", name="确认").click()
    page.locator(f"#alarm-{alarm.pk} [data-testid=alarm-state]").filter(
        has_text="未清除、已确认"
    ).wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert errors == []


@pytest.mark.parametrize("live_transport", ["table"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_without_event_source_the_inbox_follows_by_long_poll(
    world, detector, browser_context, live_transport
):
    """An old set-top-box browser (no EventSource): live.js long-polls the same URL."""
    page = browser_context().new_page()
    page.add_init_script("delete window.EventSource")
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "poll=1" in r.url else None)
    page.goto("/devices/alarms/")
    sign_in(page, "grid.a1")
    page.get_by_text("暂无告警。").wait_for()

    def second_poll_waiting() -> bool:
        page.wait_for_timeout(50)  # Playwright's sync API hands over its events only here
        return len(polls) >= 2 and len(live.hub) == 1

    wait_for(second_poll_waiting, 20, "a waiting long-poll")
    started = time.monotonic()
    alarm = raise_alarm(detector)
    page.locator(f"#alarm-{alarm.pk}").wait_for(timeout=2000)
    assert time.monotonic() - started < 2
    assert any("last=" in url for url in polls)
