"""In a real browser: a community worker searches her residents with the search
form as it is, every field sent (issue 12: the empty label "—" emptied the list).

Drives Debian's `chromium` through Playwright; skipped without it unless
LINLI_REQUIRE_BROWSER=1 (CI).
"""

import pytest

from linli.registry.choices import Relation
from linli.testing.browser import sign_in
from linli.testing.registry import aged, move_in, place

pytestmark = pytest.mark.browser


# `world` and the residents before the browser: data made inside Playwright's event
# loop would use a database connection of that loop's context.
@pytest.mark.django_db(transaction=True)
def test_the_search_form_finds_residents_by_name(world, browser_context):
    home = place(world.a1)
    move_in(home.household, name="周建华", born=aged(70))
    move_in(home.household, name="周小雨", born=aged(8), relation=Relation.CHILD)
    move_in(home.household, name="李秀英", born=aged(66), relation=Relation.SPOUSE)
    move_in(place(world.b1).household, name="周芳", born=aged(40))  # community B
    page = browser_context().new_page()
    page.goto("/registry/")
    sign_in(page, "worker.a")

    page.fill("#f-q", "周")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/registry/?*")

    names = page.locator("[data-testid=residents] tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == ["周小雨", "周建华"]
    assert "2 名居民" in page.content()
    assert page.input_value("#f-q") == "周"

    # The export link takes the same filter: not empty, not the whole community.
    href = page.get_by_test_id("ledger-export-link").get_attribute("href")
    assert "q=%E5%91%A8" in href

    # An empty search shows everyone of hers, and no one of B.
    page.fill("#f-q", "")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/registry/?*")
    names = page.locator("[data-testid=residents] tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == ["周小雨", "周建华", "李秀英"]
