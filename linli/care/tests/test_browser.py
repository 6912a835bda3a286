"""In a real browser, at a desktop's 1366 px and a phone's 390 px: the elder page
(health data masked), the family's view, and the elder's home kiosk — big type, the
call button focused, arrows moving the focus, Enter pressing it. No script error, no
serious accessibility fault. Screenshots go to $LINLI_SCREENSHOTS if set."""

import os
from pathlib import Path

import pytest

from linli.care import services
from linli.devices.models import Alarm, AlarmType, DeviceProfile
from linli.devices.services import device_provision
from linli.registry.choices import Relation as HouseholdRelation
from linli.testing.browser import axe_violations, sign_in
from linli.testing.care import account_of, elder, profiled
from linli.testing.registry import aged, move_in, phone

pytestmark = pytest.mark.browser
WIDTHS = (1366, 390)


def _shot(page, tmp_path, name: str) -> None:
    folder = Path(os.environ.get("LINLI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def family(world):
    resident = profiled(
        elder(world.a1, phone=phone(60)), conditions="高血压；2型糖尿病", allergies="青霉素"
    )
    daughter = move_in(
        resident.household,
        name="李娜",
        born=aged(45),
        sex="female",
        relation=HouseholdRelation.CHILD,
        phone=phone(61),
    )
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(61), by=None
    )
    services.contact_add(
        resident=resident, name="赵桂芝", relation="neighbour", phone="0533-6123456", by=None
    )
    services.consent_give(resident=resident, family=daughter, relation="daughter", by=None)
    return resident, account_of(resident, "wang.xiuying"), account_of(daughter, "li.na")


@pytest.mark.django_db(transaction=True)
def test_the_elder_page_and_the_family_view(world, family, browser_context, tmp_path):
    resident, _elder_account, daughter = family
    Alarm.objects.create(
        device=_button(resident),
        alarm_type=AlarmType.objects.get(code="elder-service"),
        severity="minor",
        started_at="2026-12-01T08:00:00Z",
        last_at="2026-12-01T08:00:00Z",
    )
    for width in WIDTHS:
        context = browser_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)  # (a loaded machine: the first page of a live server)
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(error))
        page.goto(f"/care/elders/{resident.pk}/")
        sign_in(page, "worker.a")
        page.get_by_test_id("elder-card").wait_for()
        shown = page.inner_text("main")
        assert "独居" in shown and "139****0061" in shown and "高血压" not in shown
        assert axe_violations(page) == []
        _shot(page, tmp_path, f"care-elder-{width}")
        page.context.clear_cookies()
        page.goto("/care/family/")
        sign_in(page, daughter.username)
        page.get_by_role("link", name=resident.name).click()
        page.get_by_test_id("family-alarms").wait_for()
        assert "老人服务请求" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, tmp_path, f"care-family-{width}")
        assert errors == []
        context.close()


def _button(resident):
    return device_provision(
        grid=resident.grid,
        profile=DeviceProfile.objects.get(code="call-button"),
        key="CB-7301",
        name="7号楼1-301一键呼叫器",
        house=resident.household.house,
        by=None,
    )[0]


@pytest.mark.django_db(transaction=True)
def test_the_kiosk_reads_at_arms_length_and_calls_with_enter(
    world, family, browser_context, tmp_path
):
    _resident, elder_account, _daughter = family
    for width in WIDTHS:
        context = browser_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.set_default_timeout(60_000)  # (a loaded machine: the first page of a live server)
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(error))
        page.goto("/care/home/")
        sign_in(page, elder_account.username)
        call = page.get_by_test_id("call")
        call.wait_for()
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.call')).fontSize)"
        )
        height = call.bounding_box()["height"]
        assert size >= 36 and height >= 90, (size, height)
        assert page.evaluate("document.activeElement.dataset.testid") == "call"
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= 20
        assert axe_violations(page) == []
        _shot(page, tmp_path, f"care-kiosk-{width}")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.dataset.testid") == "call"
        page.keyboard.press("Enter")
        page.get_by_test_id("called").wait_for()
        assert "已通知社区" in page.inner_text("main")
        assert errors == []
        context.close()
