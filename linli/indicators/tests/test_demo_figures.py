"""The indicators of the demo's 400 cases, computed both ways: by the engine (day
figures rolled up, plus the changes made since) and straight from their definitions
over the stage-change log (docs/kpis.md). They must agree to the last digit."""

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts import demo as accounts_demo
from linli.accounts.models import User
from linli.cases import demo as cases_demo
from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.indicators import COUNTS, TIMED, code
from linli.cases.models import Case, CaseTransition, Category
from linli.core.indicators import catalogue, midnight
from linli.indicators.rollup import rollup
from linli.indicators.tables import indicator_table
from linli.regions import demo as regions_demo

DAYS = 90


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        regions_demo.seed(out)
        accounts_demo.seed(out)
        cases_demo.seed(out)
    assert rollup() > 0
    # Changes after the rollup: counted live, on top of the day figures.
    worker = User.objects.get(username="chezhan")
    grid = Case.objects.filter(region__path__startswith=cases_demo.HOME).first().region
    fresh = services.case_report(
        category=Category.objects.get(code="exposed-garbage"),
        description="丝绸路12号门前垃圾堆积",
        source=Source.HOTLINE,
        region=grid,
        address="丝绸路12号",
        by=worker,
    )
    services.case_accept(case=fresh, by=worker)
    reopened = Case.objects.filter(stage=Stage.CLOSED, region__path__startswith="370306").first()
    services.case_reopen(case=reopened, by=User.objects.get(username="admin"), note="又坏了")
    return worker


def by_definition(level_length: int | None, first, last) -> dict[str, dict[str, float]]:
    """Every measure of the case engine per unit, straight from the log."""
    start, end = midnight(first), midnight(last + timedelta(days=1))
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    moves = CaseTransition.objects.filter(at__gte=start, at__lt=end).select_related("case__region")
    counted = {
        name: set(moves.filter(q).values_list("pk", flat=True)) for name, q in COUNTS.items()
    }
    for move in moves:
        if level_length is None:
            if move.assignee_id is None:
                continue
            unit = str(move.assignee_id)
        else:
            unit = move.case.region.path[:level_length]
        for name, pks in counted.items():
            totals[unit][code(name)] += move.pk in pks
        if move.to_stage == Stage.EVALUATED and move.rating is not None:
            totals[unit][code("rating_sum")] += move.rating
        if move.duration is not None and move.from_stage in TIMED:
            totals[unit][code(f"time_{move.from_stage}")] += move.duration // timedelta(
                microseconds=1
            )
            totals[unit][code(f"left_{move.from_stage}")] += 1
    if level_length is not None:  # the closure rate's cohort: accepted in the period
        for accept in moves.filter(from_stage=Stage.REPORTED, to_stage=Stage.ACCEPTED):
            if accept.case.stage in (Stage.CLOSED, Stage.EVALUATED):
                unit = accept.case.region.path[:level_length]
                totals[unit][code("closed_of_accepted")] += 1
    return totals


def test_the_engine_gives_the_definitions_figures(demo):
    admin = User.objects.get(username="zhoucun")
    last = timezone.localdate()
    first = last - timedelta(days=DAYS - 1)
    cases_indicators = [i for i in catalogue.indicators.values() if i.code.startswith("cases.")]

    for level, length in [("community", 12), ("subdistrict", 9), ("handler", None)]:
        expected = by_definition(length, first, last)
        rows = {r.key: r for r in indicator_table(user=admin, first=first, last=last, level=level)}

        assert len(expected) >= 3 and set(expected) <= set(rows), level
        for key, totals in expected.items():
            for indicator in cases_indicators:
                wanted = indicator.value(totals)
                assert rows[key].value(indicator.code) == wanted, (level, key, indicator.code)
        closure = [r.value("cases.closure_rate") for r in rows.values()]
        assert all(rate is None or 0 <= rate <= 1 for rate in closure)
