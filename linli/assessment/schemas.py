"""The assessment API's schemas. Answers, diagnoses and care-risk events are health
data: only the detail of one assessment carries them, to those who may view it."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from linli.assessment.choices import AssessmentReason, AssessmentState, CareLevel
from linli.assessment.scaledef import MAX_EVENTS, MAX_ITEMS
from linli.assessment.services import MAX_PLACE
from linli.core.schemas import Id


class AssessmentScaleOut(Schema):
    id: int
    code: str
    version: str
    name: str
    active: bool = Field(description="Offered for new assessments (older versions are kept).")
    loaded_at: datetime


class AssessmentScaleDetailOut(AssessmentScaleOut):
    definition: dict[str, Any] = Field(
        description="The scale as its file gave it: levels, sections with items, options "
        "and scores, grades, result bands or rules, override rules (docs/assessment.md)."
    )


class WithdrawIn(Schema):
    reason: str = Field(min_length=2, max_length=200, description="Why it is withdrawn.")


class AssessmentIn(Schema):
    resident: Id
    scale: Id = Field(description="A scale version offered for new assessments.")
    reason: AssessmentReason
    assessed_on: date
    place: str = Field(min_length=1, max_length=MAX_PLACE)
    second_assessor: Id = Field(description="The user who confirms the assessment.")
    answers: dict[str, str] = Field(
        max_length=MAX_ITEMS, description="Every item's code → the code of the option chosen."
    )
    factors: list[str] = Field(
        default_factory=list, max_length=20, description="Codes of the scale's diagnoses present."
    )
    risk_events: dict[str, int] = Field(
        default_factory=dict,
        max_length=20,
        description=f"Care-risk event code → times within the scale's window (0–{MAX_EVENTS}).",
    )


class AssessmentOut(Schema):
    id: int
    resident_id: int
    resident_name: str = Field(alias="resident.name")
    grid_code: str = Field(alias="grid.code")
    scale_code: str = Field(alias="scale.code")
    scale_version: str = Field(alias="scale.version")
    reason: AssessmentReason
    assessed_on: date
    place: str
    assessor_id: int
    second_assessor_id: int
    total: int
    raw_level: CareLevel = Field(description="The level by the score alone.")
    level: CareLevel = Field(description="The final level, after the override rules.")
    overridden: bool
    state: AssessmentState
    confirmed_at: datetime | None
    withdrawn_at: datetime | None
    due_on: date | None = Field(description="Re-assessment due (once confirmed).")


class AssessmentSectionOut(Schema):
    code: str
    name: str
    score: int
    max_score: int
    grade: int | None


class OverrideAppliedOut(Schema):
    code: str
    name: str
    why: str
    before: CareLevel
    after: CareLevel


class AssessmentDetailOut(AssessmentOut):
    answers: dict[str, str]
    section_scores: list[AssessmentSectionOut]
    factors: list[str]
    risk_events: dict[str, int]
    overrides: list[OverrideAppliedOut] = Field(description="The override rules applied, with why.")
