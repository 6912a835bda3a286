"""The alerts API's bodies and answers."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from linli.alerts.choices import (
    AlertSeverity,
    AlertUrgency,
    Category,
    Certainty,
    MsgType,
    PlaceKind,
    Scope,
    State,
    Status,
)
from linli.core.schemas import Id

REGION_CODE = r"^\d{12}(\d{3})?$"


class AlertTextIn(Schema):
    event: str = Field(max_length=100)
    headline: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    instruction: str = Field("", max_length=4000)


class CircleIn(Schema):
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    radius_km: float = Field(gt=0, le=200, description="The radius in kilometres.")


class AlertIn(Schema):
    region: str = Field(pattern=REGION_CODE, description="The area: a region's code (its subtree).")
    area_desc: str = Field("", max_length=200, description="The area in words (CAP areaDesc).")
    polygon: dict[str, Any] | None = Field(
        None,
        description="A GeoJSON Polygon or MultiPolygon (several polygons) inside the region, "
        "if the area is only that (with the circles).",
    )
    circles: list[CircleIn] = Field(
        default_factory=list,
        max_length=10,
        description="Circles inside the region (CAP circle), if the area is only these "
        "(with the polygons).",
    )
    status: Status = Status.ACTUAL
    scope: Scope = Scope.PUBLIC
    category: Category
    urgency: AlertUrgency
    severity: AlertSeverity
    certainty: Certainty
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    web: str = Field("", max_length=200)
    contact: str = Field("", max_length=100)
    zh: AlertTextIn = Field(description="The zh-CN info block's words.")
    en: AlertTextIn | None = Field(None, description="The en-US info block's words.")
    places: list[Id] = Field([], max_length=50, description="Shelters and sites (their ids).")


class AlertUpdateIn(AlertIn):
    note: str = Field("", max_length=200, description="What changed, for the log.")


class AlertCancelIn(Schema):
    note: str = Field(min_length=1, max_length=200, description="Why the alert is cancelled.")


class AlertTextOut(Schema):
    language: str
    event: str
    headline: str
    description: str
    instruction: str


class PlaceOut(Schema):
    id: int
    name: str
    kind: PlaceKind
    address: str
    capacity: int
    longitude: float
    latitude: float
    region: str = Field(alias="region.code")


class PlaceIn(Schema):
    region: str = Field(pattern=REGION_CODE)
    name: str = Field(min_length=1, max_length=100)
    kind: PlaceKind
    address: str = Field(min_length=1, max_length=200)
    capacity: int = Field(ge=0, le=1_000_000)
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)


class AlertOut(Schema):
    id: int
    identifier: str
    sender: str
    sent: datetime | None
    status: Status
    msg_type: MsgType
    scope: Scope
    references: str
    replaces: int | None = Field(alias="replaces_id")
    state: State
    category: Category
    urgency: AlertUrgency
    severity: AlertSeverity
    certainty: Certainty
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    web: str
    contact: str
    region: str = Field(alias="region.code")
    area_desc: str
    polygon: dict[str, Any] | None
    circles: list[CircleIn]
    texts: list[AlertTextOut] = Field(alias="infos")


class AlertDetailOut(AlertOut):
    places: list[PlaceOut]


class ImportOut(Schema):
    created: list[AlertOut]
    known: int = Field(description="Messages already here (same sender and identifier).")
