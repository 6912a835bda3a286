"""The notices' indicators: notices published where they were written, the read rate
of the notices published (readers ÷ audience, counted where the residents live, as
read receipts count them), never above 100 %, "—" with nothing to divide; each in the
viewer's scope. Figures worked out by hand in the comments."""

import pytest
from django.utils import timezone

from linli.notices.models import NoticeRead
from linli.notices.tests.support import draft, published
from linli.testing.indicators import table

pytestmark = pytest.mark.django_db


def read(notice, resident, user) -> None:
    NoticeRead.objects.create(notice=notice, user=user, resident=resident, read_at=timezone.now())


@pytest.fixture
def figures(world, homes):
    """Community A: 王秀兰 (1号楼), 李强 and 李小明 (2号楼); community B: 赵刚.
    N1, community A's, read by 王秀兰. N2, the district's, read by 李强 and 赵刚.
    A draft of A's, and N3 for grid workers only (no residents), in B."""
    n1 = published(world, title="停水通知")
    read(n1, homes.elder, world.resident_a)
    n2 = published(
        world, region=world.district, by=world.district_admin, approver=world.platform_admin
    )
    read(n2, homes.parent, world.resident_a)
    read(n2, homes.other, world.worker_b)  # any account: the registry's person counts
    draft(world, title="还是草稿")
    published(world, region=world.b, by=world.worker_b, roles=["grid_worker"], title="网格员通知")


def test_community_figures(world, figures):
    rows = table(world.district_admin, "community")

    a = rows[world.a.path]
    assert a.value("notices.published") == 1  # N1 (N2 is the district's, the draft is not)
    # N1: 3 residents of A, 1 read; N2: the same 3 of A, 1 read → 2 ÷ 6
    assert a.value("notices.read_rate") == pytest.approx(2 / 6, abs=1e-4)
    b = rows[world.b.path]
    assert b.value("notices.published") == 1  # N3, for staff
    assert b.value("notices.read_rate") == 1.0  # N2: 赵刚, 1 of 1 (N3 has no residents)


def test_subdistrict_figures_add_up(world, figures):
    row = table(world.district_admin, "subdistrict")[world.subdistrict.path]

    assert row.value("notices.published") == 2  # N1 and N3
    assert row.value("notices.read_rate") == pytest.approx(3 / 7, abs=1e-4)  # (2 + 1) ÷ (6 + 1)


def test_nothing_to_divide_is_no_rate_and_scope_holds(world, homes):
    published(world, region=world.b, by=world.worker_b, roles=["grid_worker"], title="网格员通知")
    rows = table(world.district_admin, "community")
    assert rows[world.b.path].value("notices.published") == 1
    assert rows[world.b.path].value("notices.read_rate") is None  # "—", not 0 %

    assert world.b.path not in table(world.worker_a, "community")


def test_a_resident_who_moved_away_is_counted_neither_way(world, figures, homes):
    homes.elder.status = "moved_out"
    homes.elder.save(update_fields=["status"])

    a = table(world.district_admin, "community")[world.a.path]
    assert a.value("notices.read_rate") == pytest.approx(1 / 4, abs=1e-4)  # 李强's read of 2 × 2
