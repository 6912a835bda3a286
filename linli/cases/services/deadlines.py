"""Time limits and deadlines: a stage's limit (`Category.*_hours`, by
`choices.TIMED_STAGES`) counted on its category's clock — working hours, or round
the clock for emergencies. Used when a case is reported (`intake`), when it moves
(`transitions`) and to see how far up an overdue stage has to be reported
(`escalation`).
"""

from datetime import datetime, timedelta

from linli.cases.choices import TIMED_STAGES
from linli.cases.models import Category
from linli.core.workdays import add_working_hours


def _after(category: Category, start: datetime, hours: float) -> datetime:
    """`hours` after `start` on the category's clock: working hours, or (emergencies)
    round the clock."""
    if category.working_hours:
        return add_working_hours(start, hours)
    return start + timedelta(hours=hours)


def _limit(category: Category, stage: str) -> int | None:
    return getattr(category, TIMED_STAGES[stage]) if stage in TIMED_STAGES else None


def _due(category: Category, stage: str, start: datetime) -> datetime | None:
    hours = _limit(category, stage)
    return _after(category, start, hours) if hours else None
