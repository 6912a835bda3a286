"""In Chromium: the kiosk by touch (a ticket printed), the window's console by keyboard
alone (N, R, F), and the call screen saying each new call through the browser's speech
synthesis (recorded by a stand-in, since a headless browser has no voice)."""

import pytest
from playwright.sync_api import expect

from linli.testing.browser import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What was printed and said is written into the page, where locators wait for it (the
# pages' CSP forbids the evaluated predicates of wait_for_function).
STAND_INS = """
window.print = function () {
  document.body.dataset.printed = String(Number(document.body.dataset.printed || 0) + 1);
};
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", {
  value: {
    speak: function (u) {
      var said = document.createElement("i");
      said.setAttribute("data-said", u.text);
      said.hidden = true;
      document.body.appendChild(said);
    },
    cancel: function () {},
  },
});
"""


def said(page, count):
    expect(page.locator("[data-said]")).to_have_count(count, timeout=15000)
    return [e.get_attribute("data-said") for e in page.locator("[data-said]").all()]


def test_kiosk_caller_and_call_screen(world, hall, browser_context):
    context = browser_context(viewport={"width": 1366, "height": 900}, has_touch=True)
    context.add_init_script(STAND_INS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    centre, window = hall.centre, hall.windows[0]

    page.goto(f"/appointments/centres/{centre.pk}/kiosk/")
    sign_in(page, "worker.a")
    page.get_by_text("取号：请点选您要办理的业务").wait_for()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.tap("[data-testid=queue-A]")
    assert page.text_content("[data-testid=ticket-number]") == "A001"
    expect(page.locator("body")).to_have_attribute("data-printed", "1")
    with page.expect_navigation():
        page.tap("[data-testid=back]")
    with page.expect_navigation():
        page.tap("[data-testid=queue-A]")
    assert page.text_content("[data-testid=ticket-number]") == "A002"

    screen = context.new_page()
    screen.on("pageerror", lambda error: errors.append(error))
    screen.goto(f"/appointments/centres/{centre.pk}/screen/")
    screen.get_by_text("尚未叫号。").wait_for()
    screen.click("[data-action=enable-voice]")  # browsers speak after a gesture

    caller = context.new_page()
    caller.goto(f"/appointments/windows/{window.pk}/")
    assert caller.text_content("[data-testid=current]").strip() == "—"
    with caller.expect_navigation():
        caller.keyboard.press("n")
    assert caller.text_content("[data-testid=current]") == "A001"
    assert said(screen, 1) == ["请 A001 号到 1 号窗口"]
    assert "A001" in screen.text_content("[data-testid=calls]")

    with caller.expect_navigation():
        caller.keyboard.press("r")
    assert "已呼叫 2 次" in caller.text_content("#console")
    assert said(screen, 2)[1] == "请 A001 号到 1 号窗口"  # called again
    with caller.expect_navigation():
        caller.keyboard.press("f")
    assert "A001 号已办结。" in caller.text_content("main")
    with caller.expect_navigation():
        caller.keyboard.press("n")
    assert caller.text_content("[data-testid=current]") == "A002"
    assert said(screen, 3)[2] == "请 A002 号到 1 号窗口"
    assert axe_violations(caller) == []
    assert errors == []
