from datetime import datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from linli.core.permissions import Role
from linli.core.schemas import Id
from linli.notices.choices import NoticeState, Urgency


class NoticeIn(Schema):
    region_code: str = Field(
        pattern=r"^\d{12}$", description="The region it is for (city to community)."
    )
    title: str = Field(min_length=1, max_length=100)
    body: str = Field("", max_length=20_000, description="HTML; unsafe parts are removed.")
    topic: str = Field(max_length=40, description="A topic's code.")
    urgency: Urgency = Urgency.NORMAL
    buildings: list[Id] = Field([], max_length=500, description="Only residents of these.")
    labels: list[str] = Field([], max_length=20, description="Label codes: residents with any.")
    roles: list[Role] = Field([], max_length=8, description="Staff roles; none: residents.")
    publish_at: AwareDatetime | None = None
    expire_at: AwareDatetime | None = None


class NoticePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=100)
    body: str | None = Field(None, max_length=20_000)
    topic: str | None = Field(None, max_length=40)
    urgency: Urgency | None = None
    buildings: list[Id] | None = Field(None, max_length=500)
    labels: list[str] | None = Field(None, max_length=20)
    roles: list[Role] | None = Field(None, max_length=8)
    publish_at: AwareDatetime | None = None
    expire_at: AwareDatetime | None = None


class NoticeNoteIn(Schema):
    note: str = Field("", max_length=500)


class PinIn(Schema):
    pinned: bool


class NoticeOut(Schema):
    id: int
    region_code: str = Field(alias="region.code")
    region_name: str = Field(alias="region.name")
    title: str
    topic: str = Field(alias="topic.code")
    topic_name: str = Field(alias="topic.name")
    urgency: Urgency
    state: NoticeState
    pinned: bool
    publish_at: datetime | None
    expire_at: datetime | None
    published_at: datetime | None


class FileOut(Schema):
    id: int
    name: str = ""
    content_type: str
    size: int


class NoticeTransitionOut(Schema):
    from_state: str
    to_state: NoticeState
    by: str | None = Field(None, alias="actor.username")
    note: str
    at: datetime


class NoticeDetailOut(NoticeOut):
    body: str
    roles: list[str] = Field(alias="role_list")
    buildings: list[int] = Field(alias="building_ids")
    labels: list[str] = Field(alias="label_codes")
    images: list[FileOut] = Field(alias="image_list")
    attachments: list[FileOut] = Field(alias="attachment_list")
    log: list[NoticeTransitionOut] = Field(alias="log_list")


class ReaderNoticeOut(NoticeOut):
    unread: bool
    followed: bool


class ShareOut(Schema):
    name: str
    total: int
    read: int
    percent: int


class RoleShareOut(ShareOut):
    role: str = Field(alias="key", description="The role's code.")


class ResidentUnreadOut(Schema):
    id: int
    name: str
    building: str = Field(alias="household.house.building.name")


class ReceiptsOut(Schema):
    total: int
    read: int
    percent: int
    buildings: list[ShareOut]
    labels: list[ShareOut]
    staff: ShareOut | None
    roles: list[RoleShareOut] = Field(
        description="Notices for staff roles: the read share per role among the staff recipients."
    )
    unread_vulnerable: list[ResidentUnreadOut] = Field(
        description="Urgent notices: residents of a vulnerable label who have not read it."
    )


class TopicIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    name: str = Field(min_length=1, max_length=20)
    order: int = Field(100, ge=0, le=32767)


class TopicPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=20)
    order: int | None = Field(None, ge=0, le=32767)
    active: bool | None = None


class TopicOut(Schema):
    id: int
    code: str
    name: str
    order: int
    active: bool


class FollowIn(Schema):
    topics: list[str] = Field(max_length=100, description="Topic codes to follow (all others not).")
