from django.tasks import task
from django.utils import timezone

from linli.dispatch.choices import CARE_EVERY_DAYS
from linli.dispatch.services import care_calls_due


@task()
def care_calls_schedule() -> int:
    """Proactive care calls (主动关怀): one a week per elder living alone."""
    return care_calls_due(today=timezone.localdate(), every_days=CARE_EVERY_DAYS)
