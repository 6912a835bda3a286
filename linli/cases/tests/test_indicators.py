"""The case engine's indicators (docs/kpis.md): figures computed from the stage
changes, per level and per handler, only within the user's scope; the indicators page
ranks them, charts them, and exports the same table."""

import json
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.cases import services
from linli.cases.choices import Stage
from linli.cases.models import CaseTransition
from linli.indicators.filters import IndicatorQuery
from linli.indicators.models import DayFigure
from linli.indicators.rollup import rollup
from linli.indicators.tables import day_series, indicator_table
from linli.testing.cases import hotline_call
from linli.testing.http import get
from linli.testing.indicators import table

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def scenario(world):
    """Community A: one case evaluated 5 ★, one rejected, one late twice and reworked;
    community B: one case accepted."""
    a = world.worker_a
    good = hotline_call(world)
    good = services.case_accept(case=good, by=a)
    good = services.case_dispatch(case=good, to=world.grid_worker_a1, by=a)
    good = services.case_finish(case=good, by=world.grid_worker_a1, note="已清理")
    good = services.case_close(case=good, by=a)
    good = services.case_rate(case=good, rating=5, by=None)  # the caller, by code
    services.case_reject(case=hotline_call(world), by=a, note="重复上报")
    late = hotline_call(world, category="illegal-posting")
    late = services.case_accept(case=late, by=a)
    late = services.case_dispatch(case=late, to=world.grid_worker_a1, by=a)
    late = services.case_finish(case=late, by=world.grid_worker_a1, note="已清除")
    late = services.case_return(case=late, by=a, note="仍有残留")
    late = services.case_finish(case=late, by=world.grid_worker_a1, note="已彻底清除")
    late = services.case_close(case=late, by=a)
    first_moves = CaseTransition.objects.filter(case=late).order_by("pk")
    late_ones = [m.pk for m in first_moves if m.to_stage in (Stage.DISPATCHED, Stage.HANDLED)][:2]
    CaseTransition.objects.filter(pk__in=late_ones).update(overdue=True)
    services.case_accept(case=hotline_call(world, region=world.b1), by=world.worker_b)
    CaseTransition.objects.filter(from_stage=Stage.REPORTED).update(duration=timedelta(hours=2))
    return good, late


def today(world, user, level="community"):
    return table(user, level)


def test_the_figures_follow_the_definitions(world, scenario):
    rows = today(world, world.district_admin)

    a, b = rows[world.a.path], rows[world.b.path]
    assert (a.name, a.received, a.rejected_steps, a.closes) == (world.a.name, 3, 1, 2)
    assert a.acceptance_rate == round(2 / 3, 4)
    assert a.dispatch_on_time_rate == 0.5
    assert a.on_time_rate == round(2 / 3, 4)  # 3 finishes, the first of the late case late
    assert a.closure_rate == 1.0  # 2 closes for 2 accepted
    assert a.rework_rate == round(1 / 3, 4)  # 1 return in 3 verifications
    assert (a.ratings, a.rating_mean, a.satisfaction_rate) == (1, 5.0, 1.0)
    assert a.hours_reported == 2.0
    assert (b.received, b.acceptance_rate, b.on_time_rate) == (1, 1.0, None)


def test_people_see_only_their_regions(world, scenario):
    assert set(today(world, world.worker_a)) == {world.a.path}
    assert set(today(world, world.subdistrict_admin)) == {world.a.path, world.b.path}
    assert today(world, world.other_subdistrict_admin) == {}


def test_by_handler_and_by_grid(world, scenario):
    handlers = today(world, world.district_admin, "handler")
    mine = handlers[str(world.grid_worker_a1.pk)]
    assert (mine.dispatches, mine.handled, mine.returns) == (2, 3, 1)
    grids = today(world, world.district_admin, "grid")
    assert grids[world.a1.path].received == 3


def test_a_period_without_cases_is_empty(world, scenario):
    long_ago = timezone.localdate() - timedelta(days=400)
    first, last = long_ago, long_ago + timedelta(days=30)

    assert (
        indicator_table(user=world.district_admin, first=first, last=last, level="community") == []
    )


def test_the_page_ranks_and_the_export_matches(client, world, scenario):
    page = get(client, world.district_admin, "/indicators/?sort=cases.received").content.decode()
    assert page.index(world.a.name) < page.index(world.b.name)  # 3 received before 1
    assert "66.7%" in page

    response = get(client, world.district_admin, "/indicators/?level=community&export=xlsx")

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("Place", "Community", "Received", "Acceptance rate")
    assert {r[1]: r[2] for r in table[1:]} == {world.a.name: 3, world.b.name: 1}
    entry = AuditEntry.objects.get(action="export", object_type="indicators.table")
    assert entry.details["rows"] == 2 and entry.details["level"] == "community"


def test_the_dashboard_charts_the_ranking_and_the_days(client, world, scenario):
    response = get(client, world.district_admin, "/indicators/?sort=cases.received")
    charts = json.loads(
        re.search(r'id="kpi-charts"[^>]*>(.*?)</script>', response.content.decode()).group(1)
    )
    assert charts["ranking"]["names"] == [world.a.name, world.b.name]
    assert charts["ranking"]["values"] == [3, 1] and not charts["ranking"]["percent"]
    received, closed = charts["days"]["series"]
    assert len(received["values"]) == 30 and received["values"][-1] == 4  # today: 3 + 1
    assert closed["values"][-1] == 2
    query = IndicatorQuery(level="community")
    days = day_series(
        user=world.worker_b,
        first=query.first,
        last=query.last,
        codes=["cases.received", "cases.closes"],
    )
    assert days[-1][1] == [1, 0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-11-10&end=2026-11-01", "The period ends before it starts."),
        ("level=planet", "Rows by: not one of the choices"),
    ],
)
def test_a_bad_query_says_so_and_shows_the_default(client, world, scenario, query, message):
    response = get(client, world.district_admin, f"/indicators/?{query}")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert world.a.name in response.content.decode()


def test_a_period_over_a_year_is_refused(world):
    with pytest.raises(ValueError, match="at most 366 days"):
        IndicatorQuery(start=timezone.localdate() - timedelta(days=400))


def test_rolled_up_days_give_the_same_figures_and_count_each_change_once(world, scenario):
    before = {k: vars(r) for k, r in today(world, world.district_admin).items()}

    assert rollup() == CaseTransition.objects.count()
    assert rollup() == 0
    assert DayFigure.objects.filter(subgroup="").exists()
    assert DayFigure.objects.filter(subgroup__startswith="person:").exists()
    after = {k: vars(r) for k, r in today(world, world.district_admin).items()}
    assert after == before
    handlers = today(world, world.district_admin, "handler")
    assert handlers[str(world.grid_worker_a1.pk)].handled == 3

    more = hotline_call(world)  # after the rollup: counted live, on top of the days
    services.case_accept(case=more, by=world.worker_a)
    again = today(world, world.district_admin)[world.a.path]
    assert (again.received, again.accepted_steps) == (4, 3)
