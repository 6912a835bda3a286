"""In a real browser, at a desk's width and a phone's: a resident's 我的证照 and the
public verification page of a valid and of a revoked certificate, a worker's list
and certificate page: Chinese only, no script error, nothing wider than the screen.
Screenshots go to $LINLI_SHOTS when it is set."""

import os
import re

import pytest

from linli.certificates.choices import NUMBER_ALPHABET, NUMBER_LENGTH
from linli.certificates.pdf import verify_path
from linli.certificates.services import certificate_revoke
from linli.certificates.tests.conftest import residence
from linli.testing.browser import sign_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
NUMBER = re.compile(rf"\b[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}\b")
ALLOWED = {"Linli", "Ed25519", "Ed25519）"}


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    # A certificate's number is random base32 and may hold a run of letters.
    text = NUMBER.sub("", page.locator("main").inner_text())
    english = set(ENGLISH.findall(text)) - ALLOWED
    assert not english, f"{name}: {english}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_certificate_pages_in_a_browser(world, holder, browser_context, width):
    valid = residence(holder, reference="SQ-2026-0042")
    revoked = residence(holder)
    certificate_revoke(certificate=revoked, reason="居住信息有误，已重新开具", by=None)
    context = browser_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    page.goto(verify_path(valid))
    assert page.locator("[data-testid=verdict]").get_attribute("data-verdict") == "valid"
    _look(page, "verify-valid", width)
    page.goto(verify_path(revoked))
    assert "居住信息有误" in page.locator("[data-testid=verdict]").inner_text()
    _look(page, "verify-revoked", width)
    page.goto(f"/c/{valid.number}/{revoked.signature}")
    assert page.locator("[data-testid=verdict]").get_attribute("data-verdict") == "forged"
    _look(page, "verify-forged", width)

    page.goto("/certificates/mine/")
    sign_in(page, "zhang")
    assert page.locator("[data-testid=certificate]").count() == 2
    _look(page, "mine", width)
    with page.expect_download() as download:
        page.locator("[data-testid=certificate]").first.get_by_role("link").click()
    assert download.value.suggested_filename.endswith(".pdf")

    context.clear_cookies()
    page.goto("/certificates/")
    sign_in(page, "worker.a")
    assert page.locator("[data-testid=certificates] tbody tr").count() == 2
    _look(page, "list", width)
    page.goto(f"/certificates/{valid.pk}/")
    _look(page, "detail", width)
    assert not errors
