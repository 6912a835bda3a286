"""Driving Debian's Chromium through Playwright (the `browser_context` fixture in
linli/conftest.py)."""

import shutil

from linli.testing.world import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def sign_in(page, username: str) -> None:
    """On the login page the browser was sent to: sign in with the test password, and
    wait for the next page to load (its stylesheets too: a test that measures the page
    must not measure it unstyled, as a loaded machine can show it for a moment)."""
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")


AXE = "/static/vendor/axe-core-4.14.1/axe.min.js"  # vendored (static/vendor/README.md)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """What axe-core finds on the page as it is, of these impacts: rule, impact, help
    and the first elements at fault."""
    page.add_script_tag(url=AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
          .map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )
    return [v for v in found if v["impact"] in impacts]


def narrow_cells(page, selector: str, min_chars: int = 3) -> list[str]:
    """The texts in `selector` wrapped narrower than `min_chars` characters a line (a
    table squeezed on a phone breaks words one character a line): measured in the DOM,
    each text's widest line against its font size."""
    return page.evaluate(
        """([selector, minChars]) => {
          const found = [];
          for (const root of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const text = node.textContent.trim();
              if (text.length < minChars || !node.parentElement.offsetParent) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              const lines = [...range.getClientRects()].filter(r => r.width > 0);
              const widest = Math.max(...lines.map(r => r.width));
              const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
              if (lines.length > 1 && widest < minChars * size * 0.9) found.push(text);
            }
          }
          return found;
        }""",
        [selector, min_chars],
    )


def small_targets(page, selector: str, least: int = 44) -> list[str]:
    """The visible controls in `selector` less than `least` px high (a radio counts
    by its label)."""
    return page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
          .map(e => ["radio", "checkbox"].includes(e.type) && e.labels.length ? e.labels[0] : e)
          .filter(e => e.offsetParent && e.getBoundingClientRect().height < least)
          .map(e => e.outerHTML.slice(0, 80))""",
        [selector, least],
    )
