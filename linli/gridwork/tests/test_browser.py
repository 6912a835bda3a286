"""In a real browser with a (simulated) GPS: a grid worker starts a patrol, the page
records her position through the API, she checks in at the checkpoint she stands
at, and the map shows her grid, the checkpoint and her trajectory."""

from decimal import Decimal

import pytest

from linli.gridwork import services
from linli.gridwork.models import CheckIn, Patrol, PatrolPoint
from linli.testing.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_patrols_with_her_phones_position(world, grid, browser_context):
    services.checkpoint_create(
        grid=grid,
        name="车站北门",
        longitude=Decimal("117.870000"),
        latitude=Decimal("36.800000"),
        by=world.worker_a,
    )
    context = browser_context(
        geolocation={"longitude": 117.87012, "latitude": 36.80005, "accuracy": 8},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/grid/")
    sign_in(page, "grid.a1")

    start = page.locator("[data-testid=patrol-start]")
    start.get_by_role("button").click()
    assert "/grid/patrols/" in page.url

    # The page sends the first fix at once; the answer tells the distance walked so far.
    page.locator("#tracking-status").filter(has_text="已记录位置").wait_for()
    assert page.locator("[data-testid=distance]").inner_text().startswith("已走")  # one figure
    patrol = Patrol.objects.get()
    assert PatrolPoint.objects.filter(patrol=patrol).exists()
    # The map drew the grid and the checkpoint (Leaflet's SVG paths).
    assert page.locator(".leaflet-container path.leaflet-interactive").count() >= 2

    page.get_by_role("button", name="在此打卡").click()
    assert "已在车站北门打卡" in page.locator(".alert-success").inner_text()
    check_in = CheckIn.objects.get()
    assert check_in.method == "geofence" and check_in.distance == 12
    assert "车站北门" in page.locator("[data-testid=check-ins]").inner_text()

    page.get_by_role("button", name="结束巡查").click()
    patrol.refresh_from_db()
    assert patrol.ended_at is not None
    assert page.locator("[data-testid=patrol-controls]").count() == 0
    assert errors == []
