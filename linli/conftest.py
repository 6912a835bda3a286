"""Fixtures every test may use: the `world` (linli/testing/world.py), media and
password hashing set up for tests, English messages, a browser."""

import os
import threading

import pytest
from django.core.cache import cache
from django.utils import translation

from linli.testing.browser import CHROMIUM, CHROMIUM_FLAGS
from linli.testing.world import World, build_world


def pytest_collection_modifyitems(items):
    """Tests marked `postgresql(reason=…)` are skipped, with their reason, on another
    database."""
    from django.db import connections

    if connections["default"].vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgresql")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=marker.kwargs["reason"]))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files (case photos) go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_language(settings):
    """Each test starts in the default language: a request activates its own in the
    test's thread and it would stay for the tests after it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (it outlives the test's database)."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def live_hub_stopped():
    """The live hub's listening thread stopped after each test (a page's stream starts
    it): left running, it polls a test database that is gone ("no such table" on
    SQLite, once a second, for the rest of the run)."""
    yield
    from linli.core import live

    live.hub.stop()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["linli.testing.world.FastArgon2PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def english():
    """Service messages in English (the default language is zh-hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def browser_context(live_server):
    """A new browser context on the live server (keyword arguments: Playwright's
    `new_context`, e.g. geolocation) in Debian's `chromium`. Without Chromium on
    PATH the test is skipped, except where LINLI_REQUIRE_BROWSER=1 (CI): it fails."""
    if CHROMIUM is None:
        if os.environ.get("LINLI_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (LINLI_REQUIRE_BROWSER=1) but not on PATH")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    _one_request_at_a_time_on_sqlite(live_server)

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)

        def new_context(**kwargs):
            context = browser.new_context(locale="zh-CN", base_url=live_server.url, **kwargs)
            context.set_default_timeout(15_000)
            return context

        yield new_context
        browser.close()
        _close_database_connections()


def _one_request_at_a_time_on_sqlite(live_server) -> None:
    """On SQLite the live server's request threads share the test database's one
    in-memory connection: a page's htmx requests fired together on load (its panels,
    the notifications badge) raced on it ("bad parameter or other API misuse", a 500
    swapped into the page: a CI run and 2 local runs in 9 failed so). Here they are
    answered one at a time, their bodies read inside the lock. The live stream holds
    its request open: only its start (session, user, scope) is inside the lock, its
    events are read outside; its long-poll form waits inside the view, so it is left
    out (a transport polling the database needs PostgreSQL)."""
    from django.db import connection

    from linli.core import live

    httpd = live_server.thread.httpd
    if connection.vendor != "sqlite" or getattr(httpd, "linli_serial", False):
        return
    app, lock = httpd.get_app(), threading.Lock()

    def serial(environ, start_response):
        if environ.get("PATH_INFO") == live.PATH and "poll=1" in environ.get("QUERY_STRING", ""):
            return app(environ, start_response)  # a long-poll waits inside: not held
        with lock:
            response = app(environ, start_response)
            if environ.get("PATH_INFO") == live.PATH:
                return response  # its queries are done; its events come without any
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    httpd.set_app(serial)
    httpd.linli_serial = True


def _close_database_connections():
    """The connection the test's own queries opened, closed while still inside
    `sync_playwright()`. Django keeps connections per context (asgiref's `Local`) and
    Playwright's sync API runs on greenlets: that connection is not the one
    pytest-django closes at the end of the session. Left open (pg_stat_activity shows
    it idle after the test's last query, the live server stopped), PostgreSQL refuses
    to drop the test database: "being accessed by other users"."""
    from django.db import connections

    connections.close_all()


from linli.testing.live import live_transport, redis_url  # noqa: E402, F401 — fixtures
