"""In a real browser, at a desk's width and a phone's: the grants list, a grant with
its lapse warning, the 应享未享 report, the grant kinds, the veterans' station and a
re-verification: Chinese only, no script error, nothing wider than the screen.
Screenshots go to $LINLI_SHOTS when it is set."""

import os
import re
from decimal import Decimal

import pytest

from linli.entitlements import services
from linli.entitlements.choices import VeteranRecordKind
from linli.registry.services import resident_set_labels
from linli.testing.browser import sign_in
from linli.testing.entitlements import certificate, day, kinds, person, rules

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LINLI_SHOTS", "")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
ALLOWED = {"Linli", "Excel"}


def _look(page, name, width):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/entitlements-{name}-{width}.png", full_page=True)
    text = page.locator("main").inner_text()
    english = set(ENGLISH.findall(text)) - ALLOWED
    assert not english, f"{name}: {english}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, name


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_entitlement_pages_in_a_browser(world, browser_context, width):
    found = kinds()
    rules(world.district)
    old = person(world.a1, name="王秀英", age=86)
    person(world.a1, name="孙桂芝", age=92, number="102")
    disabled = person(world.a1, name="李建国", age=48, labels=["disabled", "dibao"], number="103")
    certificate(disabled, grade=1)
    poor = person(world.a1, name="赵大娘", age=66, labels=["tekun"], number="104")
    veteran = person(world.a1, name="刘卫国", age=74, labels=["veteran", "youfu"], number="105")
    services.grant_create(resident=old, kind=found["elderly-allowance"], by=None, reason="走访发现")
    services.grant_create(
        resident=disabled, kind=found["disability-living"], by=None, reason="申请"
    )
    relief = services.grant_create(
        resident=poor, kind=found["cable-tv-relief"], by=None, reason="凭证"
    )
    services.grant_create(resident=veteran, kind=found["veteran-care"], by=None, reason="优抚")
    resident_set_labels(resident=poor, codes=[], by=None)
    services.grants_check_lapses()
    services.veteran_record_add(
        resident=veteran, kind=VeteranRecordKind.VISIT_SPRING, on=day(-30), by=None
    )
    services.veteran_record_add(
        resident=veteran,
        kind=VeteranRecordKind.AID,
        on=day(-3),
        amount=Decimal("800"),
        note="住院治疗",
        by=None,
    )
    campaign = services.campaign_start(region=world.a, year=day(0).year, due_on=day(30), by=None)

    context = browser_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/entitlements/")
    sign_in(page, "worker.a")
    assert page.locator("[data-testid=grants] tbody tr").count() == 4
    _look(page, "grants", width)
    page.goto(f"/entitlements/grants/{relief.pk}/")
    assert page.locator("[data-testid=lapse-warning]").is_visible()
    _look(page, "grant", width)
    page.goto("/entitlements/unserved/?kind=elderly-allowance")
    assert "孙桂芝" in page.locator("[data-testid=unserved]").inner_text()
    _look(page, "unserved", width)
    page.goto(f"/entitlements/residents/{veteran.pk}/grant/")
    _look(page, "grant-form", width)
    page.goto("/entitlements/veterans/")
    _look(page, "veterans", width)
    page.goto(f"/entitlements/veterans/{veteran.pk}/")
    _look(page, "veteran", width)
    page.goto(f"/entitlements/campaigns/{campaign.pk}/")
    _look(page, "campaign", width)

    context.clear_cookies()
    page.goto("/entitlements/kinds/")
    sign_in(page, "district")
    _look(page, "kinds", width)
    page.goto(f"/entitlements/kinds/{found['disability-care'].pk}/")
    _look(page, "kind-form", width)
    assert not errors
