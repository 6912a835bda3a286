"""In Chromium, at a desk's width and a phone's: an assessor fills in the whole GB/T
42195 form on one page (every answer a large target, the running total shown), the
result page shows the level and the rule applied, the second assessor confirms, and
the printable report. Chinese only, no script error, axe clean, nothing wider than
the screen. Screenshots go to $LINLI_SHOTS when it is set."""

import os
import re

import pytest
from playwright.sync_api import expect

from linli.assessment.models import Assessment
from linli.testing.browser import axe_violations, sign_in, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
ALLOWED = {"Linli", "admin", "district", "sichoulu"}  # the test world's usernames


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    english = set(ENGLISH.findall(page.locator("main").inner_text())) - ALLOWED
    assert not english, f"{name}: {english}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("width", [1366, 390])
def test_assess_confirm_and_print(world, elder, second_a, browser_context, width):
    context = browser_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"/assessment/new/{elder.pk}/")
    sign_in(page, "worker.a")
    page.get_by_test_id("assessment-form").wait_for()
    assert axe_violations(page) == []
    assert small_targets(page, ".options input[type=radio]") == []
    items = page.locator("[role=radiogroup]")
    assert items.count() == 26
    for n in range(26):  # the best answer everywhere…
        items.nth(n).locator("label").first.click()
    items.nth(0).locator("label").nth(2).click()  # …but 进食 2 of 4: 88 in all
    expect(page.locator("[data-total]")).to_have_text("88")
    page.select_option("#id_reason", "first")
    page.fill("#id_place", "老人家中")
    page.select_option("#id_second_assessor", str(second_a.pk))
    page.check("input[name=factors][value=dementia]")
    _look(page, "assessment-form", width)
    with page.expect_navigation():
        page.click("button[type=submit].btn-lg")
    expect(page.get_by_test_id("final-level")).to_have_text("中度失能")
    assert "88 / 90" in page.get_by_test_id("total").inner_text()
    assert "提高一个等级" in page.get_by_test_id("overrides").inner_text()
    assert axe_violations(page) == []
    _look(page, "assessment-result", width)

    assessment = Assessment.objects.get()
    confirmer = browser_context(viewport={"width": width, "height": 900}).new_page()
    confirmer.on("pageerror", lambda error: errors.append(error))
    confirmer.goto(f"/assessment/{assessment.pk}/")
    sign_in(confirmer, "worker.a2")
    with confirmer.expect_navigation():
        confirmer.get_by_test_id("confirm").click()
    expect(confirmer.get_by_test_id("state")).to_have_text("已确认")
    confirmer.get_by_test_id("report-link").click()
    confirmer.get_by_test_id("report").wait_for()
    _look(confirmer, "assessment-report", width)
    assert not errors
