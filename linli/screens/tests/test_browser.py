"""In Chromium, as screens and set-top boxes meet them: the TV with a remote
control's keys only (arrows, OK, Back, digits; no mouse), its focus always visible and
axe-core content; a display that goes on showing its content while the server is
stopped, and resumes — with its changed playlist — when it is started again."""

import contextlib
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _StaticFilesHandler

from linli.alerts.services import alert_cancel
from linli.core import live
from linli.screens import services
from linli.screens.display import COOKIE
from linli.screens.models import Screen
from linli.screens.tests.conftest import storm
from linli.testing.browser import axe_violations

pytestmark = pytest.mark.browser


def signed_in(context, base: str, token: str) -> None:
    context.add_cookies([{"name": COOKIE, "value": token, "url": base}])


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
          return {testid: e.getAttribute("data-testid"), text: e.innerText,
                  style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )


# A display and a TV page open at once, streams held while they fetch: on SQLite the
# live server's request threads share the test database's one in-memory connection and
# race on it (sqlite3: "bad parameter or other API misuse", 1 CI run in 3).
needs_postgresql = pytest.mark.postgresql(
    reason="Needs PostgreSQL: the live server's request threads share the SQLite test "
    "database's one in-memory connection, and a display's and a TV's streams, fetches "
    "and polls use it at once (run `make test-pg`)."
)


@pytest.mark.django_db(transaction=True)
def test_the_tv_is_used_with_a_remote_control_alone(world, box, six, browser_context, live_server):
    _box, token = box
    context = browser_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    # the installer signs the box in once, typing its token on a keyboard
    page.goto("/tv/")
    page.keyboard.type(token)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="频道导视").wait_for()

    ring = focus_ring(page)
    assert ring["testid"] == "channel-320"  # the first channel has the focus
    assert ring["style"] != "none" and ring["width"] >= 2
    page.keyboard.press("ArrowRight")
    assert focus_ring(page)["testid"] == "channel-360"
    page.keyboard.press("ArrowDown")
    assert focus_ring(page)["testid"] == "channel-801"
    page.keyboard.press("ArrowLeft")
    assert focus_ring(page)["testid"] == "channel-701"
    page.keyboard.press("Enter")  # OK
    page.wait_for_url("**/tv/701/")
    assert page.get_by_test_id("channel-number").inner_text() == "701"
    assert focus_ring(page)["width"] >= 2  # something has the focus, and shows it
    assert axe_violations(page) == []

    page.keyboard.press("Backspace")  # Back
    page.wait_for_url("**/tv/")
    for digit in "801":
        page.keyboard.press(digit)
    page.wait_for_url("**/tv/801/")
    assert "阳光政务" in page.locator("h1").inner_text()
    page.keyboard.press("Escape")  # Back, as another remote sends it
    page.wait_for_url("**/tv/")
    page.keyboard.press("9")
    page.keyboard.press("9")  # two digits, then a pause
    page.wait_for_url("**/tv/99/")
    assert "没有 99 频道" in page.get_by_test_id("missing").inner_text()
    assert axe_violations(page) == []
    assert errors == []


class Stoppable(ThreadedWSGIServer):
    """Django's threaded server, whose connections all close when it stops (as a
    process's would): a browser's kept-alive connection is not served on."""

    def process_request(self, request, client_address):
        self.__dict__.setdefault("open", []).append(request)
        super().process_request(request, client_address)

    def server_close(self):
        super().server_close()
        for request in self.__dict__.get("open", []):
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)


class Server(LiveServerThread):
    """pytest-django's live server, stopped for real and started again on the
    address it had."""

    server_class = Stoppable

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


def _shared():
    """The in-memory SQLite databases the servers' threads share with the test's."""
    found = {}
    for alias in connections:
        connection = connections[alias]
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            found[alias] = connection
    return found


