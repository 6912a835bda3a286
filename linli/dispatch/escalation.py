"""Unanswered care calls escalated: the second in a row for an elder becomes a grid
task (gridwork.GridTask, kind `dispatch.care-unanswered`, one open per elder) for the
grid's workers to knock on the door; an answered care call later closes it."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.dispatch.choices import CARE_ESCALATE_AFTER, CareState
from linli.dispatch.models import CareCall
from linli.gridwork.services import grid_task_create, grid_tasks_close
from linli.gridwork.task_kinds import TaskKind

KIND = TaskKind(
    "dispatch.care-unanswered",
    gettext_lazy("Care calls unanswered: visit the elder"),
    "registry:resident-detail",
)


def escalate_unanswered(care_call: CareCall) -> bool:
    """A grid task when the last CARE_ESCALATE_AFTER recorded calls of the elder went
    unanswered (and none of them was escalated yet). Returns whether it made one."""
    last = list(
        CareCall.objects.filter(resident=care_call.resident_id, recorded_at__isnull=False)
        .exclude(state=CareState.DUE)
        .order_by("-due_on", "-pk")[:CARE_ESCALATE_AFTER]
    )
    if len(last) < CARE_ESCALATE_AFTER or any(
        c.state != CareState.UNANSWERED or c.escalated for c in last
    ):
        return False
    resident = care_call.resident
    grid_task_create(
        kind=KIND.code,
        ref=str(resident.pk),
        grid=care_call.grid,
        title=_("Visit %(name)s: care calls unanswered %(n)s times in a row")
        % {"name": resident.name, "n": CARE_ESCALATE_AFTER},
        detail=_(
            "Proactive care calls to this elder living alone went unanswered %(n)s times"
            " in a row: please visit the home and record how the elder is."
        )
        % {"n": CARE_ESCALATE_AFTER},
        due_on=timezone.localdate() + timedelta(days=1),
        resident=resident,
    )
    CareCall.objects.filter(pk=care_call.pk).update(escalated=True)
    care_call.escalated = True
    return True


def reached(care_call: CareCall) -> None:
    """The elder answered: the visit asked for is no longer needed."""
    grid_tasks_close(kind=KIND.code, ref=str(care_call.resident_id))
