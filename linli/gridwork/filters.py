"""The filters of grid work's lists (patrols, visits, tasks), shared by the console
and the API (linli.core.lists)."""

from datetime import timedelta
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.gridwork.choices import TaskState
from linli.regions.filters import InGrid


class GridWorkFilter(InGrid):
    """A region, and the last so many days of the list's `when` (its datetime field)."""

    when: ClassVar[str]
    labels = {"days": gettext_lazy("Last days")}
    days: int = Field(30, ge=1, le=366, description="The last so many days.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        since = timezone.now() - timedelta(days=self.days)
        return self.in_region(found.filter(**{f"{self.when}__gte": since}))


class PatrolFilter(GridWorkFilter):
    when: ClassVar[str] = "started_at"


class VisitFilter(GridWorkFilter):
    when: ClassVar[str] = "visited_at"


class TaskFilter(InGrid):
    """Grid tasks: open ones by default, soonest due first."""

    labels = {
        "state": gettext_lazy("State"),
        "kind": gettext_lazy("Kind"),
        "overdue": gettext_lazy("Overdue only"),
    }
    state: TaskState | None = Field(TaskState.OPEN, description="Open by default.")
    kind: str | None = Field(None, max_length=40, description="A task kind's code.")
    overdue: bool = Field(False, description="Open tasks past their due date only.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        found = self.in_region(found)
        if self.state:
            found = found.filter(state=self.state)
        if self.kind:
            found = found.filter(kind=self.kind)
        if self.overdue:
            found = found.filter(state=TaskState.OPEN, due_on__lt=timezone.localdate())
        return found
