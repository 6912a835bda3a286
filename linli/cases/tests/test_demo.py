"""The demo cases: every stage, consistent timelines in the past, idempotent."""

import io
import itertools

import pytest

from linli.accounts import demo as accounts_demo
from linli.cases import demo
from linli.cases.choices import Stage
from linli.cases.models import Case, CaseEscalation, RoutingRule
from linli.notifications.models import Notification
from linli.regions import demo as regions_demo


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # as if each step committed
        regions_demo.seed(out)
        accounts_demo.seed(out)
        demo.seed(out)
    return out.getvalue()


def test_the_demo_has_cases_in_every_stage_with_consistent_timelines(seeded):
    cases = list(Case.objects.prefetch_related("transitions"))

    assert len(cases) == demo.CASES and "400 demo cases created" in seeded
    assert {c.stage for c in cases} == set(Stage)
    assert len({c.code for c in cases}) == len(cases)
    for case in cases:
        moves = list(case.transitions.all())
        assert moves[0].from_stage == "" and moves[0].to_stage == Stage.REPORTED
        assert all(a.to_stage == b.from_stage for a, b in itertools.pairwise(moves))
        assert [m.at for m in moves] == sorted(m.at for m in moves)
        assert moves[-1].to_stage == case.stage and case.version == len(moves)
        assert case.created_at == moves[0].at
        assert (case.closed_at is not None) == (case.stage in demo.CLOSED_STAGES)
    assert sum(c.region.path.startswith(demo.HOME) for c in cases) > demo.CASES / 10


def test_a_second_run_adds_nothing(seeded):
    out = io.StringIO()
    demo.seed(out)

    assert Case.objects.count() == demo.CASES and "already there" in out.getvalue()


def test_the_demo_has_routing_rules_and_escalations_of_overdue_cases(seeded):
    assert RoutingRule.objects.filter(active=True).count() == 2
    escalated = CaseEscalation.objects.select_related("case")
    assert escalated.exists()
    assert all(e.case.stage not in demo.CLOSED_STAGES for e in escalated)
    assert Notification.objects.filter(kind="case-overdue", user__username="chezhan").exists()


def test_each_demo_case_describes_a_problem_of_its_category(seeded):
    """Not 路灯不亮 describing a missing manhole cover."""
    cases = Case.objects.select_related("category")

    assert {c.description for c in cases} <= {d for ds in demo.DESCRIPTIONS.values() for d in ds}
    assert all(c.description in demo.DESCRIPTIONS[c.category.code] for c in cases)
    assert len({c.category_id for c in cases}) > 30  # most categories appear
