"""Elders per care level: the latest confirmed assessment before the period's end
counts, once per elder, where the elder lives; pending ones and earlier ones do not."""

from datetime import timedelta

from django.utils import timezone

from linli.assessment import services
from linli.testing.assessment import answers_for
from linli.testing.indicators import table
from linli.testing.registry import aged, move_in, place


def assess(world, elder, scale, second, total, *, days_ago=0, confirm=True):
    a = services.assessment_create(
        resident=elder,
        scale=scale,
        reason="first",
        assessed_on=timezone.localdate() - timedelta(days=days_ago),
        place="家中",
        second_assessor=second,
        answers=answers_for(scale.parsed, total),
        by=world.worker_a,
    )
    return services.assessment_confirm(assessment=a, by=second) if confirm else a


def test_elders_per_care_level(world, elder, gb, second_a):
    other = move_in(place(world.a1, number="202").household, name="刘福贵", born=aged(85))
    third = move_in(place(world.a1, number="203").household, name="陈桂英", born=aged(69))
    assess(world, elder, gb, second_a, 40, days_ago=100)  # severe, then
    assess(world, elder, gb, second_a, 70, days_ago=10)  # mild now
    assess(world, other, gb, second_a, 20, days_ago=5)  # total
    assess(world, third, gb, second_a, 90, confirm=False)  # not confirmed: not counted
    rows = table(world.district_admin, "community")
    row = rows[world.a.path]
    assert row.value("assessment.assessed") == 2
    assert row.value("assessment.level_mild") == 1
    assert row.value("assessment.level_total") == 1
    assert not row.value("assessment.level_severe")
    assert row.value("assessment.disabled_share") == 0.5
    assert world.b.path not in rows or not rows[world.b.path].value("assessment.assessed")
    month_ago = timezone.localdate() - timedelta(days=30)
    earlier = table(world.district_admin, "community", last=month_ago)[world.a.path]
    assert earlier.value("assessment.level_severe") == 1
    assert earlier.value("assessment.assessed") == 1
