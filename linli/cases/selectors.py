from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from linli.accounts.models import RoleGrant
from linli.accounts.selectors import people_who_may, people_who_may_in_scope
from linli.cases import origins
from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.filters import CaseFilter
from linli.cases.models import Case, CasePhoto, Category, RoutingRule, RoutingTarget
from linli.cases.permissions import (
    CASE_ACCEPT,
    CASE_CONFIGURE,
    CASE_DISPATCH,
    CASE_HANDLE,
    CASE_REPORT,
    CASE_VERIFY,
    CASE_VIEW,
)
from linli.core.permissions import ADMIN_ROLES
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import district_path, may
from linli.registry.selectors import acting_for


def cases_visible(*, user, action: str = CASE_VIEW) -> QuerySet[Case]:
    """Cases in the user's regions for `action`; for viewing, also those they reported
    (a resident follows their own reports)."""
    visible = Case.objects.visible_to(user, action)
    if action != CASE_VIEW or not getattr(user, "is_authenticated", False):
        return visible
    return Case.objects.filter(Q(pk__in=visible.values("pk")) | Q(reporter=user))


@dataclass(frozen=True)
class Box:
    """A box of the case inbox: its label, the action it needs, which cases it holds."""

    label: Promise
    action: str
    choose: Callable[[Any, Any], QuerySet[Case]]  # (the cases the user sees, the user)


BOXES = {
    "mine": Box(
        gettext_lazy("Mine"),
        CASE_HANDLE,
        lambda qs, user: qs.filter(assignee=user, stage__in=OPEN_STAGES),
    ),
    "to_accept": Box(
        gettext_lazy("To accept"), CASE_ACCEPT, lambda qs, user: qs.filter(stage=Stage.REPORTED)
    ),
    "to_dispatch": Box(
        gettext_lazy("To dispatch"),
        CASE_DISPATCH,
        lambda qs, user: qs.filter(stage=Stage.ACCEPTED),
    ),
    "to_verify": Box(  # 待核查: handled, to verify and close
        gettext_lazy("To check"), CASE_VERIFY, lambda qs, user: qs.filter(stage=Stage.HANDLED)
    ),
    "overdue": Box(gettext_lazy("Overdue"), CASE_VIEW, lambda qs, user: qs.overdue()),
    "all": Box(gettext_lazy("All"), CASE_VIEW, lambda qs, user: qs),
}


def inbox(*, user, box: str, filters: CaseFilter) -> QuerySet[Case]:
    """The cases of the inbox's `box` (a key of BOXES) that match `filters`, newest
    first: the inbox's list, and the home page's counts of it."""
    chosen = BOXES[box]
    found = chosen.choose(cases_visible(user=user, action=chosen.action), user)
    return (
        filters.apply(found, user=user)
        .select_related("category", "region", "assignee")
        .order_by("-created_at", "-pk")
    )


def reported_by(*, user) -> QuerySet[Case]:
    """The cases `user` reported, newest first: a resident's "My reports"."""
    return (
        Case.objects.filter(reporter=user).select_related("category").order_by("-created_at", "-pk")
    )


def case_list(*, user, filters: CaseFilter) -> QuerySet[Case]:
    return filters.apply(cases_visible(user=user), user=user).select_related(
        "category__parent", "region", "assignee"
    )


def cases_raised_by(obj, *, user=None) -> QuerySet[Case]:
    """The cases `obj` raised (their origin, cases.origins): those `user` sees, or all of
    them for the app that owns `obj` acting as the system (an alarm's subscriber)."""
    found = Case.objects.all() if user is None else cases_visible(user=user)
    return found.filter(origin_type=obj._meta.label_lower, origin_id=str(obj.pk)).order_by(
        "created_at", "pk"
    )


def case_detail_queryset(*, user) -> QuerySet[Case]:
    return (
        cases_visible(user=user)
        .select_related("category__parent", "region", "assignee", "reporter", "duplicate_of")
        .prefetch_related("transitions__actor", "transitions__assignee", "photos", "duplicates")
    )


def categories() -> QuerySet[Category]:
    """Every active category (not region-scoped: the same tree everywhere)."""
    return Category.objects.filter(active=True).select_related("parent")


def _handling_grants() -> QuerySet[RoleGrant]:
    """Grants whose job is handling cases: not the administrators' (whose roles hold
    every action, but who are not sent work)."""
    return RoleGrant.objects.active().exclude(role__in=ADMIN_ROLES)


def handlers_for(region: Region) -> QuerySet:
    """Active users who may handle cases of `region` (a grant with `case.handle` at the
    region or above it, not an administrator's): whom a case there can be dispatched
    to — its grid workers, community workers and the departments' handlers."""
    return people_who_may(CASE_HANDLE, region, among=_handling_grants())


