"""The filters of the hall's lists: the public catalogue (matters) and the staff's
applications, shared by the pages and the API (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.core.lists import ListFilter
from linli.hall.choices import ApplicationState, MatterCategory
from linli.regions.filters import InRegion


class MatterFilter(ListFilter):
    labels = {
        "q": gettext_lazy("Name or keyword"),
        "category": gettext_lazy("Category"),
        "one_visit": gettext_lazy("At most one visit"),
        "district_wide": gettext_lazy("Accepted anywhere in the district"),
    }
    q: str | None = Field(None, max_length=40, description="Words of the name or summary.")
    category: MatterCategory | None = Field(None, description="A category.")
    one_visit: bool = Field(False, description="Only 最多跑一次 matters.")
    district_wide: bool = Field(False, description="Only 全区通办 matters.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.q and self.q.strip():
            for word in self.q.split()[:5]:
                conditions &= (
                    Q(name__contains=word)
                    | Q(summary__contains=word)
                    | Q(conditions__contains=word)
                )
        if self.category:
            conditions &= Q(category=self.category)
        if self.one_visit:
            conditions &= Q(one_visit=True)
        if self.district_wide:
            conditions &= Q(district_wide=True)
        return found.filter(conditions)


class ApplicationFilter(InRegion):
    labels = {
        "state": gettext_lazy("States"),
        "matter": gettext_lazy("Matter"),
        "code": gettext_lazy("Application number"),
        "overdue": gettext_lazy("Over the promised time"),
    }
    state: list[ApplicationState] = Field(default_factory=list, description="Any of these states.")
    matter: str | None = Field(None, max_length=40, description="A matter's code.")
    code: str | None = Field(None, max_length=20, description="An application number.")
    overdue: bool = Field(False, description="Only open applications past their promise.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        from django.utils import timezone

        from linli.hall.choices import FINAL_STATES

        conditions = Q()
        if self.state:
            conditions &= Q(state__in=self.state)
        if self.matter:
            conditions &= Q(matter__code=self.matter)
        if self.code and self.code.strip():
            conditions &= Q(code=self.code.strip().upper())
        if self.overdue:
            conditions &= Q(due_at__lt=timezone.now()) & ~Q(state__in=FINAL_STATES)
        return self.in_region(found.filter(conditions))
