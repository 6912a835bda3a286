"""超期督办 (escalation): open cases past their stage's deadline are reported one
level further up per time limit overrun — at the deadline to the case's community,
after one more limit to its subdistrict, after two to the district — with a
`CaseEscalation` row and a round of notifications per level. `cases_escalate` is
what the periodic task (`tasks.py`) runs.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from linli.cases import selectors
from linli.cases.choices import Stage
from linli.cases.events import Escalated
from linli.cases.models import Case, CaseEscalation
from linli.cases.permissions import CASE_ACCEPT, CASE_DISPATCH, CASE_VERIFY
from linli.cases.services.deadlines import _after, _limit
from linli.core import events
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region

# Who answers for a stage's delay, one level up: the action they hold.
SUPERVISING = {
    Stage.REPORTED: CASE_ACCEPT,
    Stage.ACCEPTED: CASE_DISPATCH,
    Stage.DISPATCHED: CASE_DISPATCH,
    Stage.HANDLING: CASE_DISPATCH,
    Stage.HANDLED: CASE_VERIFY,
}
# The levels a breach climbs: the case's community, its subdistrict, the district.
ESCALATION_LEVELS = (Level.COMMUNITY, Level.SUBDISTRICT, Level.DISTRICT)


def _escalation_due(case: Case, now: datetime) -> int:
    """How many levels up the case's breach should be known by now: one at the
    deadline, one more each further time limit."""
    hours = _limit(case.category, case.stage)
    level = 0
    while level < len(ESCALATION_LEVELS) and case.due_at is not None:
        threshold = _after(case.category, case.due_at, hours * level) if level else case.due_at
        if now <= threshold:
            break
        level += 1
    return level


def cases_escalate(*, now: datetime | None = None) -> int:
    """Report every breached stage one level further up when its time has come (the
    periodic task runs this); returns how many escalations were made. Safe to run
    twice at once: a case climbs a level only if it is still where it was seen."""
    now = now or timezone.now()
    made = 0
    for case in selectors.cases_past_due(now=now, top_level=len(ESCALATION_LEVELS)).iterator(
        chunk_size=500
    ):
        level = _escalation_due(case, now)
        if level <= case.escalation_level:
            continue
        made += _escalate(case, level, now)
    return made


@transaction.atomic
def _escalate(case: Case, level: int, now: datetime) -> int:
    """Climb from the case's level to `level`, one escalation (and one round of
    notifications) per level passed: a task that was not running skips nobody."""
    moved = Case.objects.filter(
        pk=case.pk, stage=case.stage, due_at=case.due_at, escalation_level=case.escalation_level
    ).update(escalation_level=level)
    if not moved:  # the case moved on meanwhile, or another run did this
        return 0
    paths = [case.region.path[: PATH_LENGTH[lv]] for lv in ESCALATION_LEVELS]
    regions = {r.path: r for r in Region.objects.filter(path__in=paths)}
    for step in range(case.escalation_level + 1, level + 1):
        region = regions[paths[step - 1]]
        supervisors = list(
            selectors.supervisors_at(region, SUPERVISING[case.stage]).values_list("pk", flat=True)
        )
        escalation = CaseEscalation.objects.create(
            case=case,
            stage=case.stage,
            level=step,
            region=region,
            notified=len(supervisors),
            at=now,
        )
        events.publish(
            Escalated(
                case_id=case.pk,
                escalation_id=escalation.pk,
                stage=case.stage,
                since=case.stage_since.isoformat(),
                level=step,
                people=supervisors,
            )
        )
    return level - case.escalation_level
