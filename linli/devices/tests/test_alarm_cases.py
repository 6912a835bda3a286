"""An alarm of a type mapped to a case category opens a case at the device, accepted
by the system and dispatched by the routing rules (to the grid's worker, or to the
people of the company owning the device); closing the case clears the alarm."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.models import RoleGrant
from linli.cases import origins, services
from linli.cases.choices import Stage
from linli.cases.events import StageChanged
from linli.cases.models import Case, Category, RoutingRule, RoutingTarget
from linli.core.permissions import Role
from linli.devices.choices import AlarmAction
from linli.devices.events import AlarmRaised
from linli.devices.models import AlarmType, Device, DeviceProfile
from linli.devices.selectors import alarm_case
from linli.devices.services import alarm_clear, alarm_raise, device_provision
from linli.devices.subscribers import clear_when_closed, open_a_case
from linli.notifications.models import Notification
from linli.registry import services as registry
from linli.testing.registry import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def smoke(world) -> Device:
    home = place(world.a1, building="3号楼")
    device, _token = device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="smoke"),
        key="YG-0301",
        name="3号楼2单元楼道烟感",
        building=home.building,
        by=None,
    )
    return device


@pytest.fixture
def to_the_grid_worker(world) -> RoutingRule:
    return RoutingRule.objects.create(
        name="车站社区 → 网格员", region=world.a, target=RoutingTarget.GRID_WORKER
    )


def fire(device: Device, capture, **more):
    with capture(execute=True):
        alarm, _new = alarm_raise(
            device=device,
            alarm_type=AlarmType.objects.get(code="fire"),
            severity="critical",
            at=timezone.now(),
            details={"key": "smoke", "value": 1.0},
            **more,
        )
    return alarm


def test_a_fire_alarm_opens_a_case_dispatched_to_the_grid_worker(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)

    case = Case.objects.get()
    assert (case.category.code, case.source, case.region) == ("fire-alarm", "alarm", world.a1)
    assert (case.origin_type, case.origin_id) == ("devices.alarm", str(alarm.pk))
    assert (case.stage, case.assignee) == (Stage.DISPATCHED, world.grid_worker_a1)
    assert [(t.to_stage, t.actor) for t in case.transitions.order_by("pk")] == [
        (Stage.REPORTED, None),
        (Stage.ACCEPTED, None),
        (Stage.DISPATCHED, None),
    ]
    # In Chinese, from the alarm: type, device, number, place, the value that raised it.
    for words in ("火灾报警", "3号楼2单元楼道烟感", "YG-0301", "正阳路8号", "烟雾报警 1"):
        assert words in case.description
    assert "正阳路8号" in case.address
    assert case.get_source_display() == "设备告警"
    assert f"{case.code}" in alarm.changes.get(action=AlarmAction.COMMENTED).note
    assert Notification.objects.filter(user=world.grid_worker_a1, kind="case-dispatched").exists()
    # Each page links the other.
    assert alarm_case(alarm, world.grid_worker_a1) == case
    origin = origins.describe(case, world.grid_worker_a1)
    assert origin["kind"] == "告警" and origin["url"] == f"/devices/alarms/{alarm.pk}/"


def test_the_case_runs_round_the_clock(world, smoke, django_capture_on_commit_callbacks):
    alarm = fire(smoke, django_capture_on_commit_callbacks)

    case = alarm_case(alarm, world.worker_a)
    assert not case.category.working_hours
    assert case.stage == Stage.ACCEPTED  # no routing rule: it waits to be dispatched
    assert case.due_at <= timezone.now() + timedelta(hours=case.category.dispatch_hours)


def test_a_rule_to_the_owner_sends_it_to_the_property_company(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    company = registry.organisation_create(
        grid=world.a1, name="车站物业服务有限公司", kind="property", address="车站街1号", by=None
    )
    steward = world.person("wuye.li", Role.DEPARTMENT_HANDLER, world.a.code)
    registry.affiliation_set(
        grant=RoleGrant.objects.get(user=steward), organisation=company, by=None
    )
    Device.objects.filter(pk=smoke.pk).update(owner=company)
    RoutingRule.objects.create(
        name="火警 → 产权物业",
        region=world.a1,  # deeper than the community's rule: it wins
        target=RoutingTarget.OWNER,
    )

    alarm = fire(smoke, django_capture_on_commit_callbacks)

    case = alarm_case(alarm, steward)
    assert (case.stage, case.assignee) == (Stage.DISPATCHED, steward)
    assert "火警 → 产权物业" in case.transitions.order_by("pk").last().note


def test_without_an_owner_the_owner_rule_is_passed_over(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    RoutingRule.objects.create(name="火警 → 产权物业", region=world.a1, target=RoutingTarget.OWNER)

    alarm = fire(smoke, django_capture_on_commit_callbacks)

    assert alarm_case(alarm, world.worker_a).assignee == world.grid_worker_a1


def test_closing_the_case_clears_and_acknowledges_the_alarm(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)
    case = alarm_case(alarm, world.worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_start(case=case, by=world.grid_worker_a1)
        services.case_finish(case=case, by=world.grid_worker_a1, note="厨房油烟，已处置")
        services.case_close(case=case, by=world.worker_a)

    alarm.refresh_from_db()
    assert alarm.cleared_at is not None and alarm.acknowledged_at is not None
    logged = list(alarm.changes.order_by("pk").values_list("action", "actor", "note"))
    assert logged[-2:] == [
        (AlarmAction.ACKNOWLEDGED, None, f"事件 {case.code} 已结案。"),
        (AlarmAction.CLEARED, None, f"事件 {case.code} 已结案。"),
    ]
    # Delivered again (at least once): nothing more happens.
    last = case.transitions.order_by("pk").last()
    clear_when_closed(
        StageChanged(case.pk, last.pk, Stage.HANDLED, Stage.CLOSED, world.worker_a.pk, None, "")
    )
    assert alarm.changes.count() == len(logged)


def test_an_alarm_cleared_by_its_rule_is_acknowledged_when_the_case_closes(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)
    alarm_clear(alarm=alarm, by=None, note="烟雾消失")
    case = alarm_case(alarm, world.worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_finish(case=case, by=world.grid_worker_a1, note="误报，已复位")
        services.case_close(case=case, by=world.worker_a)

    alarm.refresh_from_db()
    assert alarm.acknowledged_at is not None


def test_a_repeat_while_the_case_is_open_opens_no_second_case(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    first = fire(smoke, django_capture_on_commit_callbacks)
    alarm_clear(alarm=first, by=None)  # smoke gone, and back

    again = fire(smoke, django_capture_on_commit_callbacks)

    assert Case.objects.count() == 1
    code = Case.objects.get().code
    assert code in again.changes.get(action=AlarmAction.COMMENTED).note
    assert alarm_case(again, world.worker_a) is None


def test_a_case_is_opened_once_however_often_the_event_is_delivered(
    world, smoke, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)

    open_a_case(AlarmRaised(alarm.pk, smoke.pk, "fire", "critical"))

    assert Case.objects.count() == 1


def test_alarm_types_without_a_category_open_no_case(
    world, smoke, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alarm_raise(
            device=smoke,
            alarm_type=AlarmType.objects.get(code="low-battery"),
            severity="warning",
            at=timezone.now(),
        )

    assert not Case.objects.exists()


def test_an_outsider_sees_neither_the_case_nor_its_origin(
    world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)
    case = alarm_case(alarm, world.worker_a)

    assert alarm_case(alarm, world.worker_b) is None
    assert origins.visible(world.worker_b, "devices.alarm", str(alarm.pk)) is None
    described = origins.describe(case, world.worker_b)
    assert (described["label"], described["url"]) == (None, None)
    assert not Notification.objects.filter(user=world.worker_b).exists()
    # Nor does the public (Open311, similar cases): an alarm may be an elder's call at home.
    assert not Case.objects.public().filter(pk=case.pk).exists()


def test_the_case_page_links_the_alarm(
    client, world, smoke, to_the_grid_worker, django_capture_on_commit_callbacks
):
    alarm = fire(smoke, django_capture_on_commit_callbacks)
    case = alarm_case(alarm, world.worker_a)
    client.force_login(world.worker_a)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f'href="/devices/alarms/{alarm.pk}/"' in page
    assert "火灾报警 · 3号楼2单元楼道烟感 (YG-0301)" in page


def test_a_category_out_of_use_opens_no_case_and_says_so(
    world, smoke, django_capture_on_commit_callbacks
):
    Category.objects.filter(code="fire-alarm").update(active=False)

    alarm = fire(smoke, django_capture_on_commit_callbacks)

    assert not Case.objects.exists()
    assert "火灾报警" in alarm.changes.get(action=AlarmAction.COMMENTED).note