def _server(port: int = 0) -> LiveServerThread:
    """A server of the test's database on `port`, as pytest-django's live server is."""
    thread = Server("127.0.0.1", _StaticFilesHandler, _shared(), port)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_display_outlives_its_server(world, display, playlist, settings, browser_context):
    settings.LINLI_SCREEN_POLL_S = 1
    screen, token = display
    for connection in _shared().values():
        connection.inc_thread_sharing()  # as LiveServerTestCase does, for both servers
    server = _server()
    base = f"http://127.0.0.1:{server.port}"
    try:
        context = browser_context(viewport={"width": 1920, "height": 1080})
        signed_in(context, base, token)
        page = context.new_page()
        page.goto(f"{base}/screen/")
        page.get_by_role("heading", name="今日天气").wait_for()
        # the slides take turns, each for its duration (5 s at least)
        second = playlist.items.order_by("order")[1].pk
        page.locator(f".slide.current[data-key='{second}']").wait_for(state="attached")

        server.terminate()  # the server stops
        page.get_by_test_id("offline").wait_for()
        assert page.locator(".slide").count() == 2  # still showing its content
        assert "网格员值守" in page.locator("#content").text_content()

        services.item_add(playlist=playlist, kind="figures", duration=5, title="办件数据", by=None)
        server = _server(server.port)  # started again, on the same address
        page.get_by_test_id("offline").wait_for(state="hidden")
        page.locator(".slide[data-key]").nth(2).wait_for(state="attached")
        assert "办件数据" in page.locator("#content").text_content()
        assert urlsplit(page.url).path == "/screen/"  # swapped in, never reloaded
        context.close()
    finally:
        server.terminate()
        for connection in _shared().values():
            connection.dec_thread_sharing()
    screen.refresh_from_db()
    assert screen.last_seen_at is not None  # its heartbeat
    assert Screen.objects.get(pk=screen.pk).showing


@pytest.mark.django_db(transaction=True)
def test_a_display_reloaded_while_its_server_is_away_shows_its_last_content(
    world, display, playlist, settings, browser_context
):
    """The page and its files come from the service worker, the newest content from
    what the page kept: a reload (or a screen switched off and on) with the server
    stopped shows what the screen showed last, marked offline."""
    settings.LINLI_SCREEN_POLL_S = 1
    _screen, token = display
    for connection in _shared().values():
        connection.inc_thread_sharing()
    server = _server()
    base = f"http://127.0.0.1:{server.port}"
    try:
        context = browser_context(viewport={"width": 1920, "height": 1080})
        signed_in(context, base, token)
        page = context.new_page()
        page.goto(f"{base}/screen/")
        page.get_by_role("heading", name="今日天气").wait_for()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        # the playlist changes after the page was loaded: swapped in, and kept
        services.item_add(playlist=playlist, kind="figures", duration=5, title="办件数据", by=None)
        page.locator(".slide[data-key]").nth(2).wait_for(state="attached")

        server.terminate()  # the server goes away, and the screen reloads
        page.reload()
        page.get_by_test_id("offline").wait_for()
        assert page.locator(".slide").count() == 3  # the page kept, with the newest content
        shown = page.locator("#content").text_content()
        assert "办件数据" in shown and "网格员值守" in shown
        assert page.locator("link[rel=stylesheet]").evaluate("l => l.sheet !== null")
        page.reload()  # and again: still there
        page.get_by_test_id("offline").wait_for()
        assert "办件数据" in page.locator("#content").text_content()

        fresh = browser_context(viewport={"width": 1920, "height": 1080}).new_page()
        with pytest.raises(Exception, match="ERR_CONNECTION_REFUSED"):
            fresh.goto(f"{base}/screen/")  # a screen that never loaded it has nothing

        server = _server(server.port)  # back: online again, and its content served afresh
        page.get_by_test_id("offline").wait_for(state="hidden")
        context.close()
    finally:
        server.terminate()
        for connection in _shared().values():
            connection.dec_thread_sharing()


