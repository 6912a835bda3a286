"""In a real browser: a resident without an account reports a problem on the public
page — a texted code, a pin on the map — and lands on its tracking page; a
community worker sees her community's cases on the case map."""

import logging
import re
from decimal import Decimal

import pytest

from linli.cases import services
from linli.cases.choices import Source
from linli.cases.models import Case, Category
from linli.regions.services import grid_update
from linli.testing.browser import sign_in
from linli.testing.shapes import SQUARE

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_resident_reports_with_a_code_and_a_pin(world, browser_context, caplog):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/report/")

    with caplog.at_level(logging.WARNING, logger="linli.core.sms"):
        page.fill("#id_phone", "13905338888")
        page.get_by_role("button", name="获取验证码").click()
        page.locator(".alert-success").filter(has_text="139****8888").wait_for()
    code = re.search(r"验证码为 (\d{6})", caplog.text).group(1)
    assert page.input_value("#id_phone") == "13905338888"  # kept for the next step

    page.fill("#id_code", code)
    page.select_option("#id_category", label="市容环境 · 暴露垃圾")
    page.fill("#id_description", "正阳路58号东门外垃圾堆积三天")
    page.locator("#map.leaflet-container").wait_for()  # the map's script has run
    page.locator("#map").click()  # the pin: the middle of the grid, in the district
    page.locator("#pin-status").filter(has_text="已标注").wait_for()
    page.get_by_role("button", name="提交上报").click()

    case = Case.objects.get()
    assert page.url.endswith(f"/report/{case.code}/")
    assert case.code in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=stage]").inner_text() == "已上报"
    assert case.region_id == world.a1.pk and errors == []


@pytest.mark.django_db(transaction=True)
def test_the_case_map_shows_the_cases_of_the_workers_community(world, browser_context):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    grid_update(grid=world.b1, boundary=SQUARE, by=None)
    mine = report_at(world.a1, "117.870000")
    report_at(world.b1, "117.875000")  # next door: not for her
    page = browser_context().new_page()
    page.goto("/cases/map/")
    sign_in(page, "worker.a")

    markers = page.locator(".leaflet-container path.leaflet-interactive")
    markers.nth(1).wait_for()
    assert markers.count() == 2  # her grid's outline and her one case
    assert "地图上 1 个案件" in page.locator("[data-testid=map-count]").inner_text()
    markers.nth(1).click(force=True)
    popup = page.locator(".leaflet-popup-content")
    assert mine.code in popup.inner_text() and "暴露垃圾" in popup.inner_text()


def report_at(grid, longitude: str) -> Case:
    return services.case_report(
        category=Category.objects.get(code="exposed-garbage"),
        description="垃圾堆积",
        source=Source.HOTLINE,
        region=grid,
        longitude=Decimal(longitude),
        latitude=Decimal("36.800000"),
        by=None,
    )


@pytest.mark.django_db(transaction=True)
def test_the_kpi_dashboard_draws_its_charts(world, browser_context):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    report_at(world.a1, "117.870000")
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/indicators/")
    sign_in(page, "worker.a")
    page.locator("#chart-ranking canvas").wait_for()
    page.locator("#chart-days canvas").wait_for()
    assert errors == []
