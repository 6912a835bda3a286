"""What the case engine does once its changes are committed (subscribed in
CasesConfig.ready): it tells people — the new assignee, the reporter of a closed or
merged case, the assignee of a returned one, the supervisors of an overdue one."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.choices import Stage
from linli.cases.events import Escalated, StageChanged
from linli.cases.models import Case
from linli.notifications.services import notify


def _case(case_id: int) -> Case:
    return Case.objects.select_related("category", "assignee", "reporter", "duplicate_of").get(
        pk=case_id
    )


def _url(case: Case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


def tell_the_assignee(event: StageChanged) -> None:
    """A case dispatched to someone else than who dispatched it: it is theirs now."""
    if event.to_stage != Stage.DISPATCHED or event.assignee_id in (None, event.actor_id):
        return
    case = _case(event.case_id)
    notify(
        users=get_user_model().objects.filter(pk=event.assignee_id),
        kind="case-dispatched",
        title=_("Case %(code)s is yours: %(category)s")
        % {"code": case.code, "category": case.category.name},
        body=case.description[:200],
        url=_url(case),
    )


def tell_the_reporter(event: StageChanged) -> None:
    """A closed case, to rate; a report merged into the case it repeats, to follow."""
    if event.to_stage == Stage.CLOSED:
        case = _case(event.case_id)
        notify(
            users=[case.reporter],
            kind="case-closed",
            title=_("Case %(code)s is closed: please rate it") % {"code": case.code},
            body=case.description[:200],
            url=_url(case),
        )
    elif event.to_stage == Stage.REJECTED:
        case = _case(event.case_id)
        if case.duplicate_of is not None and case.reporter is not None:
            notify(
                users=[case.reporter],
                kind="case-merged",
                title=_("Your report %(code)s was merged into %(into)s")
                % {"code": case.code, "into": case.duplicate_of.code},
                url=_url(case.duplicate_of),
            )


def tell_of_rework(event: StageChanged) -> None:
    """A case returned for rework: its assignee has more to do."""
    if event.from_stage != Stage.HANDLED or event.to_stage != Stage.HANDLING:
        return
    case = _case(event.case_id)
    notify(
        users=[case.assignee],
        kind="case-returned",
        title=_("Case %(code)s is back for rework") % {"code": case.code},
        body=event.note[:500],
        url=_url(case),
    )


def tell_the_supervisors(event: Escalated) -> None:
    """An overdue stage reported one level up: its supervisors there."""
    case = _case(event.case_id)
    notify(
        users=get_user_model().objects.filter(pk__in=event.people),
        kind="case-overdue",
        title=_("Overdue: case %(code)s, %(stage)s since %(since)s")
        % {
            "code": case.code,
            "stage": Stage(event.stage).label,
            "since": timezone.localtime(datetime.fromisoformat(event.since)).strftime(
                "%Y-%m-%d %H:%M"
            ),
        },
        body=case.description[:200],
        url=_url(case),
    )
