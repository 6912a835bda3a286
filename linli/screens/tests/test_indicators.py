"""The screens online rate: daily snapshots of the screens in service and online (a
heartbeat within OFFLINE_AFTER_S), added up over the period, in the viewer's scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.screens import services
from linli.screens.choices import OFFLINE_AFTER_S
from linli.screens.indicators import snapshot
from linli.screens.models import Screen, ScreenDay
from linli.testing.indicators import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    """车站社区 (A): three screens in service, two heard from just now, one silent too
    long, and one retired; yesterday all three were online. B: one screen, never heard."""
    now = timezone.now()
    seen = [now, now, now - timedelta(seconds=OFFLINE_AFTER_S + 60)]
    for n, at in enumerate(seen):
        screen, _token = services.screen_register(
            kind="screen", name=f"A{n}", region=world.a, by=None
        )
        Screen.objects.filter(pk=screen.pk).update(last_seen_at=at)
    old, _token = services.screen_register(kind="tv", name="A-old", region=world.a, by=None)
    Screen.objects.filter(pk=old.pk).update(last_seen_at=now)
    services.screen_retire(screen=old, by=None)
    services.screen_register(kind="screen", name="B0", region=world.b, by=None)
    assert snapshot() == 2
    ScreenDay.objects.create(
        day=timezone.localdate() - timedelta(days=1), region=world.a, screens=3, online=3
    )


def test_a_community_s_screens_online(world, figures):
    rows = table(world.district_admin, "community")

    assert rows[world.a.path].value("screens.online_rate") == pytest.approx(5 / 6, abs=1e-4)
    assert rows[world.b.path].value("screens.online_rate") == 0
    subdistrict = table(world.district_admin, "subdistrict")[world.subdistrict.path]
    assert subdistrict.value("screens.online_rate") == pytest.approx(5 / 7, abs=1e-4)


def test_a_community_worker_sees_only_her_community(world, figures):
    rows = table(world.worker_a, "community")

    assert world.a.path in rows and world.b.path not in rows


def test_the_snapshot_keeps_the_day_s_last_counts(world, figures):
    Screen.objects.filter(region=world.a).update(last_seen_at=None)

    assert snapshot() == 2
    today = ScreenDay.objects.get(day=timezone.localdate(), region=world.a)
    assert (today.screens, today.online) == (3, 0)
