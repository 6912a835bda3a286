"""The stage machine: one service per step of a case, each through `_move`.

Every transition locks the case (`select_for_update`), checks the stage it leaves
and the actor's right, moves the case, and writes a `CaseTransition` row in the
same transaction. Two people acting on one case at once: the second waits for the
first, then finds the case in another stage (or, when they say which version they
saw, changed) and gets a `Conflict` (409 in the API) saying so; nothing of theirs is saved.

Merging a duplicate (`case_merge`) is here, not with reporting and the "+1" in
`intake`: it is a step like the others — reported → rejected through `_move`, by
whoever may accept reports, posted like the other steps (`/cases/<id>/merge/`,
`POST /api/v1/cases/{id}/merge`) — so every stage change, and every use of
`_move`, is in this one module; carrying the report's +1s over is part of the step.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases import selectors
from linli.cases.choices import OPEN_STAGES, TIMED_STAGES, Stage
from linli.cases.events import StageChanged
from linli.cases.models import Case, CaseSupport, CaseTransition
from linli.cases.permissions import CASE_ACCEPT, CASE_DISPATCH, CASE_HANDLE, CASE_VERIFY, CASE_VIEW
from linli.cases.services.deadlines import _due
from linli.core import events
from linli.core.problems import Conflict
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may

MOVED_FIELDS = ("stage", "stage_since", "version", "due_at", "escalation_level")


def _move(
    case: Case,
    *,
    allowed: tuple[str, ...],
    to: str,
    by,
    action: str | None,
    note: str = "",
    version: int | None = None,
    **changes,
) -> Case:
    """Lock the case, check stage, version and right (`action` in the case's region;
    None when the caller checked who may), move it, log the move."""
    locked = Case.objects.select_for_update().select_related("category", "region").get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            _("Someone changed this case meanwhile (it is now %(stage)s): reload it.")
            % {"stage": locked.get_stage_display()},
            code="conflict",
        )
    if locked.stage not in allowed:
        raise Conflict(
            _("This case is %(stage)s: that step is not possible now.")
            % {"stage": locked.get_stage_display()},
            code="wrong_stage",
        )
    if action is not None:
        ensure_may(by, locked.region, action)
    now = timezone.now()
    overdue = locked.due_at is not None and now > locked.due_at
    from_stage, stage_since = locked.stage, locked.stage_since
    clock = TIMED_STAGES.get(to)
    if clock is None or clock != TIMED_STAGES.get(from_stage):  # else the clock runs on
        locked.due_at = _due(locked.category, to, now)  # (dispatched → handling, reassign)
        locked.escalation_level = 0
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.stage, locked.stage_since, locked.version = to, now, locked.version + 1
    # Only what a move changes: the rest (the caller's encrypted phone…) is left as it is.
    locked.save(update_fields=[*MOVED_FIELDS, *changes])
    transition = CaseTransition.objects.create(
        case=locked,
        from_stage=from_stage,
        to_stage=to,
        actor=by,
        assignee_id=locked.assignee_id,
        note=(note or "").strip()[:1000],
        overdue=overdue,
        duration=now - stage_since,
        rating=changes.get("rating") if to == Stage.EVALUATED else None,
        at=now,
    )
    stage_changed(transition)
    return locked


def stage_changed(transition: CaseTransition) -> None:
    """Publish the change its log row records (subscribers run after commit)."""
    events.publish(
        StageChanged(
            case_id=transition.case_id,
            transition_id=transition.pk,
            from_stage=transition.from_stage,
            to_stage=transition.to_stage,
            actor_id=transition.actor_id,
            assignee_id=transition.assignee_id,
            note=transition.note,
        )
    )


@transaction.atomic
def case_accept(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    """立案: the report is a real problem for the government to solve. When a routing
    rule finds a handler, the case is dispatched to them at once (by the system)."""
    accepted = _move(
        case,
        allowed=(Stage.REPORTED,),
        to=Stage.ACCEPTED,
        by=by,
        action=CASE_ACCEPT,
        note=note,
        version=version,
    )
    handler, rule = selectors.route_for(accepted, timezone.now())
    if handler is None:
        return accepted
    return _move(
        accepted,
        allowed=(Stage.ACCEPTED,),
        to=Stage.DISPATCHED,
        by=None,
        action=None,
        note=_("Routing rule: %(rule)s") % {"rule": rule.name},
        assignee=handler,
    )


@transaction.atomic
def case_reject(*, case: Case, by, note: str, version: int | None = None) -> Case:
    """Not a case (a duplicate, not the government's matter…): the reason is required."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the report is rejected.")})
    return _move(
        case,
        allowed=(Stage.REPORTED,),
        to=Stage.REJECTED,
        by=by,
        action=CASE_ACCEPT,
        note=note,
        version=version,
        closed_at=timezone.now(),
    )


@transaction.atomic
def case_merge(*, case: Case, into: Case, by, version: int | None = None) -> Case:
    """A report of a problem already reported: it is rejected as a duplicate of
    `into` (an open case), linked both ways (`duplicate_of`, `into.duplicates`), and
    its reporter and +1s count as +1s of `into`; the reporter is told where to
    follow it. Returns `into`."""
    # Both locked, in key order (two merges of the pair at once cannot deadlock);
    # then along what `into` was merged into, if it was (a chain is never a loop).
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk"))
    seen = {case.pk}
    into = Case.objects.select_related("region").get(pk=into.pk)
    while into.duplicate_of_id is not None and into.pk not in seen:
        seen.add(into.pk)
        into = (
            Case.objects.select_for_update().select_related("region").get(pk=into.duplicate_of_id)
        )
    if into.pk in seen:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    if into.stage not in OPEN_STAGES:
        raise ValidationError(
            {
                "into": _("Case %(code)s is %(stage)s: merge into an open case.")
                % {"code": into.code, "stage": into.get_stage_display()}
            }
        )
    ensure_may(by, into.region, CASE_VIEW)
    merged = _move(
        case,
        allowed=(Stage.REPORTED,),
        to=Stage.REJECTED,
        by=by,
        action=CASE_ACCEPT,
        note=_("Duplicate of %(code)s.") % {"code": into.code},
        version=version,
        closed_at=timezone.now(),
        duplicate_of=into,
    )
    people = {s.user_id for s in CaseSupport.objects.filter(case=merged)}
    if merged.reporter_id:
        people.add(merged.reporter_id)
    people.discard(into.reporter_id)
    CaseSupport.objects.bulk_create(
        (CaseSupport(case=into, user_id=u) for u in people), ignore_conflicts=True
    )
    supports = (
        CaseSupport.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk"))
    )
    Case.objects.filter(pk=into.pk).update(  # recounted: a +1 made meanwhile is not lost
        supporters=Coalesce(Subquery(supports.values("n")), 0)
    )
    into.refresh_from_db()
    return into


def _ensure_can_handle(user, region: Region) -> None:
    if not may(user, region, CASE_HANDLE):
        raise ValidationError(
            {"assignee": _("%(name)s cannot handle cases here.") % {"name": str(user)}}
        )


@transaction.atomic
def case_dispatch(*, case: Case, to, by, note: str = "", version: int | None = None) -> Case:
    """派遣 to a handler (a grid worker, a department's handler); again to reassign."""
    _ensure_can_handle(to, case.region)
    return _move(
        case,
        allowed=(Stage.ACCEPTED, Stage.DISPATCHED),
        to=Stage.DISPATCHED,
        by=by,
        action=CASE_DISPATCH,
        note=note,
        version=version,
        assignee=to,
    )


def _ensure_assignee(case: Case, by) -> None:
    if by is not None and case.assignee_id != by.pk:
        raise ValidationError(_("Only the person the case is assigned to can do this."))


@transaction.atomic
def case_start(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    """The handler takes the case in hand; the time to handle it runs on."""
    _ensure_assignee(case, by)
    return _move(
        case,
        allowed=(Stage.DISPATCHED,),
        to=Stage.HANDLING,
        by=by,
        action=CASE_HANDLE,
        note=note,
        version=version,
    )


@transaction.atomic
def case_finish(
    *,
    case: Case,
    by,
    note: str,
    reply: str = "",
    show_photos: bool = False,
    version: int | None = None,
) -> Case:
    """处理反馈: the handler reports what was done; the case waits to be verified.
    `reply` is the feedback shown to the reporter on the tracking page (the note stays
    with staff); `show_photos` shows there the photos added while handling it."""
    _ensure_assignee(case, by)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    finished = _move(
        case,
        allowed=(Stage.DISPATCHED, Stage.HANDLING),
        to=Stage.HANDLED,
        by=by,
        action=CASE_HANDLE,
        note=note,
        version=version,
        reply=(reply or "").strip()[:500],
    )
    if show_photos:
        finished.photos.filter(stage__in=(Stage.DISPATCHED, Stage.HANDLING)).update(public=True)
    return finished


@transaction.atomic
def case_close(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    """核查结案: the work is checked and the case closed; the reporter is asked to rate it."""
    closed = _move(
        case,
        allowed=(Stage.HANDLED,),
        to=Stage.CLOSED,
        by=by,
        action=CASE_VERIFY,
        note=note,
        version=version,
        closed_at=timezone.now(),
    )
    return closed


@transaction.atomic
def case_return(*, case: Case, by, note: str, version: int | None = None) -> Case:
    """Not done well enough: back to the handler for rework, with a fresh time limit."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what is still to be done.")})
    locked = Case.objects.get(pk=case.pk)
    returned = _move(
        case,
        allowed=(Stage.HANDLED,),
        to=Stage.HANDLING,
        by=by,
        action=CASE_VERIFY,
        note=note,
        version=version,
        rework_count=locked.rework_count + 1,
        due_at=_due(locked.category, Stage.HANDLING, timezone.now()),
    )
    return returned


def _ensure_reporter_or_staff(case: Case, by, action: str) -> None:
    if by is None or case.reporter_id == by.pk:
        return
    ensure_may(by, case.region, action)  # staff, e.g. calling the reporter back


@transaction.atomic
def case_rate(
    *, case: Case, rating: int, by, comment: str = "", version: int | None = None
) -> Case:
    """综合评价: the reporter's 1–5 rating and comment of a closed case: by the
    reporter signed in, or (`by` None) proving on the tracking page the number they
    reported with. Staff do not rate their own work."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    if by is not None and case.reporter_id != by.pk:
        raise PermissionDenied(_("Only the person who reported the case rates it."))
    return _move(
        case,
        allowed=(Stage.CLOSED,),
        to=Stage.EVALUATED,
        by=by,
        action=None,
        note=comment,
        version=version,
        rating=rating,
        rating_comment=(comment or "")[:500],
    )


@transaction.atomic
def case_reopen(*, case: Case, by, note: str, version: int | None = None) -> Case:
    """A closed case comes back (the problem returned) within the reopen window."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the case is reopened.")})
    locked = Case.objects.get(pk=case.pk)
    window = timedelta(days=settings.LINLI_CASE_REOPEN_DAYS)
    if locked.closed_at and timezone.now() > locked.closed_at + window:
        raise ValidationError(
            _("Closed more than %(days)s days ago: report it as a new case.")
            % {"days": settings.LINLI_CASE_REOPEN_DAYS}
        )
    _ensure_reporter_or_staff(locked, by, CASE_ACCEPT)
    return _move(
        case,
        allowed=(Stage.CLOSED, Stage.EVALUATED),
        to=Stage.ACCEPTED,
        by=by,
        action=None,
        note=note,
        version=version,
        closed_at=None,
        rating=None,
        rating_comment="",
        assignee=None,
    )
