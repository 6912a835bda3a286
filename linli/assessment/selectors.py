"""Every read of the assessment app: scales offered, assessments in the user's
regions, a resident's history, and `current_level` and `current_level_in` for the
apps above (care, entitlements)."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from linli.assessment.choices import AssessmentState
from linli.assessment.models import Assessment, Scale
from linli.assessment.permissions import ASSESSMENT_VIEW

if TYPE_CHECKING:
    from linli.core.scoping import AnyUser
    from linli.registry.models import Resident


@dataclass(frozen=True)
class Level:
    """A resident's care level: that of their latest confirmed assessment.

    `code` is one of choices.CareLevel ("intact", "mild", "moderate", "severe",
    "total"), `name` the scale's own name for it (能力完好 … 完全失能), `scale` the
    scale and version ("gbt-42195 2022")."""

    code: str
    name: str
    assessed_on: date
    scale: str
    due_on: date | None
    assessment_id: int


def current_level(resident: "Resident") -> Level | None:
    """The care level of `resident` from their latest confirmed assessment (by date,
    then the latest entered), or None if they have none. No scope check: the caller
    has already fetched the resident through its own `visible_to`."""
    latest = latest_confirmed(resident)
    if latest is None:
        return None
    return Level(
        code=latest.level,
        name=latest.scale.parsed.level(latest.level).name,
        assessed_on=latest.assessed_on,
        scale=f"{latest.scale.code} {latest.scale.version}",
        due_on=latest.due_on,
        assessment_id=latest.pk,
    )


def current_level_in(levels: list[str]) -> Exists:
    """A condition on registry residents: their latest confirmed assessment (as
    `latest_confirmed` picks it) is at one of `levels` (CareLevel codes)."""
    newer = Assessment.objects.filter(
        resident=OuterRef("resident"), state=AssessmentState.CONFIRMED
    ).filter(
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
    )
    return Exists(
        Assessment.objects.filter(
            resident=OuterRef("pk"), state=AssessmentState.CONFIRMED, level__in=levels
        ).exclude(Exists(newer))
    )


def latest_confirmed(resident: "Resident") -> Assessment | None:
    return (
        Assessment.objects.filter(resident=resident, state=AssessmentState.CONFIRMED)
        .select_related("scale")
        .order_by("-assessed_on", "-pk")
        .first()
    )


def scales_offered() -> QuerySet[Scale]:
    """The versions offered for new assessments (one per scale code)."""
    return Scale.objects.filter(active=True).order_by("-code")


def assessments_visible(*, user: "AnyUser", action: str = ASSESSMENT_VIEW) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user, action).select_related(
        "resident", "scale", "grid", "grid__parent", "assessor", "second_assessor"
    )


def history(*, user: "AnyUser", resident: "Resident") -> QuerySet[Assessment]:
    """A resident's assessments, newest first (in the user's regions)."""
    return assessments_visible(user=user).filter(resident=resident)


DEFAULT_SCALE = "gbt-42195"  # the national scale in force; MZ/T 039 is for old records


def default_scale(offered: list[Scale], chosen: str | None) -> Scale | None:
    """The scale picked by its key (None if it is not offered), else the national one."""
    if chosen:
        return next((s for s in offered if str(s.pk) == chosen), None)
    return next((s for s in offered if s.code == DEFAULT_SCALE), offered[0] if offered else None)
