from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.accounts.models import RoleGrant
from linli.cases.choices import OPEN_STAGES
from linli.cases.filters import CaseFilter
from linli.cases.models import Case, Category
from linli.cases.permissions import CASE_HANDLE, CASE_VIEW
from linli.core.permissions import vocabulary
from linli.regions.choices import PATH_LENGTH
from linli.regions.models import Region


def cases_visible(*, user, action: str = CASE_VIEW) -> QuerySet[Case]:
    """Cases in the user's regions for `action`; for viewing, also those they reported
    (a resident follows their own reports)."""
    visible = Case.objects.visible_to(user, action)
    if action != CASE_VIEW or not getattr(user, "is_authenticated", False):
        return visible
    return Case.objects.filter(Q(pk__in=visible.values("pk")) | Q(reporter=user))


def case_list(*, user, filters: CaseFilter) -> QuerySet[Case]:
    return filters.apply(cases_visible(user=user), user=user).select_related(
        "category__parent", "region", "assignee"
    )


def case_detail_queryset(*, user) -> QuerySet[Case]:
    return (
        cases_visible(user=user)
        .select_related("category__parent", "region", "assignee", "reporter")
        .prefetch_related("transitions__actor", "transitions__assignee")
    )


def categories() -> QuerySet[Category]:
    """Every active category (not region-scoped: the same tree everywhere)."""
    return Category.objects.filter(active=True).select_related("parent")


def handlers_for(region: Region) -> QuerySet:
    """Active users who may handle cases of `region` (a grant with `case.handle` at the
    region or above it): whom a case there can be dispatched to."""
    above = [region.path[:length] for length in sorted(set(PATH_LENGTH.values()))]
    grants = RoleGrant.objects.active().filter(
        role__in=vocabulary.roles_allowing(CASE_HANDLE), region__path__in=above
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=grants.values("user"))
        .order_by("username")
    )


SIMILAR_DAYS = 30
SIMILAR_DEGREES = Decimal("0.002")  # about 200 m in 周村


def similar_open_cases(*, category: Category, longitude: Decimal, latitude: Decimal):
    """Open cases of the same category reported nearby in the last SIMILAR_DAYS days:
    what a reporter is shown before filing (to "+1" one instead). Any reporter may see
    these, so they carry no personal data (see `SimilarOut`)."""
    since = timezone.now() - timedelta(days=SIMILAR_DAYS)
    return (
        Case.objects.filter(
            category=category,
            stage__in=OPEN_STAGES,
            created_at__gte=since,
            longitude__range=(longitude - SIMILAR_DEGREES, longitude + SIMILAR_DEGREES),
            latitude__range=(latitude - SIMILAR_DEGREES, latitude + SIMILAR_DEGREES),
        )
        .select_related("category")
        .order_by("-created_at")[:10]
    )
