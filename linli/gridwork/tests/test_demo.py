"""The demo grid work: patrols with trajectories along the route, a 到位率 below
100 %, visits that verified households; idempotent."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts import demo as accounts_demo
from linli.accounts.models import User
from linli.gridwork import demo
from linli.gridwork.models import CheckIn, Patrol, Visit
from linli.regions import demo as regions_demo
from linli.registry import demo as registry_demo
from linli.testing.indicators import table


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    regions_demo.seed(out)
    accounts_demo.seed(out)
    registry_demo.seed(out, residents=300)
    demo.seed(out)
    return out.getvalue()


def test_the_demo_worker_patrolled_with_trajectories_and_check_ins(seeded):
    patrols = list(Patrol.objects.all())
    assert 20 <= len(patrols) <= demo.WEEKS * 5 and "gridwork: 6 checkpoints" in seeded
    assert all(
        p.ended_at > p.started_at and p.point_count > 10 and p.distance > 100 for p in patrols
    )
    assert all(p.points.count() == p.point_count for p in patrols[:3])
    assert CheckIn.objects.exclude(checkpoint__name=demo.CHECKPOINTS[-1]).count() < len(patrols) * 5

    admin = User.objects.get(username="zhoucun")
    yesterday = timezone.localdate() - timedelta(days=1)
    rows = table(admin, "grid", days=28, last=yesterday).values()
    grid = next(r for r in rows if r.key == demo.GRID)
    assert 0.6 < grid.presence_rate < 1


def test_visits_verified_their_households(seeded):
    confirmed = Visit.objects.filter(confirmed=True).select_related("household")
    assert Visit.objects.count() > 0 and confirmed.exists()
    assert all(v.household.verified_at >= v.visited_at for v in confirmed)


def test_a_second_run_adds_nothing(seeded):
    out = io.StringIO()
    demo.seed(out)
    assert "already there" in out.getvalue()