def handler_names(handlers: QuerySet) -> dict[int, str]:
    """How the dispatch list names each of `handlers`: their name and the department
    they act for, else their role (张丽 · 社区工作者, 朱建 · 区城市管理局)."""
    grants = (
        RoleGrant.objects.allowing(CASE_HANDLE)
        .exclude(role__in=ADMIN_ROLES)
        .filter(user__in=handlers)
        .select_related("user", "affiliation__organisation")
        .order_by("pk")
    )
    jobs: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for grant in grants:
        affiliation = getattr(grant, "affiliation", None)
        job = affiliation.organisation.name if affiliation else grant.get_role_display()
        if job not in jobs.setdefault(grant.user_id, []):
            jobs[grant.user_id].append(job)
        names[grant.user_id] = grant.user.get_short_name()
    return {pk: " · ".join([names[pk], *jobs[pk]]) for pk in names}


SIMILAR_DAYS = 30
SIMILAR_DEGREES = Decimal("0.002")  # about 200 m in 周村


def similar_open_cases(*, category: Category, longitude: Decimal, latitude: Decimal, within=None):
    """Open cases of the same category reported nearby in the last SIMILAR_DAYS days
    (the newest 10): what a reporter is shown before filing (to "+1" one instead).
    Any reporter may see these, so they carry no personal data (see `SimilarOut`).
    `within`: only these cases (a queryset), e.g. those a user sees."""
    since = timezone.now() - timedelta(days=SIMILAR_DAYS)
    found = Case.objects.public().filter(
        category=category,
        stage__in=OPEN_STAGES,
        created_at__gte=since,
        longitude__range=(longitude - SIMILAR_DEGREES, longitude + SIMILAR_DEGREES),
        latitude__range=(latitude - SIMILAR_DEGREES, latitude + SIMILAR_DEGREES),
    )
    if within is not None:
        found = found.filter(pk__in=within.values("pk"))
    return found.select_related("category").order_by("-created_at")[:10]


def district_communities() -> QuerySet[Region]:
    """The district's active communities (public divisions): where residents report."""
    return (
        Region.objects.filter(
            level=Level.COMMUNITY, path__startswith=district_path(), retired_at__isnull=True
        )
        .select_related("parent")
        .order_by("path")
    )


def grid_boundaries(grids: QuerySet[Region] | None = None) -> dict:
    """Active grids (default: the district's) with a boundary as a GeoJSON
    FeatureCollection (name, boundary): the maps' ground where there is no tile layer."""
    if grids is None:
        grids = Region.objects.filter(path__startswith=district_path())
    grids = grids.filter(
        level=Level.GRID, retired_at__isnull=True, boundary__isnull=False
    ).values_list("name", "boundary")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": name}, "geometry": boundary}
            for name, boundary in grids
        ],
    }


MAP_LIMIT = 2000


def case_map(*, user, filters: CaseFilter) -> dict:
    """The map of the case list: its located cases (newest MAP_LIMIT) as points, on
    the grids of the user's regions."""
    found = case_list(user=user, filters=filters).order_by("-created_at")
    return {
        "boundaries": grid_boundaries(Region.objects.visible_to(user, CASE_VIEW)),
        "cases": case_points(found, limit=MAP_LIMIT),
    }


def case_points(found: QuerySet[Case], *, limit: int) -> list[dict]:
    """The located ones of these cases as map points (static/linli/map.js): where,
    tracking code, link, category and stage, and whether overdue."""
    now = timezone.now()
    stages = dict(Stage.choices)
    rows = found.filter(longitude__isnull=False).values(
        "pk", "code", "longitude", "latitude", "stage", "due_at", "category__name"
    )[:limit]
    return [
        {
            "at": [float(c["longitude"]), float(c["latitude"])],
            "code": c["code"],
            "url": reverse("cases:case-detail", args=[c["pk"]]),
            "label": f"{c['category__name']} · {stages[c['stage']]}",
            "overdue": c["stage"] in OPEN_STAGES and c["due_at"] is not None and c["due_at"] < now,
        }
        for c in rows
    ]


def similar_to(*, user, case: Case) -> list[Case]:
    """For whoever accepts `case`: open cases like it (same category, nearby, recent)
    in the user's regions, that it may repeat, to merge it into one of them."""
    if case.longitude is None:
        return []
    found = similar_open_cases(
        category=case.category,
        longitude=case.longitude,
        latitude=case.latitude,
        within=cases_visible(user=user).exclude(pk=case.pk),
    )
    return list(found)


def _in_hours(rule: RoutingRule, moment: time) -> bool:
    if rule.starts_at is None:
        return True
    if rule.starts_at <= rule.ends_at:
        return rule.starts_at <= moment < rule.ends_at
    return moment >= rule.starts_at or moment < rule.ends_at  # overnight, e.g. 17:30–08:30


def _least_busy(users: QuerySet):
    """Of these users, the one with the fewest open cases assigned (then by name)."""
    open_cases = (
        Case.objects.filter(assignee=OuterRef("pk"), stage__in=OPEN_STAGES)
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        users.annotate(
            open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), Value(0))
        )
        .order_by("open_cases", "username")
        .first()
    )


