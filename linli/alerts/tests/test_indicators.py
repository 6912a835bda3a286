"""Alert reach: of the resident accounts in the areas of the actual alerts issued,
the share notified — per community and subdistrict, hand-counted; drills not counted;
"—" with nothing to divide; in the viewer's scope."""

import pytest

from linli.alerts.services import alert_drill, alert_issue
from linli.alerts.tests.conftest import storm_draft
from linli.core.permissions import Role
from linli.testing.indicators import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world, draft, django_capture_on_commit_callbacks):
    """Alert 1 over community A, its notifications written: resident.a told. Then a
    second account moves into A (counted, never told). Alert 2 over the district, its
    notifications not written yet. A drill over B, told."""
    with django_capture_on_commit_callbacks(execute=True):
        alert_issue(alert=draft, by=None)
    world.person("resident.a2", Role.RESIDENT, world.a.code)
    world.person("resident.b", Role.RESIDENT, world.b.code)
    alert_issue(alert=storm_draft(world, region=world.district), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        alert_drill(region=world.b, by=world.subdistrict_admin)


def test_community_and_subdistrict_reach(world, figures):
    rows = table(world.district_admin, "community")
    # A: alert 1 — resident.a told, resident.a2 not; alert 2 — neither told → 1 ÷ 4
    assert rows[world.a.path].value("alerts.reach") == 0.25
    # B: alert 2 — resident.b not told (the drill's message does not count) → 0 ÷ 1
    assert rows[world.b.path].value("alerts.reach") == 0.0
    subdistrict = table(world.district_admin, "subdistrict")[world.subdistrict.path]
    assert subdistrict.value("alerts.reach") == 0.2  # 1 ÷ 5


def test_a_community_worker_sees_her_community_alone(world, figures):
    rows = table(world.worker_a, "community")
    assert rows[world.a.path].value("alerts.reach") == 0.25
    assert world.b.path not in rows


def test_an_area_without_resident_accounts_has_no_reach(world):
    alert_issue(alert=storm_draft(world, region=world.b), by=None)  # B: nobody to tell
    rows = table(world.district_admin, "community")
    assert world.b.path not in rows or rows[world.b.path].value("alerts.reach") is None
