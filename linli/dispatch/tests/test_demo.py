"""The dispatch centre's demo for 车站社区: the grid worker and a home-care station's two
care workers on duty, yesterday's call closed with its return visit due today, a
red-button press answered with a care worker on the way and a silent home waiting, the
care calls of the week; what the dispatcher's board shows; a second run does nothing."""

from io import StringIO

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.core.permissions import Role
from linli.devices.models import DeviceProfile
from linli.devices.services import device_provision
from linli.dispatch import demo
from linli.dispatch.models import Call, Responder, ReturnVisit
from linli.testing.care import elder
from linli.testing.http import text


def _device(resident, profile: str, key: str, name: str):
    return device_provision(
        grid=resident.grid,
        profile=DeviceProfile.objects.get(code=profile),
        key=key,
        name=name,
        house=resident.household.house,
        by=None,
    )[0]


def test_the_demo_puts_two_calls_on_the_board_and_a_visit_due(client, world):
    first = elder(world.a1, name="王秀英")
    second = elder(world.a1, name="刘桂兰", number="302")
    _device(first, "call-button", "CB-0101", "7号楼1-301一键呼叫器")
    _device(second, "call-button", "CB-0102", "7号楼1-302一键呼叫器")
    _device(second, "motion", "MS-0102", "7号楼1-302人体感应器")
    dispatcher = world.person("chezhan", Role.COMMUNITY_WORKER, world.a.code, full_name="王建国")

    out = StringIO()
    demo.seed(OutputWrapper(out))

    assert "3 responders, 2 calls in progress in 车站社区, 1 return visit due" in out.getvalue()
    assert Responder.objects.filter(on_duty=True).count() == 3
    assert sorted(Call.objects.values_list("state", flat=True)) == ["closed", "new", "sent"]
    assert ReturnVisit.objects.get().due_on == timezone.localdate()
    client.force_login(dispatcher)
    board = text(client.get("/dispatch/"))
    assert "王秀英" in board and "刘桂兰" in board and "紧急呼叫" in board
    assert "马春燕" in text(client.get("/dispatch/responders/"))
    demo.seed(OutputWrapper(out))
    assert "demo calls already there" in out.getvalue() and Call.objects.count() == 3
