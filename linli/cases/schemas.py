from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from linli.cases import origins
from linli.cases.choices import CategoryKind, Source, Stage
from linli.cases.models import MAX_DESCRIPTION

VERSION = Field(None, ge=1, description="The case's version as last seen: 409 if it changed since.")


class QuestionValueOut(Schema):
    key: str
    name: str


class QuestionOut(Schema):
    """An extra question of a category: answer it in `answers[code]` when reporting."""

    code: str
    description: str
    datatype: str = Field(
        description="string, number, datetime (ISO 8601 with offset), text, "
        "singlevaluelist (one key) or multivaluelist (a list of keys)"
    )
    required: bool = False
    values: list[QuestionValueOut] = []


class CategoryOut(Schema):
    code: str
    name: str
    kind: CategoryKind
    parent: str | None = Field(None, alias="parent.code")
    accept_hours: int
    dispatch_hours: int
    handle_hours: int
    verify_hours: int
    working_hours: bool = Field(
        description="Limits count working hours only (else round the clock)."
    )
    questions: list[QuestionOut]


class CaseOut(Schema):
    id: int
    code: str
    category: str = Field(alias="category.code")
    category_name: str = Field(alias="category.name")
    region_code: str = Field(alias="region.code")
    source: str = Field(
        description="Where it came from: resident, grid_worker, hotline, api, open311, "
        "or a source an app adds (an alarm…)."
    )
    stage: Stage
    description: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    assignee: str | None = Field(None, alias="assignee.username")
    due_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    rating: int | None
    supporters: int
    answers: dict[str, str | list[str]]
    version: int


class SimilarQuery(Schema):
    category: str = Field(max_length=40)
    longitude: Decimal = Field(ge=-180, le=180)
    latitude: Decimal = Field(ge=-90, le=90)


class SimilarOut(Schema):
    """An open case near a new report: no personal data (any reporter sees these)."""

    id: int
    code: str
    category_name: str = Field(alias="category.name")
    stage: Stage
    description: str
    created_at: datetime
    supporters: int


class TransitionOut(Schema):
    from_stage: Stage | None
    to_stage: Stage
    at: datetime
    actor: str | None = Field(None, alias="actor.username")
    assignee: str | None = Field(None, alias="assignee.username")
    note: str
    overdue: bool

    @staticmethod
    def resolve_from_stage(obj) -> str | None:
        return obj.from_stage or None


class PhotoOut(Schema):
    """A photo (stored without metadata); `longitude`/`latitude`: where the camera
    says it was taken, if it said."""

    id: int
    content_type: str
    width: int
    height: int
    stage: Stage
    longitude: Decimal | None
    latitude: Decimal | None
    added_at: datetime


class OriginOut(Schema):
    type: str = Field(description='The kind of object that raised it, e.g. "gridwork.patrol".')
    id: str
    kind: str = Field(description="The kind's name.")
    label: str | None = Field(description="The object's name (for who may see it).")
    url: str | None = Field(description="Its page in the console (for who may see it).")


class CaseDetailOut(CaseOut):
    reporter_name: str
    reporter_phone: str = Field(alias="masked_reporter_phone", description="Masked.")
    rework_count: int
    rating_comment: str
    transitions: list[TransitionOut]
    photos: list[PhotoOut]
    duplicate_of: str | None = Field(
        None, alias="duplicate_of.code", description="The case this report was merged into."
    )
    duplicates: list[str] = Field(description="Tracking codes of the reports merged into it.")
    origin: OriginOut | None = Field(description="What raised the case, if anything.")

    @staticmethod
    def resolve_origin(obj, context) -> dict | None:
        return origins.describe(obj, context["request"].user)

    @staticmethod
    def resolve_duplicates(obj) -> list[str]:
        return [d.code for d in obj.duplicates.all()]

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(obj.transitions.all())

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())


class CaseIn(Schema):
    category: str = Field(max_length=40, description="A lowest-level category code.")
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    region_code: str | None = Field(None, pattern=r"^\d{12}(\d{3})?$")
    address: str = Field("", max_length=200)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=8, decimal_places=6)
    source: str = Field(
        Source.API,
        max_length=12,
        description="Where it came from: a source of the engine (resident, grid_worker, "
        "hotline, api, open311) or one an app adds (an alarm…).",
    )
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str | None = Field(None, max_length=11)
    answers: dict[str, str | list[str]] = Field(
        {}, description="Answers to the category's extra questions, by question code."
    )
    origin_type: str = Field(
        "", max_length=60, description='What raised it: a kind of object, e.g. "gridwork.patrol".'
    )
    origin_id: str = Field("", max_length=40, description="That object's id.")


class StepIn(Schema):
    note: str = Field("", max_length=1000)
    version: int | None = VERSION


class NoteIn(Schema):
    """A step that must say why or what (reject, finish, return, reopen)."""

    note: str = Field(min_length=1, max_length=1000, description="Not blank: why, or what.")
    version: int | None = VERSION


class FinishIn(NoteIn):
    """处理反馈: what was done (for staff), and what the reporter is told."""

    reply: str = Field(
        "", max_length=500, description="Shown to the reporter on the tracking page."
    )
    show_photos: bool = Field(
        False,
        description="Show the reporter the photos added while handling it (the work done).",
    )


class CaseMergeIn(Schema):
    into: str = Field(max_length=16, description="Tracking code of the open case it repeats.")
    version: int | None = VERSION


class DispatchIn(StepIn):
    assignee: str = Field(max_length=40, description="Username of the handler.")


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)
    version: int | None = VERSION
