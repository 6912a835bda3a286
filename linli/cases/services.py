"""Writes of the case engine: reporting, and one service per stage change.

Every transition locks the case (`select_for_update`), checks the stage it leaves
and the actor's right, moves the case, and writes a `CaseTransition` row in the
same transaction. Two people acting on one case at once: the second waits for the
first, then finds the case in another stage (or, when they say which version they
saw, changed) and gets a `Conflict` (409 in the API) saying so; nothing of theirs is saved.
"""

import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import people_who_may
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases import categories, selectors
from linli.cases.choices import DISTRICT_PATH, OPEN_STAGES, TIMED_STAGES, Source, Stage
from linli.cases.models import (
    MAX_DESCRIPTION,
    Case,
    CaseEscalation,
    CasePhoto,
    CaseSupport,
    CaseTransition,
    Category,
    RoutingRule,
)
from linli.cases.permissions import (
    CASE_ACCEPT,
    CASE_CONFIGURE,
    CASE_DISPATCH,
    CASE_HANDLE,
    CASE_REPORT,
    CASE_VERIFY,
    CASE_VIEW,
)
from linli.cases.photos import CheckedPhoto, photo_check
from linli.cases.questions import answers_clean
from linli.core.geojson import contains
from linli.core.problems import Conflict
from linli.core.workdays import add_working_hours
from linli.notifications.services import notify
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.selectors import acting_for

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
PHONE_PATTERN = r"^1[3-9]\d{9}$"


def _new_code() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    return day + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


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


