"""In a real browser: a district admin edits a matter in the catalogue editor at desk
and phone width — a wrong value comes back named on its row, a right one is saved and
shows on the public guide. Screenshots of each page are left in the test's tmp_path."""

import pytest

from linli.testing.browser import axe_violations, sign_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.mark.django_db(transaction=True)
def test_the_catalogue_editor_at_desk_and_phone_width(
    world, matters, browser_context, live_server, tmp_path
):
    errors = []
    for size, name in ((DESK, "1366"), (PHONE, "390")):
        page = browser_context(**size).new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.goto("/hall/matters/")
        sign_in(page, "district")
        page.get_by_test_id("matters").filter(has_text="临时救助").wait_for()
        page.screenshot(path=tmp_path / f"catalogue-{name}.png", full_page=True)
        page.get_by_role("link", name="临时救助").click()
        page.get_by_test_id("matter-form").wait_for()
        page.screenshot(path=tmp_path / f"matter-edit-{name}.png", full_page=True)
        assert not axe_violations(page)
        step = page.get_by_test_id("steps").get_by_label("阶段").first
        step.fill("3")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("阶段请按 1、2、3").wait_for()
        page.screenshot(path=tmp_path / f"matter-error-{name}.png", full_page=True)
        page.get_by_test_id("steps").get_by_label("阶段").first.fill("1")
        page.get_by_label("事项简介").fill(f"遭遇急难的家庭可申请临时救助({name})。")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已保存").wait_for()
        page.goto("/matters/temporary-assistance/")
        page.get_by_text(f"遭遇急难的家庭可申请临时救助({name})").wait_for()
    assert not errors
