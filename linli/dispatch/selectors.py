"""Every read of the dispatch centre that answers a user, from `visible_to`."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.accounts.models import RoleGrant, User
from linli.core.permissions import Role
from linli.dispatch.choices import CareState
from linli.dispatch.filters import CallFilter
from linli.dispatch.models import Call, CallStep, CareCall, Responder, ReturnVisit
from linli.dispatch.permissions import CALL_HANDLE, CALL_VIEW
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.models import Resident

_CALL_RELATED = (
    "grid",
    "alarm__device",
    "house__building",
    "resident",
    "responder__user",
    "case",
)


def calls_visible(*, user: Any, action: str = CALL_VIEW) -> QuerySet[Call]:
    return Call.objects.visible_to(user, action).select_related(*_CALL_RELATED)


def call_list(*, user: Any, filters: CallFilter) -> QuerySet[Call]:
    """Life-priority kinds first is the board's sort (views); here newest first."""
    return filters.apply(calls_visible(user=user), user=user).order_by("-raised_at", "-pk")


def call_steps(*, call: Call) -> QuerySet[CallStep]:
    return call.steps.select_related("actor").order_by("at", "pk")


def responders_visible(*, user: Any, action: str = CALL_VIEW) -> QuerySet[Responder]:
    return (
        Responder.objects.visible_to(user, action)
        .select_related("user", "region", "organisation")
        .order_by("-on_duty", "region__path", "pk")
    )


def responder_candidates(*, user: Any) -> QuerySet[User]:
    """Who `user` may add to the responders: active people with a grid worker's grant,
    or a grant acting for an organisation (a provider's care workers), where `user`
    handles calls."""
    grants = RoleGrant.objects.visible_to(user, CALL_HANDLE).active()
    found: QuerySet[User] = (
        User.objects.filter(is_active=True)
        .filter(
            Q(grants__in=grants.filter(role=Role.GRID_WORKER))
            | Q(grants__in=grants.filter(affiliation__isnull=False))
        )
        .distinct()
        .order_by("full_name", "username")
    )
    return found


def responder_regions(*, user: Any) -> QuerySet[Region]:
    """The communities and grids in use where `user` handles calls."""
    return (
        Region.objects.visible_to(user, CALL_HANDLE)
        .filter(level__in=[Level.COMMUNITY, Level.GRID], retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")
    )


def busy_responders(responders: list[Responder]) -> dict[int, Call]:
    """Each responder's open call (sent or on site), if any."""
    found = Call.objects.filter(
        responder__in=[r.pk for r in responders], closed_at__isnull=True
    ).order_by("-sent_at")
    return {c.responder_id: c for c in found if c.responder_id is not None}


def return_visits_visible(*, user: Any, action: str = CALL_VIEW) -> QuerySet[ReturnVisit]:
    return (
        ReturnVisit.objects.visible_to(user, action)
        .select_related("call__resident", "call__grid", "call__house__building")
        .order_by("done_at", "due_on", "pk")
    )


def care_calls_visible(*, user: Any, action: str = CALL_VIEW) -> QuerySet[CareCall]:
    return CareCall.objects.visible_to(user, action).select_related(
        "resident__household__house__building", "grid"
    )


def care_calls_to_make(*, user: Any, today: date | None = None) -> QuerySet[CareCall]:
    today = today or timezone.localdate()
    return (
        care_calls_visible(user=user)
        .filter(state=CareState.DUE, due_on__lte=today)
        .order_by("due_on", "pk")
    )


def care_calls_recent(*, user: Any, days: int = 14) -> QuerySet[CareCall]:
    since = timezone.localdate() - timedelta(days=days)
    return (
        care_calls_visible(user=user)
        .exclude(state=CareState.DUE)
        .filter(due_on__gte=since)
        .order_by("-recorded_at", "-pk")
    )


def age_of(resident: Resident, today: date | None = None) -> int:
    today = today or timezone.localdate()
    born = resident.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
