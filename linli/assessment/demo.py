"""Demo assessments: the elders of 车站社区 (aged 60 or over, from the demo registry)
assessed with GB/T 42195-2022 over the last year by the community's worker (张丽)
and the subdistrict's admin (李红梅), spread over the five levels — a few changed by
a dementia diagnosis or falls, a few awaiting confirmation, some overdue for
re-assessment — and some with an older MZ/T 039-2013 record in their history."""

import random
from datetime import timedelta
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.accounts.models import User
from linli.assessment import scaledef, services
from linli.assessment.choices import AssessmentReason
from linli.assessment.models import Assessment, Scale
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY, ELDERLY_AGE, derived_label_q
from linli.registry.models import Resident

CHEZHAN = "370306001001"
FIRST, SECOND = "chezhan", "sichoulu"
LIMIT = 120
# the level aimed at, its share, and the totals that reach it (GB/T 42195-2022's bands)
SPREAD = (("intact", 30, (90, 90)), ("mild", 35, (66, 89)), ("moderate", 17, (46, 65)),
          ("severe", 11, (30, 45)), ("total", 7, (5, 29)))  # fmt: skip
PLACES = ("老人家中", "车站社区日间照料中心", "车站社区卫生服务站")


def _answers(d: scaledef.Definition, total: int, rng: random.Random) -> dict[str, str]:
    """Answers adding up to `total`: items lowered in a random order (never 昏迷)."""
    answers = {i.code: max(i.options, key=lambda o: o.score).code for i in d.items}
    left = d.max_total - total
    items = list(d.items)
    rng.shuffle(items)
    while left > 0:
        for item in items:
            current = item.option(answers[item.code])
            assert current is not None
            lower = [o for o in item.options if o.score < current.score and o.code != "coma"]
            if lower and left > 0:
                step = max(lower, key=lambda o: o.score)
                left -= current.score - step.score
                answers[item.code] = step.code
    return answers


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    services.scales_ensure_defaults()
    community = Region.objects.filter(code=CHEZHAN).first()
    users = {u.username: u for u in User.objects.filter(username__in=[FIRST, SECOND])}
    gb = Scale.objects.filter(code="gbt-42195", active=True).first()
    mz = Scale.objects.filter(code="mzt-039").first()
    if community is None or len(users) < 2 or gb is None or mz is None:
        stdout.write("assessment: no 车站社区, assessors or scales, nothing to seed")
        return
    if Assessment.objects.filter(grid__path__startswith=community.path).exists():
        stdout.write("assessment: demo assessments already there")
        return
    elders = list(
        Resident.objects.filter(
            derived_label_q(ELDERLY),
            grid__path__startswith=community.path,
            status=ResidentStatus.LIVING,
        ).order_by("pk")[:LIMIT]
    )
    rng = random.Random(42195)
    today = timezone.localdate()
    made = 0
    for n, elder in enumerate(elders):
        level, (low, high) = rng.choices(
            [(code, band) for code, _share, band in SPREAD], [s for _c, s, _b in SPREAD]
        )[0]
        sixty = services.add_months(elder.birth_date, 12 * ELDERLY_AGE)
        assessed_on = max(today - timedelta(days=rng.randint(3, 360)), sixty)
        old_on = assessed_on - timedelta(days=rng.randint(800, 1400))
        if n % 7 == 0 and old_on >= max(sixty, services.EARLIEST):  # a record on the old scale
            old = services.assessment_create(
                resident=elder,
                scale=mz,
                reason=AssessmentReason.FIRST,
                assessed_on=old_on,
                place=rng.choice(PLACES),
                second_assessor=users[SECOND],
                answers={i.code: i.options[0].code for i in mz.parsed.items},
                by=users[FIRST],
            )
            services.assessment_confirm(assessment=old, by=users[SECOND])
            made += 1
        factors = ["dementia"] if level in ("moderate", "severe") and rng.random() < 0.25 else []
        events = {"fall": 1, "wandering": 1} if level == "mild" and rng.random() < 0.1 else {}
        reason = (
            AssessmentReason.ROUTINE
            if n % 7 == 0
            else rng.choice([AssessmentReason.FIRST] * 6 + [AssessmentReason.CHANGE])
        )
        assessment = services.assessment_create(
            resident=elder,
            scale=gb,
            reason=reason,
            assessed_on=assessed_on,
            place=rng.choice(PLACES),
            second_assessor=users[SECOND],
            answers=_answers(gb.parsed, rng.randint(low, high), rng),
            factors=factors,
            risk_events=events,
            by=users[FIRST],
        )
        if n % 15 != 14:  # a few await the second assessor
            services.assessment_confirm(assessment=assessment, by=users[SECOND])
        made += 1
    stdout.write(f"assessment: {made} assessments of {len(elders)} elders of 车站社区")
