"""The dispatcher's pages: the board of open calls with the responders' status, a
call's page with the elder (phone masked) and the actions its state allows; actions
out of order get a Chinese message; outside the region, 404."""

import pytest

from linli.core.permissions import Role
from linli.dispatch.models import Call, Responder
from linli.dispatch.tests.conftest import care_worker, press
from linli.testing.http import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(world, home, button, responders, django_capture_on_commit_callbacks):
    return Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))


def test_the_board_shows_the_open_call_and_the_responders(
    client, world, call, django_assert_max_num_queries
):
    client.force_login(world.worker_a)
    with django_assert_max_num_queries(25):
        page = client.get("/dispatch/")
    shown = text(page)
    assert page.status_code == 200
    assert "紧急呼叫" in shown and "生命优先" in shown and "王秀英" in shown
    assert "1号楼 1-101" in shown and "新呼叫" in shown
    assert "李护工" in shown and "空闲" in shown and "赵护工" in shown and "休息" in shown
    assert 'data-live="dispatch.calls"' in page.content.decode()


def test_the_call_page_pops_the_elder_and_walks_the_call(client, world, call):
    client.force_login(world.worker_a)
    shown = text(client.get(f"/dispatch/calls/{call.pk}/"))
    assert "王秀英" in shown and "80岁" in shown and "139****0001" in shown
    assert "13905330001" not in shown
    assert "正阳路8号 1号楼 1-101" in shown
    answered = client.post(
        f"/dispatch/calls/{call.pk}/answer/", {"note": "老人说摔倒了"}, follow=True
    )
    assert "已保存：已接听。" in text(answered)
    client.post(f"/dispatch/calls/{call.pk}/send/", {"responder": ""})
    client.post(f"/dispatch/calls/{call.pk}/arrive/")
    refused = client.post(f"/dispatch/calls/{call.pk}/close/", {"outcome": ""}, follow=True)
    assert "请选择处置结果。" in text(refused)
    closed = client.post(
        f"/dispatch/calls/{call.pk}/close/", {"outcome": "provider_sent"}, follow=True
    )
    assert "已结单" in text(closed) and "已派服务人员" in text(closed)
    call.refresh_from_db()
    assert call.responder.user.username == "care.li"


def test_an_action_out_of_order_gets_a_message_and_changes_nothing(client, world, call):
    client.force_login(world.worker_a)
    page = client.post(f"/dispatch/calls/{call.pk}/arrive/", follow=True)
    assert "此调度单当前为“新呼叫”，现在不能记录到达现场。" in text(page)
    assert Call.objects.get().state == "new"


def test_an_unknown_responder_gets_a_message(client, world, call):
    client.force_login(world.worker_a)
    client.post(f"/dispatch/calls/{call.pk}/answer/")
    page = client.post(f"/dispatch/calls/{call.pk}/send/", {"responder": "abc"}, follow=True)
    assert "未知的响应人员，或其不在本区域值班。" in text(page)
    assert Call.objects.get().state == "answered"


def test_outside_the_region_a_call_is_not_found(client, world, call):
    client.force_login(world.worker_b)
    assert client.get(f"/dispatch/calls/{call.pk}/").status_code == 404
    assert client.post(f"/dispatch/calls/{call.pk}/answer/").status_code == 404
    assert "王秀英" not in text(client.get("/dispatch/"))
    assert Call.objects.get().state == "new"


def test_a_dispatcher_adds_a_responder_from_the_people_of_their_region(client, world, provider):
    """The form offers the region's grid workers and providers' care workers (never
    B's); a care worker added as a grid worker gets the reason; added, they are listed."""
    worker = care_worker(world, provider, "care.sun", "孙护工")
    world.person("grid.b1", Role.GRID_WORKER, world.b1.code, full_name="钱泄漏")
    client.force_login(world.worker_a)
    form = text(client.get("/dispatch/responders/new/"))
    assert "孙护工（care.sun）" in form and "钱泄漏" not in form
    refused = client.post(
        "/dispatch/responders/new/",
        {"user": worker.pk, "region": world.a1.pk, "kind": "grid_worker"},
    )
    assert "此人不是本区域的网格员。" in text(refused)
    assert not Responder.objects.exists()
    added = client.post(
        "/dispatch/responders/new/",
        {"user": worker.pk, "region": world.a1.pk, "kind": "care_worker"},
        follow=True,
    )
    assert "孙护工" in text(added) and "颐和居家养老服务中心" in text(added)
    assert Responder.objects.get().organisation == provider
    client.force_login(world.worker_b)
    outside = client.post(
        "/dispatch/responders/new/",
        {"user": worker.pk, "region": world.a1.pk, "kind": "care_worker"},
    )
    assert outside.status_code == 200 and Responder.objects.count() == 1
