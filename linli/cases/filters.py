"""The case list's filter, shared by the console (inbox and map), the API and the
export (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field
from pydantic import field_validator

from linli.cases import sources
from linli.cases.choices import Stage
from linli.regions.filters import InRegion


class CaseFilter(InRegion):
    labels = {
        "stage": gettext_lazy("Stages"),
        "category": gettext_lazy("Category"),
        "source": gettext_lazy("Source"),
        "mine": gettext_lazy("Mine only"),
        "overdue": gettext_lazy("Overdue only"),
        "q": gettext_lazy("Tracking code or words"),
    }
    stage: list[Stage] = Field(default_factory=list, description="Any of these stages.")
    category: str | None = Field(
        None, max_length=40, description="Category code (a top category takes its children)."
    )
    source: str | None = Field(
        None, max_length=12, description="A source's code (the engine's, or one an app adds)."
    )
    mine: bool = Field(False, description="Only cases assigned to the caller.")
    overdue: bool = Field(False, description="Only open cases past their stage's time limit.")
    q: str | None = Field(None, max_length=50, description="Tracking code or words.")

    @field_validator("source")
    @classmethod
    def _known_source(cls, code: str | None) -> str | None:
        if code and not sources.known(code):
            raise ValueError(_("Unknown source."))
        return code

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.stage:
            conditions &= Q(stage__in=self.stage)
        if self.category:
            conditions &= Q(category__code=self.category) | Q(category__parent__code=self.category)
        if self.source:
            conditions &= Q(source=self.source)
        if self.mine:
            conditions &= Q(assignee=user)
        if self.q and self.q.strip():
            words = self.q.strip()
            conditions &= Q(code=words.upper()) | Q(description__contains=words)
        found = self.in_region(found.filter(conditions))
        return found.overdue() if self.overdue else found
