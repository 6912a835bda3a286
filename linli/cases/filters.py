"""One filter of the case list, shared by the console, the API and the export."""

from datetime import date, datetime, time, timedelta
from typing import Literal, Self

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import Field, Schema
from pydantic import model_validator

from linli.cases.choices import Source, Stage
from linli.regions.models import Region

MAX_KPI_DAYS = 365


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


class KpiQuery(Schema):
    """Which KPIs: the period (dates inclusive, at most a year) and the level they are
    grouped by. Shared by the KPI page and its Excel export."""

    level: Literal["subdistrict", "community", "grid", "handler", "organisation"] = "community"
    start: date | None = Field(None, description="First day (default: 30 days ago).")
    end: date | None = Field(None, description="Last day (default: today).")

    @model_validator(mode="after")
    def _period(self) -> Self:
        today = timezone.localdate()
        self.end = self.end or today
        self.start = self.start or self.end - timedelta(days=29)
        if self.start > self.end:
            raise ValueError("start is after end")
        if (self.end - self.start).days > MAX_KPI_DAYS:
            raise ValueError(f"a period of at most {MAX_KPI_DAYS + 1} days")
        return self

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00), local time."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )
