"""The assessments list's filter, shared by the console page and the API."""

from datetime import timedelta
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.assessment.choices import AssessmentReason, AssessmentState, CareLevel
from linli.core.schemas import Id
from linli.regions.filters import InGrid

DUE_SOON_DAYS = 30


class AssessmentFilter(InGrid):
    labels = {
        "level": gettext_lazy("Care levels"),
        "scale": gettext_lazy("Scale"),
        "reason": gettext_lazy("Reason for assessment"),
        "state": gettext_lazy("State"),
        "due": gettext_lazy("Re-assessment"),
        "resident": gettext_lazy("Resident"),
    }
    level: list[CareLevel] = Field(default_factory=list, description="Any of these final levels.")
    scale: str | None = Field(None, max_length=40, description="A scale's code.")
    reason: AssessmentReason | None = Field(None, description="Why the assessment was made.")
    state: AssessmentState | None = Field(
        None, description="Awaiting the second assessor, or confirmed."
    )
    due: Literal["overdue", "soon"] | None = Field(
        None,
        description="Residents' latest confirmed assessments whose re-assessment is overdue, "
        f"or due within {DUE_SOON_DAYS} days.",
    )
    resident: Id | None = Field(None, description="One resident's assessments.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.level:
            conditions &= Q(level__in=self.level)
        if self.scale:
            conditions &= Q(scale__code=self.scale)
        if self.reason:
            conditions &= Q(reason=self.reason)
        if self.state:
            conditions &= Q(state=self.state)
        if self.resident:
            conditions &= Q(resident_id=self.resident)
        if self.due:
            today = timezone.localdate()
            limit = today if self.due == "overdue" else today + timedelta(days=DUE_SOON_DAYS)
            later = found.model.objects.filter(
                resident=OuterRef("resident"),
                state=AssessmentState.CONFIRMED,
                assessed_on__gt=OuterRef("assessed_on"),
            )
            conditions &= Q(state=AssessmentState.CONFIRMED, due_on__lt=limit) & ~Q(Exists(later))
        return self.in_region(found.filter(conditions))
