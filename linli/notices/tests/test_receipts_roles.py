"""Read receipts by staff role: for a notice naming roles, the read share per role
among its staff recipients (below its region), on the notice's page and in the API;
nobody outside the region counts, nor a revoked grant."""

import pytest
from django.utils import timezone, translation

from linli.core.permissions import Role
from linli.notices import selectors, services
from linli.notices.tests.support import published
from linli.testing.http import call_api, ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    """For the grid workers and community workers of community A (worker.a, grid.a1
    and a second grid worker); B's people are not in it."""
    world.grid_a1_bis = world.person("grid.a1.bis", Role.GRID_WORKER, world.a1.code)
    gone = world.person("grid.gone", Role.GRID_WORKER, world.a1.code)
    gone.grants.update(revoked_at=timezone.now())
    world.person("grid.b1", Role.GRID_WORKER, world.b1.code)
    notice = published(world, title="网格员会议", roles=["grid_worker", "community_worker"])
    services.notice_read(notice=notice, by=world.grid_worker_a1)
    return notice


def test_the_read_share_per_role(world, meeting):
    with translation.override("zh-hans"):  # the roles' names in the UI's language
        found = selectors.receipts(notice=meeting)
    assert (found.staff.total, found.staff.read) == (3, 1)
    assert [(s.key, s.name, s.read, s.total, s.percent) for s in found.roles] == [
        ("community_worker", "社区工作者", 0, 1, 0),
        ("grid_worker", "网格员", 1, 2, 50),
    ]


def test_a_notice_for_residents_has_no_roles_table(world):
    assert selectors.receipts(notice=published(world, title="停水")).roles == []


def test_the_page_and_the_api_show_it(world, meeting, client):
    client.force_login(world.worker_a)
    page = client.get(f"/notices/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'data-testid="receipts-roles"' in html and "网格员" in html and "50%" in html
    answer = ok(call_api(client, world.worker_a, "get", f"/notices/{meeting.pk}/receipts"))
    assert answer["roles"][1] == {
        "role": "grid_worker",
        "name": "Grid worker",  # the API answers in the caller's language
        "total": 2,
        "read": 1,
        "percent": 50,
    }
