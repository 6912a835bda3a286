"""Driving Debian's Chromium through Playwright (the `browser_context` fixture in
linli/conftest.py)."""

import shutil

from linli.testing.world import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def sign_in(page, username: str) -> None:
    """On the login page the browser was sent to: sign in with the test password."""
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
