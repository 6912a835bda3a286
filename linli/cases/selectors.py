from django.db.models import Q, QuerySet

from linli.cases.filters import CaseFilter
from linli.cases.models import Case, Category
from linli.cases.permissions import CASE_VIEW


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
