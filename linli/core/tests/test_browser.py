"""In a real browser: a community worker signs in, drills down to a grid, and
cannot open a sibling community's page.

Drives Debian's `chromium` through Playwright. Without Chromium on PATH the test
is skipped, except where LINLI_REQUIRE_BROWSER=1 (CI), where it fails.
"""

import pytest

from linli.testing.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


# `world` before `page`: data made inside Playwright's event loop would use a
# database connection of that loop's context, left open after the test.
@pytest.mark.django_db(transaction=True)
def test_a_community_worker_drills_down_to_a_grid_but_not_next_door(world, page):
    page.goto("/")
    assert "/accounts/login/" in page.url
    sign_in(page, "13805330004")  # 张丽 signs in with her phone number

    # Home: her role at her community; open it.
    page.get_by_role("link", name="车站社区居委会").click()
    assert page.locator("h1").inner_text() == "车站社区居委会"
    breadcrumb = page.locator(".breadcrumb")
    assert "丝绸路街道" in breadcrumb.inner_text()
    assert breadcrumb.get_by_role("link", name="丝绸路街道").count() == 0  # above her scope

    # Drill down to her grid.
    page.locator("[data-testid=children]").get_by_role("link", name="车站第一网格").click()
    assert page.locator("h1").inner_text() == "车站第一网格"
    assert world.a1.code in page.content()

    # The sibling community's page does not exist for her.
    response = page.goto(f"/regions/{world.b.code}/")
    assert response.status == 404
    assert "市南社区居委会" not in page.content()
    assert "404" in page.locator("h1").inner_text()
