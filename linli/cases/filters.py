"""One filter of the case list, shared by the console, the API and the export."""

from django.db.models import Q, QuerySet
from ninja import Field, Schema

from linli.cases.choices import Source, Stage
from linli.regions.models import Region


class CaseFilter(Schema):
    stage: list[Stage] = Field(default_factory=list, description="Any of these stages.")
    category: str | None = Field(
        None, max_length=40, description="Category code (a top category takes its children)."
    )
    region: str | None = Field(
        None, pattern=r"^\d{12}(\d{3})?$", description="Division or grid code: cases below it."
    )
    source: Source | None = None
    mine: bool = Field(False, description="Only cases assigned to the caller.")
    overdue: bool = Field(False, description="Only open cases past their stage's time limit.")
    q: str | None = Field(None, max_length=50, description="Tracking code or words.")

    def apply(self, cases: QuerySet, *, user) -> QuerySet:
        conditions = Q()
        if self.stage:
            conditions &= Q(stage__in=self.stage)
        if self.category:
            conditions &= Q(category__code=self.category) | Q(category__parent__code=self.category)
        if self.region:
            path = Region.objects.filter(code=self.region).values_list("path", flat=True).first()
            if path is None:
                return cases.none()
            conditions &= Q(region__path__startswith=path)
        if self.source:
            conditions &= Q(source=self.source)
        if self.mine:
            conditions &= Q(assignee=user)
        if self.q:
            words = self.q.strip()
            conditions &= Q(code=words.upper()) | Q(description__contains=words)
        found = cases.filter(conditions)
        return found.overdue() if self.overdue else found
