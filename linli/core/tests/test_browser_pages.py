"""In a real browser at phone width (390×844) and for accessibility: every list is a
stack of cards with no text squeezed to a character a line; the resident's pages pass
axe-core (no serious or critical issue) and have controls at least 44 px high."""

import pytest

from linli.cases.choices import Source, Stage
from linli.gridwork.services import patrol_start, visit_record
from linli.regions.services import grid_update
from linli.testing.browser import axe_violations, narrow_cells, sign_in, small_targets
from linli.testing.cases import report, through
from linli.testing.registry import move_in, place
from linli.testing.shapes import SQUARE

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}}
LISTS = ["/cases/?box=all", "/registry/freshness/", "/registry/", "/grid/patrols/", "/grid/visits/"]


@pytest.mark.django_db(transaction=True)
def test_lists_are_cards_on_a_phone(world, browser_context):
    for _n in range(3):
        through(report(world), world, Stage.DISPATCHED)
    household = place(world.a1).household
    move_in(household, name="欧阳建国")
    visit_record(household=household, by=world.grid_worker_a1, purpose="routine", notes="一切正常")
    patrol_start(grid=world.a1, by=world.grid_worker_a1)
    page = browser_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    sign_in(page, "worker.a")

    for url in LISTS:
        page.goto(url)
        rows = page.locator("table.table-cards tbody tr")
        assert rows.count() >= 1, url
        assert rows.first.evaluate("r => getComputedStyle(r).display") == "block", url
        assert page.locator("table.table-cards thead").is_hidden(), url
        assert narrow_cells(page, "table.table-cards") == [], url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, "the page scrolls sideways")


@pytest.fixture
def closed_report(world):
    """A resident's report, closed: its tracking page asks for her rating."""
    case = report(world, by=world.resident_a, source=Source.RESIDENT)
    return through(case, world, Stage.CLOSED)


@pytest.mark.django_db(transaction=True)
def test_the_residents_pages_pass_axe_and_are_easy_to_tap(world, closed_report, browser_context):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    page = browser_context(**PHONE).new_page()
    page.goto("/report/")
    assert axe_violations(page) == [], "/report/ without an account"
    page.goto("/accounts/login/")
    sign_in(page, "resident.a")

    for url in ["/", "/report/", f"/report/{closed_report.code}/", "/report/mine/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert axe_violations(page) == [], url
        controls = "main input:not([type=hidden]), main select, main textarea, main .btn"
        assert small_targets(page, controls) == [], url
    page.goto(f"/report/{closed_report.code}/")
    assert page.locator("[data-testid=rate-form] .rating label").count() == 5
