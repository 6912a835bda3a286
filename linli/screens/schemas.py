"""The screens API's bodies and answers. A screen's token appears in exactly two
answers: registration and rotation (`ScreenTokenOut`); it is never stored in clear."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from linli.core.schemas import Id
from linli.screens.choices import MAX_DURATION_S, MIN_DURATION_S, ItemKind, ScreenKind, Weekday
from linli.screens.models import Programme

LONGITUDE = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
LATITUDE = Field(None, ge=-90, le=90, max_digits=8, decimal_places=6)
LOCAL_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"
DURATION = Field(15, ge=MIN_DURATION_S, le=MAX_DURATION_S, description="Seconds on screen.")


class ScreenOut(Schema):
    id: int
    kind: ScreenKind
    name: str
    region_code: str = Field(alias="region.code")
    building: int | None = Field(None, alias="building_id")
    longitude: Decimal | None
    latitude: Decimal | None
    playlist: int | None = Field(None, alias="playlist_id")
    online: bool = Field(description="A heartbeat within the last 3 minutes.")
    last_seen_at: datetime | None = Field(description="Its last heartbeat.")
    retired_at: datetime | None


class SlideOut(Schema):
    key: str = Field(description="The playlist item's id.")
    kind: ItemKind
    title: str
    duration: int


class ScreenDetailOut(ScreenOut):
    token_rotated_at: datetime = Field(description="When its current token was issued.")
    created_at: datetime
    showing: str = Field(description="The item it reported showing on its last heartbeat.")
    slides: list[SlideOut] = Field(description="What it shows now, in order (displays).")
    alerts: list[str] = Field(description="The headlines of the alerts taking it over.")


class ScreenIn(Schema):
    kind: ScreenKind
    name: str = Field(min_length=1, max_length=50)
    region_code: str = Field(max_length=12, description="The community it stands in.")
    building: Id | None = Field(None, description="A building of the community.")
    longitude: Decimal | None = LONGITUDE
    latitude: Decimal | None = LATITUDE
    playlist: Id | None = Field(None, description="A playlist of the community (displays).")


class ScreenPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    building: Id | None = None
    longitude: Decimal | None = LONGITUDE
    latitude: Decimal | None = LATITUDE
    playlist: Id | None = None


class ScreenTokenOut(Schema):
    """Shown once: keep it; Linli keeps only its digest."""

    screen: ScreenOut
    token: str = Field(description="The token the screen signs in with at /screen/ or /tv/.")


class ItemOut(Schema):
    id: int
    order: int
    kind: ItemKind
    duration: int
    title: str
    topics: list[str]
    has_image: bool = Field(description="An image item's image is served at /screen/images/{id}/.")


class PlaylistOut(Schema):
    id: int
    name: str
    region_code: str = Field(alias="region.code")
    updated_at: datetime
    items: list[ItemOut] = Field(alias="item_list")


class PlaylistIn(Schema):
    region_code: str = Field(max_length=12, description="The community it is for.")
    name: str = Field(min_length=1, max_length=50)


class PlaylistPatch(Schema):
    name: str = Field(min_length=1, max_length=50)


class ItemIn(Schema):
    kind: Literal["notices", "weather", "roster", "figures"] = Field(
        description="What it shows (an image item is added with its file: /images)."
    )
    duration: int = DURATION
    title: str = Field("", max_length=60)
    topics: list[str] = Field(
        default_factory=list, max_length=20, description="Notice topics (notices only)."
    )


class ItemPatch(Schema):
    duration: int | None = Field(None, ge=MIN_DURATION_S, le=MAX_DURATION_S)
    title: str | None = Field(None, max_length=60)
    topics: list[str] | None = Field(None, max_length=20)


class ItemMoveIn(Schema):
    direction: Literal["up", "down"]


class ProgrammeOut(Schema):
    id: int
    weekdays: list[int]
    starts: str = Field(description="Local time, HH:MM.")
    ends: str = Field(description="Local time, HH:MM.")
    title: str
    description: str

    @staticmethod
    def resolve_starts(obj: Programme) -> str:
        return f"{obj.starts:%H:%M}"

    @staticmethod
    def resolve_ends(obj: Programme) -> str:
        return f"{obj.ends:%H:%M}"


class ChannelOut(Schema):
    id: int
    number: int
    name: str
    topics: list[str]
    description: str
    enabled: bool
    programmes: list[ProgrammeOut] = Field(alias="programme_list")


class ChannelIn(Schema):
    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1, max_length=20)
    topics: list[str] = Field(default_factory=list, max_length=20)
    description: str = Field("", max_length=200)
    enabled: bool = True


class ChannelPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=20)
    topics: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = None


class ProgrammeIn(Schema):
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    starts: str = Field(pattern=LOCAL_TIME, description="Local time, HH:MM.")
    ends: str = Field(pattern=LOCAL_TIME, description="Local time, HH:MM.")
    title: str = Field(min_length=1, max_length=40)
    description: str = Field("", max_length=200)


class ForecastOut(Schema):
    id: int
    region_code: str = Field(alias="region.code")
    day: date
    summary: str
    low: int
    high: int
    wind: str


class ForecastDayIn(Schema):
    day: date
    summary: str = Field(min_length=1, max_length=20, description="e.g. 多云转小雨")
    low: int = Field(ge=-60, le=60, description="°C")
    high: int = Field(ge=-60, le=60, description="°C")
    wind: str = Field("", max_length=20)


class ForecastsIn(Schema):
    """Days of a forecast for a region, entered or imported: each replaces the day's."""

    region_code: str = Field(max_length=12)
    days: list[ForecastDayIn] = Field(min_length=1, max_length=31)
