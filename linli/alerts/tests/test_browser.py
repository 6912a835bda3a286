"""In a real browser, under the strict Content-Security-Policy: a subdistrict admin
writes an alert, drawing two polygons and a circle on the map and ticking a shelter,
saves the draft and issues it; the alert's page draws them and the shelter."""

import pytest

from linli.alerts.choices import State
from linli.alerts.models import Alert
from linli.testing.browser import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_alert_is_drawn_on_the_map_and_issued(world, shelter, browser_context):
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/alerts/new/")
    sign_in(page, "sichoulu")
    page.select_option("#id_region", world.a.code)
    page.fill("#id_event", "暴雨黄色预警")
    page.fill("#id_headline", "车站社区暴雨黄色预警")
    page.fill("#id_description", "预计6小时内降雨量将达50毫米以上。")
    page.fill("#id_expires", "2099-12-31T08:00")
    page.locator("#alert-map.leaflet-container").wait_for()
    page.locator("#alert-map").scroll_into_view_if_needed()
    status = page.locator("#polygon-status")

    def tap(dx, dy):
        box = page.locator("#alert-map").bounding_box()  # buttons above may have scrolled
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)

    for n, (dx, dy) in enumerate(((0.2, 0.2), (0.45, 0.2), (0.45, 0.45), (0.2, 0.45)), start=1):
        tap(dx, dy)
        status.filter(has_text=f"有 {n} 个顶点").wait_for()
    assert status.inner_text() == "1 个多边形、0 个圆；正在画的多边形有 4 个顶点。"
    page.get_by_role("button", name="另一个多边形").click()
    for n, (dx, dy) in enumerate(((0.6, 0.6), (0.9, 0.6), (0.9, 0.9)), start=1):
        tap(dx, dy)
        status.filter(has_text=f"有 {n} 个顶点").wait_for()
    assert status.inner_text() == "2 个多边形、0 个圆；正在画的多边形有 3 个顶点。"
    circle = page.get_by_role("button", name="圆", exact=True)
    circle.click()
    assert circle.get_attribute("aria-pressed") == "true"
    page.fill("#circle-radius", "0.5")
    tap(0.7, 0.2)
    status.filter(has_text="1 个圆").wait_for()
    page.get_by_label("车站广场避难场所", exact=False).check()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="发布预警").click()
    page.locator(".alert-success").wait_for()
    alert = Alert.objects.get()
    assert alert.state == State.ISSUED
    assert alert.polygon["type"] == "MultiPolygon"
    first, second = (rings[0] for rings in alert.polygon["coordinates"])
    assert len(first) == 5 and first[0] == first[-1] and len(second) == 4
    [circle_saved] = alert.circles
    assert circle_saved["radius_km"] == 0.5
    assert alert.covers(circle_saved["longitude"], circle_saved["latitude"])
    assert [p.name for p in alert.places.all()] == ["车站广场避难场所"]
    # the two polygons, the circle and the shelter drawn on the alert's page
    assert page.locator("#alert-map path.leaflet-interactive").count() == 4
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_the_public_alert_page_passes_axe_on_a_phone(world, issued, browser_context):
    """Anyone's page of an alert (no sign-in), on a 390 px phone: axe-core finds no
    serious or critical violation, and nothing scrolls sideways."""
    page = browser_context(viewport={"width": 390, "height": 844}).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"/cap/alerts/{issued.pk}/")
    page.get_by_role("heading", level=1).wait_for()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_place_is_registered_with_a_tap_on_the_map(world, browser_context):
    from linli.alerts.models import Place

    page = browser_context(viewport={"width": 390, "height": 844}).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/alerts/places/new/")
    sign_in(page, "sichoulu")
    page.select_option("#id_region", world.a.code)
    page.fill("#id_name", "车站小学避难场所")
    page.fill("#id_address", "车站街2号")
    page.fill("#id_capacity", "600")
    page.locator("#map.leaflet-container").wait_for()
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_longitude") and page.input_value("#id_latitude")
    assert axe_violations(page) == []
    page.click("[data-testid=place-form] button[type=submit]")
    page.get_by_text("车站小学避难场所 已登记。").wait_for()
    place = Place.objects.get(name="车站小学避难场所")
    assert place.region == world.a and 117 < place.longitude < 119
    assert errors == []