def _wait(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain for {what}")
        time.sleep(0.02)


@needs_postgresql
@pytest.mark.parametrize("live_transport", ["table", "redis"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_an_alert_takes_over_a_display_and_a_tv_within_two_seconds(
    world, display, box, shelter, six, browser_context, live_server, live_transport, settings
):
    """Issued in another connection than the server's, the alert reaches the open pages
    through the live mechanism (their fallback poll is 30 s away), and its
    cancellation ends the takeover the same way."""
    settings.LINLI_LIVE_HEARTBEAT = 1  # a closed page's stream ends within a second
    pages, contexts = {}, []
    for name, token, path, size in (
        ("screen", display[1], "/screen/", (1920, 1080)),
        ("tv", box[1], "/tv/801/", (1280, 720)),
    ):
        context = browser_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        signed_in(context, live_server.url, token)
        page = context.new_page()
        page.goto(path)
        pages[name] = page
    _wait(lambda: len(live.hub) == 2, "the pages' streams")
    started = time.monotonic()
    alert = storm(world, shelter)
    for page in pages.values():
        page.get_by_test_id("takeover").wait_for(timeout=2000)
    elapsed = time.monotonic() - started
    print(f"takeover after {elapsed:.2f} s")
    assert elapsed < 2, elapsed
    for page in pages.values():
        takeover = page.get_by_test_id("takeover").inner_text()
        assert "车站社区暴雨黄色预警" in takeover and "车站广场避难场所" in takeover
    tv = pages["tv"]
    navigated = []
    tv.on("framenavigated", lambda frame: navigated.append(frame.url))
    tv.keyboard.press("Backspace")  # the remote is held while the alert lasts
    tv.keyboard.press("3")
    time.sleep(0.5)  # what a key would have done has had time to begin
    assert navigated == [] and tv.url.endswith("/tv/801/"), navigated
    alert_cancel(alert=alert, note="雨停了", by=None)
    for page in pages.values():
        page.get_by_test_id("takeover").wait_for(state="detached", timeout=2000)
    assert pages["screen"].locator(".slide").count() == 2  # its playlist again
    for context in contexts:
        context.close()
    _wait(lambda: len(live.hub) == 0, "the pages' streams to end")


@needs_postgresql
@pytest.mark.parametrize("live_transport", ["table"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_a_notice_reaches_an_open_display_and_tv_channel_within_two_seconds(
    world, display, box, playlist, six, browser_context, live_server, live_transport, settings
):
    """Published in another connection than the server's, a notice for 车站社区 shows
    on its open display and TV channel page through the notices' domain event and the
    live channel (their fallback poll is 30 s away); withdrawn, it goes the same way.
    The TV keeps its focus on the list."""
    from linli.notices.services import notice_withdraw
    from linli.screens.tests.conftest import published

    settings.LINLI_LIVE_HEARTBEAT = 1
    services.item_add(playlist=playlist, kind="notices", duration=5, title="社区通知", by=None)
    pages, contexts = {}, []
    for name, token, path, size in (
        ("screen", display[1], "/screen/", (1920, 1080)),
        ("tv", box[1], "/tv/360/", (1280, 720)),
    ):
        context = browser_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        signed_in(context, live_server.url, token)
        page = context.new_page()
        page.goto(path)
        pages[name] = page
    tv = pages["tv"]
    tv.get_by_test_id("no-items").wait_for()
    _wait(lambda: len(live.hub) == 2, "the pages' streams")
    started = time.monotonic()
    notice = published(world, title="明日停水通知")
    pages["screen"].locator(".slide", has_text="明日停水通知").wait_for(
        state="attached", timeout=2000
    )
    tv.get_by_test_id("items").get_by_text("明日停水通知").wait_for(timeout=2000)
    elapsed = time.monotonic() - started
    print(f"notice shown after {elapsed:.2f} s")
    assert elapsed < 2, elapsed
    assert focus_ring(tv)["text"] == "全部频道"  # where it was: the swap took nothing away
    tv.keyboard.press("ArrowLeft")
    assert "明日停水通知" in focus_ring(tv)["text"]
    tv.keyboard.press("Enter")
    tv.wait_for_url(f"**/tv/360/{notice.pk}/")
    tv.keyboard.press("Backspace")
    tv.wait_for_url("**/tv/360/")

    notice_withdraw(notice=notice, note="时间有变", by=world.subdistrict_admin)
    tv.get_by_test_id("no-items").wait_for(timeout=2000)
    pages["screen"].wait_for_function(
        "() => !document.getElementById('content').textContent.includes('明日停水通知')",
        timeout=2000,
    )
    assert focus_ring(tv)["text"] == "全部频道"  # its notice gone, the focus is not lost
    for context in contexts:
        context.close()
    _wait(lambda: len(live.hub) == 0, "the pages' streams to end")


@pytest.mark.postgresql(reason="sessions are PostgreSQL's (pg_stat_activity)")
@pytest.mark.django_db(transaction=True)
def test_no_database_session_is_left_behind_by_the_browser_test():
    """Run after the browser tests above (transactional tests run last, in file order):
    no other session holds the test database, else it cannot be dropped at the end
    ("being accessed by other users"). `browser_context` closes the connection the
    test's queries opened inside Playwright's block."""

    def others() -> list[tuple]:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, left(query, 80) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchall()

    deadline = time.monotonic() + 5  # the live server's request threads end with the browser
    while others() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert others() == []