def route_for(case: Case, at: datetime):
    """Whom the routing rules send an accepted case to, and the rule: the most
    specific active rule (deepest region, then exact category, then its parent, then
    any) whose hours hold `at` and that finds someone who may handle it there; (None,
    None) when no rule does. A rule to the owner finds the organisation owning the
    case's origin (`origins.owner`: a device's owner); a case raised by nothing, or
    by an object without an owner, passes it over."""
    regions = [*case.region.ancestor_paths(), case.region.path]
    categories = [case.category_id, case.category.parent_id]
    rules = (
        RoutingRule.objects.filter(active=True, region__path__in=regions)
        .filter(Q(category__in=[c for c in categories if c]) | Q(category__isnull=True))
        .select_related("region", "handler")
    )
    moment = timezone.localtime(at).time()

    def specificity(rule: RoutingRule):
        rank = categories.index(rule.category_id) if rule.category_id else len(categories)
        return (-len(rule.region.path), rank, rule.pk)

    handlers = handlers_for(case.region)
    for rule in sorted(rules, key=specificity):
        if not _in_hours(rule, moment):
            continue
        if rule.target == RoutingTarget.HANDLER:
            if handlers.filter(pk=rule.handler_id).exists():
                return rule.handler, rule
        elif rule.target == RoutingTarget.ORGANISATION:
            acting = acting_for(rule.organisation)
            chosen = _least_busy(people_who_may(CASE_HANDLE, case.region, among=acting))
            if chosen is not None:
                return chosen, rule
        elif rule.target == RoutingTarget.OWNER:
            owner = origins.owner(case.origin_type, case.origin_id)
            if owner is not None:
                acting = acting_for(owner)
                chosen = _least_busy(people_who_may(CASE_HANDLE, case.region, among=acting))
                if chosen is not None:
                    return chosen, rule
        elif case.region.level == Level.GRID:  # its grid workers: granted at the grid
            chosen = _least_busy(people_who_may(CASE_HANDLE, case.region, here_only=True))
            if chosen is not None:
                return chosen, rule
    return None, None


def supervisors_at(region: Region, action: str) -> QuerySet:
    """Active users whose own grant at exactly this region allows `action`: whom an
    escalation to this level reaches."""
    return people_who_may(action, region, here_only=True)


def cases_past_due(*, now: datetime, top_level: int) -> QuerySet[Case]:
    """Open cases whose current stage is over its time limit and not yet reported to
    the top level (the escalation task's work list; the (stage, due_at) index)."""
    return (
        Case.objects.overdue(now)
        .filter(escalation_level__lt=top_level)
        .select_related("category", "region")
    )


def rules_visible(*, user) -> QuerySet[RoutingRule]:
    """The routing rules of the regions where the user may configure cases."""
    return RoutingRule.objects.visible_to(user, CASE_CONFIGURE).select_related(
        "region", "category__parent", "handler", "organisation"
    )


def configurable_regions(*, user) -> QuerySet[Region]:
    """Where the user may put routing rules: district, subdistricts, communities and
    grids in their scope."""
    return Region.objects.visible_to(user, CASE_CONFIGURE).filter(
        retired_at__isnull=True, path__startswith=district_path()
    )


def handlers_in_scope(*, user) -> QuerySet:
    """Whom a rule of this user's may name: people who may handle cases somewhere in
    the user's scope or above it (a district department serves every community)."""
    return people_who_may_in_scope(
        user=user, action=CASE_HANDLE, scope_action=CASE_CONFIGURE, above=True
    )


PHOTO_ACTIONS = (CASE_REPORT, CASE_HANDLE, CASE_VERIFY)
PHOTO_CLOSED = (Stage.REJECTED, Stage.CLOSED, Stage.EVALUATED)


def adds_photos(*, user, case: Case) -> bool:
    """Whether the user is one who adds photos to this case: its reporter or assignee,
    or staff who may report, handle or verify cases there (whatever the stage)."""
    if not user.is_authenticated:
        return False
    if user.pk in (case.reporter_id, case.assignee_id):
        return True
    return any(may(user, case.region, action) for action in PHOTO_ACTIONS)


def may_add_photo(*, user, case: Case) -> bool:
    """Whether the user may add a photo to the case now (the case page's form)."""
    return (
        case.stage not in PHOTO_CLOSED
        and len(case.photos.all()) < CasePhoto.MAX_PHOTOS
        and adds_photos(user=user, case=case)
    )


def photo_visible(*, user, case_pk: int, photo_pk: int) -> CasePhoto:
    """A photo of a case the user may see, or 404."""
    return get_object_or_404(
        CasePhoto.objects.filter(case__in=cases_visible(user=user)), pk=photo_pk, case_id=case_pk
    )