def _case_url(case: Case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


def _locate(
    region: Region | None, longitude: Decimal | None, latitude: Decimal | None, address: str
) -> Region:
    """Where the case is: the grid holding the point, else the region given."""
    if (longitude is None) != (latitude is None):
        raise ValidationError({"latitude": _("Give both longitude and latitude, or neither.")})
    if longitude is None and not (region and address):
        raise ValidationError(
            {"address": _("Give the location: a point on the map, or the place and an address.")}
        )
    if longitude is not None:
        grids = Region.objects.filter(
            level=Level.GRID, path__startswith=region.path if region else DISTRICT_PATH
        ).filter(retired_at__isnull=True)
        for grid in grids.only("pk", "path", "boundary"):
            if contains(grid.boundary, float(longitude), float(latitude)):
                return grid
        if region is not None and contains(region.boundary, float(longitude), float(latitude)):
            return region
        raise ValidationError(
            {"latitude": _("This location is outside the district (or the place given).")}
        )
    if not region.path.startswith(DISTRICT_PATH) or region.level not in (
        Level.GRID,
        Level.COMMUNITY,
    ):
        raise ValidationError({"region": _("Choose a community or grid of the district.")})
    return region


@transaction.atomic
def case_report(
    *,
    category: Category,
    description: str,
    source: str,
    by,
    region: Region | None = None,
    address: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    reporter_name: str = "",
    reporter_phone: str | None = None,
    request_key: str = "",
    answers: dict | None = None,
    photos: Sequence[CheckedPhoto] = (),
) -> Case:
    """A new case, in stage "reported", with the time to accept it running.

    Staff report in their scope (a grid worker's event, a hotline call taken for a
    caller); residents and other systems report anywhere in the district. A
    `request_key` (the API's Idempotency-Key, the form's one-time token) makes a
    repeated submission by the same reporter return the case made the first time.
    `photos` (checked by `photos.photo_check` before: nothing is written for a bad
    one) are stored with it.
    """
    if len(photos) > CasePhoto.MAX_PHOTOS:
        raise ValidationError(
            {"photo": _("A case has at most %(n)s photos.") % {"n": CasePhoto.MAX_PHOTOS}}
        )
    reporter = by if getattr(by, "is_authenticated", False) else None
    if request_key and reporter is not None:
        first = Case.objects.filter(reporter=reporter, request_key=request_key).first()
        if first is not None:
            return first
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("At most %(n)s characters (this one has %(count)s).")
            % {"n": MAX_DESCRIPTION, "count": len(description)}
        ]
    if not category.active or category.children.exists():
        errors["category"] = [_("Choose one of the active categories at the lowest level.")]
    if source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    if reporter_phone and not re.fullmatch(PHONE_PATTERN, reporter_phone.strip()):
        errors["reporter_phone"] = [
            _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
        ]
    if "category" not in errors:
        try:
            answers = answers_clean(category.questions, answers)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    place = _locate(region, longitude, latitude, address.strip())
    if source in (Source.GRID_WORKER, Source.HOTLINE):
        ensure_may(by, place, CASE_REPORT)
    now = timezone.now()
    case = Case(
        code=_new_code(),
        category=category,
        region=place,
        source=source,
        description=description,
        address=address.strip()[:200],
        longitude=longitude,
        latitude=latitude,
        reporter=reporter,
        request_key=request_key[:64] if reporter is not None else "",
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=(reporter_phone or "").strip() or None,
        answers=answers,
        stage_since=now,
        due_at=_due(category, Stage.REPORTED, now),
    )
    try:
        # The fields' own checks; the keys were looked up by the caller, and the one
        # constraint (reporter + request key) is kept by the database (see below).
        case.full_clean(
            exclude=["code", "category", "region", "reporter"], validate_constraints=False
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        if not case.request_key:
            raise
        return Case.objects.get(reporter=reporter, request_key=case.request_key)
    CaseTransition.objects.create(
        case=case, from_stage="", to_stage=Stage.REPORTED, actor=case.reporter, at=now
    )
    stored: list[CasePhoto] = []
    try:
        _photos_store(case, list(photos), by, stored)
    except BaseException:
        _photos_remove(stored)
        raise
    return case


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
    CaseTransition.objects.create(
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
    return locked


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
    return _dispatched(
        _move(
            accepted,
            allowed=(Stage.ACCEPTED,),
            to=Stage.DISPATCHED,
            by=None,
            action=None,
            note=_("Routing rule: %(rule)s") % {"rule": rule.name},
            assignee=handler,
        ),
        by=by,
    )


def _dispatched(case: Case, *, by) -> Case:
    """Tell the new assignee (after commit)."""
    if case.assignee_id != getattr(by, "pk", None):
        notify(
            users=[case.assignee],
            kind="case-dispatched",
            title=_("Case %(code)s is yours: %(category)s")
            % {"code": case.code, "category": case.category.name},
            body=case.description[:200],
            url=_case_url(case),
        )
    return case


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
    if merged.reporter_id:
        notify(
            users=[merged.reporter],
            kind="case-merged",
            title=_("Your report %(code)s was merged into %(into)s")
            % {"code": merged.code, "into": into.code},
            url=_case_url(into),
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
    return _dispatched(
        _move(
            case,
            allowed=(Stage.ACCEPTED, Stage.DISPATCHED),
            to=Stage.DISPATCHED,
            by=by,
            action=CASE_DISPATCH,
            note=note,
            version=version,
            assignee=to,
        ),
        by=by,
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
def case_finish(*, case: Case, by, note: str, version: int | None = None) -> Case:
    """处理反馈: the handler reports what was done; the case waits to be verified."""
    _ensure_assignee(case, by)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    return _move(
        case,
        allowed=(Stage.DISPATCHED, Stage.HANDLING),
        to=Stage.HANDLED,
        by=by,
        action=CASE_HANDLE,
        note=note,
        version=version,
    )


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
    notify(
        users=[closed.reporter],
        kind="case-closed",
        title=_("Case %(code)s is closed: please rate it") % {"code": closed.code},
        body=closed.description[:200],
        url=_case_url(closed),
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
    notify(
        users=[returned.assignee],
        kind="case-returned",
        title=_("Case %(code)s is back for rework") % {"code": returned.code},
        body=note.strip()[:500],
        url=_case_url(returned),
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
    """综合评价: the reporter's 1–5 rating and comment of a closed case."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    _ensure_reporter_or_staff(case, by, CASE_VERIFY)
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


def categories_ensure_defaults() -> None:
    """The seeded categories (the migration makes them on install; tests that flush
    the database and the demo call this)."""
    categories.ensure(Category)


@transaction.atomic
def case_support(*, case: Case, by) -> Case:
    """+1: the person met the same open problem; counted once per person."""
    if case.stage not in OPEN_STAGES:
        raise Conflict(
            _("This case is %(stage)s: report the problem anew if it is back.")
            % {"stage": case.get_stage_display()},
            code="wrong_stage",
        )
    _support, created = CaseSupport.objects.get_or_create(case=case, user=by)
    if created:
        Case.objects.filter(pk=case.pk).update(supporters=F("supporters") + 1)
    case.refresh_from_db(fields=["supporters"])
    return case


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
    title = _("Overdue: case %(code)s, %(stage)s since %(since)s") % {
        "code": case.code,
        "stage": case.get_stage_display(),
        "since": timezone.localtime(case.stage_since).strftime("%Y-%m-%d %H:%M"),
    }
    for step in range(case.escalation_level + 1, level + 1):
        region = regions[paths[step - 1]]
        supervisors = list(selectors.supervisors_at(region, SUPERVISING[case.stage]))
        CaseEscalation.objects.create(
            case=case,
            stage=case.stage,
            level=step,
            region=region,
            notified=len(supervisors),
            at=now,
        )
        notify(
            users=supervisors,
            kind="case-overdue",
            title=title,
            body=case.description[:200],
            url=_case_url(case),
        )
    return level - case.escalation_level


# Configuration: categories' time limits (district-wide) and routing rules (per region).


@transaction.atomic
def category_update(*, category: Category, by, **changes) -> Category:
    """Change a category's time limits, clock or activity (district-wide policy:
    `case.configure` over the whole district). Cases already in a stage keep the
    deadline they were given."""
    ensure_may(by, selectors.district(), CASE_CONFIGURE)
    unknown = set(changes) - set(Category.SETTINGS)
    if unknown:
        raise ValueError(f"not category settings: {sorted(unknown)}")
    locked = Category.objects.select_for_update().get(pk=category.pk)
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    changed = {n: [before[n], v] for n, v in changes.items() if before[n] != v}
    if changed:
        locked.save(update_fields=list(changed))
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=locked,
            region=selectors.district(),
            object_label=locked.code,
            details={"changed": changed},
        )
    return locked


@transaction.atomic
def routing_rule_create(
    *,
    by,
    name: str,
    region: Region,
    target: str,
    category: Category | None = None,
    handler=None,
    organisation=None,
    starts_at=None,
    ends_at=None,
) -> RoutingRule:
    """A routing rule for a region where `by` may configure cases; a named handler
    must be able to handle cases there, a named organisation must have someone who
    can (a grant acting for it)."""
    ensure_may(by, region, CASE_CONFIGURE)
    if handler is not None and not may(handler, region, CASE_HANDLE):
        raise ValidationError(
            {"handler": _("%(name)s cannot handle cases here.") % {"name": str(handler)}}
        )
    if (
        organisation is not None
        and not people_who_may(CASE_HANDLE, region, among=acting_for(organisation)).exists()
    ):
        raise ValidationError(
            {
                "organisation": _("Nobody acting for %(name)s can handle cases here.")
                % {"name": organisation.name}
            }
        )
    rule = RoutingRule(
        name=(name or "").strip(),
        region=region,
        target=target,
        category=category,
        handler=handler,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    rule.full_clean()
    rule.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=rule,
        region=region,
        object_label=rule.name[:40],
        details={"target": target, "category": category.code if category else None},
    )
    return rule


@transaction.atomic
def routing_rule_deactivate(*, rule: RoutingRule, by) -> RoutingRule:
    ensure_may(by, rule.region, CASE_CONFIGURE)
    if rule.active:
        rule.active = False
        rule.save(update_fields=["active"])
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=rule,
            object_label=rule.name[:40],
            details={"changed": {"active": [True, False]}},
        )
    return rule


def case_photo_add(*, case: Case, upload, by) -> CasePhoto:
    """A photo for a case that is not finished: by its reporter, its assignee, or staff
    who may report, handle or verify cases there. Checked and re-encoded (photos.py)
    and written before the short transaction that records it, so that no lock is held
    while an image is decoded; the file is removed again if the record is not made."""
    _photo_allowed(case, by)
    checked = photo_check(upload)
    stored: list[CasePhoto] = []
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
            _photo_allowed(locked, by)  # again, now that the case cannot change
            _photos_store(locked, [checked], by, stored)
    except BaseException:
        _photos_remove(stored)
        raise
    return stored[0]


def _photos_store(case: Case, photos: list[CheckedPhoto], by, stored: list[CasePhoto]) -> None:
    """Write checked photos' files and records, in the caller's transaction; each is
    appended to `stored` as soon as its file exists (for `_photos_remove`)."""
    for checked in photos:
        photo = CasePhoto(
            case=case,
            stage=case.stage,
            content_type=checked.content_type,
            width=checked.width,
            height=checked.height,
            size=len(checked.content),
            longitude=checked.longitude,
            latitude=checked.latitude,
            by=by if getattr(by, "is_authenticated", False) else None,
            added_at=timezone.now(),
        )
        photo.file.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
        stored.append(photo)
        photo.save()


def _photos_remove(stored: list[CasePhoto]) -> None:
    """The files of photos whose records were not committed."""
    for photo in stored:
        photo.file.delete(save=False)


def _photo_allowed(case: Case, by) -> None:
    if not getattr(by, "is_authenticated", False) or not selectors.adds_photos(user=by, case=case):
        raise PermissionDenied
    if case.stage in selectors.PHOTO_CLOSED:
        raise Conflict(
            _("This case is %(stage)s: photos can no longer be added.")
            % {"stage": case.get_stage_display()},
            code="wrong_stage",
        )
    if case.photos.count() >= CasePhoto.MAX_PHOTOS:
        raise ValidationError(
            {"photo": _("A case has at most %(n)s photos.") % {"n": CasePhoto.MAX_PHOTOS}}
        )
