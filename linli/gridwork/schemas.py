from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import AwareDatetime

from linli.core.schemas import Id
from linli.gridwork.choices import MAX_POINTS_PER_BATCH, CheckInMethod, TaskState, VisitPurpose

LONGITUDE = Field(ge=-180, le=180, max_digits=9, decimal_places=6)
LATITUDE = Field(ge=-90, le=90, max_digits=8, decimal_places=6)


class PatrolIn(Schema):
    grid_code: str = Field(max_length=15, description="The grid to patrol.")
    route: Id | None = Field(None, description="The id of one's route there, if following one.")


class PatrolOut(Schema):
    id: int
    grid_code: str = Field(alias="grid.code")
    grid_name: str = Field(alias="grid.name")
    worker: str = Field(alias="worker.username")
    route: int | None = Field(None, alias="route_id")
    started_at: datetime
    ended_at: datetime | None
    ended_by_system: bool
    distance: int = Field(description="Metres walked, counting good fixes only.")
    points: int = Field(alias="point_count")


class PointIn(Schema):
    at: AwareDatetime = Field(description="When the fix was taken (ISO 8601 with offset).")
    longitude: Decimal = LONGITUDE
    latitude: Decimal = LATITUDE
    accuracy: int | None = Field(None, ge=0, le=100_000, description="Metres, as reported.")


class PointsIn(Schema):
    points: list[PointIn] = Field(min_length=1, max_length=MAX_POINTS_PER_BATCH)


class PointsOut(Schema):
    added: int = Field(description="New points (a batch sent again adds none).")
    points: int
    distance: int


class CheckInIn(Schema):
    token: str = Field("", max_length=32, description="From the checkpoint's QR code.")
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=8, decimal_places=6)
    accuracy: int | None = Field(None, ge=0, le=100_000)


class CheckInOut(Schema):
    checkpoint: int = Field(alias="checkpoint_id")
    checkpoint_name: str = Field(alias="checkpoint.name")
    at: datetime
    method: CheckInMethod
    distance: int | None = Field(description="Metres from the checkpoint, when located.")


class PatrolDetailOut(PatrolOut):
    track: list[list[float]] = Field(
        alias="trajectory",
        description="The trajectory: [longitude, latitude] pairs in time order.",
    )
    check_ins: list[CheckInOut] = Field(alias="check_in_list")


class CheckpointOut(Schema):
    id: int
    grid_code: str = Field(alias="grid.code")
    name: str
    longitude: Decimal
    latitude: Decimal
    radius: int


class VisitIn(Schema):
    household: Id
    purpose: VisitPurpose
    notes: str = Field("", max_length=2000)
    visited_at: AwareDatetime | None = Field(
        None, description="With an offset. Default: now; up to 30 days back."
    )
    confirmed: bool = Field(False, description="The household's data is still right.")


class VisitOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    grid_code: str = Field(alias="grid.code")
    visitor: str = Field(alias="visitor.username")
    visited_at: datetime
    purpose: VisitPurpose
    notes: str
    confirmed: bool


class TaskOut(Schema):
    id: int
    kind: str = Field(description="The kind's code (the app that handed it out).")
    kind_label: str
    ref: str = Field(description="The app's key of the object the task is about.")
    link: str = Field(description="The page of that object.")
    title: str
    detail: str
    grid_code: str = Field(alias="grid.code")
    resident: int | None = Field(None, alias="resident_id")
    household: int | None = Field(None, alias="household_id")
    due_on: date
    overdue: bool
    state: TaskState
    note: str
    closed_at: datetime | None


class TaskCloseIn(Schema):
    note: str = Field("", max_length=500, description="What was found (done), or why (cancel).")
    cancel: bool = Field(False, description="Cancel the task instead: `note` then required.")
