"""Factories of ability assessments: answers that reach a given total (`fixed`
answers first, every other item at its best option, then lowered one by one; never
the coma option, which only the coma tests choose), and a confirmed assessment."""

from datetime import timedelta

from django.utils import timezone

from linli.assessment import scaledef, services
from linli.assessment.models import Assessment, Scale
from linli.assessment.services import scales_ensure_defaults


def answers_for(
    d: scaledef.Definition, total: int, fixed: dict[str, str] | None = None
) -> dict[str, str]:
    answers = dict(fixed or {})
    left = d.max_total - total
    for code, chosen in answers.items():
        item = d.item(code)
        option = item.option(chosen) if item else None
        assert item and option, f"{code} {chosen}"
        left -= item.max_score - option.score
    for item in d.items:
        if item.code in answers:
            continue
        want = item.max_score - min(left, item.max_score)
        option = min(
            (o for o in item.options if o.code != "coma" and o.score >= want),
            key=lambda o: o.score,
        )
        answers[item.code] = option.code
        left -= item.max_score - option.score
    assert left == 0, f"cannot reach a total of {total}"
    return answers


def best(d: scaledef.Definition) -> dict[str, str]:
    return {i.code: max(i.options, key=lambda o: o.score).code for i in d.items}


def assessed(resident, total: int, *, by, second, days_ago: int = 0) -> Assessment:
    """`resident` assessed on the national scale (GB/T 42195) at `total` points by `by`
    and `second`, and confirmed."""
    scales_ensure_defaults()  # gone if an earlier transactional test flushed the database
    scale = Scale.objects.get(code="gbt-42195")
    made = services.assessment_create(
        resident=resident,
        scale=scale,
        reason="first",
        assessed_on=timezone.localdate() - timedelta(days=days_ago),
        place="家中",
        second_assessor=second,
        answers=answers_for(scale.parsed, total),
        by=by,
    )
    return services.assessment_confirm(assessment=made, by=second)
