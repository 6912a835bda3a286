from datetime import datetime

from django.conf import settings
from ninja import Field, Schema

from linli.core.permissions import Role


class GrantOut(Schema):
    id: int
    role: Role
    region_code: str = Field(alias="region.code")
    region_name: str = Field(alias="region.name")
    granted_at: datetime


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str = Field(alias="masked_phone", description="Masked: 138****5678.")
    is_active: bool
    grants: list[GrantOut] = Field(alias="current_grants")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str = Field(alias="masked_phone")
    grants: list[GrantOut]
    actions: list[str]


class UserIn(Schema):
    username: str = Field(max_length=40)
    full_name: str = Field(max_length=60)
    password: str = Field(min_length=1, max_length=128)
    phone: str | None = Field(None, max_length=11)
    role: Role
    region_code: str = Field(pattern=r"^\d{12}(\d{3})?$")


class GrantIn(Schema):
    role: Role
    region_code: str = Field(pattern=r"^\d{12}(\d{3})?$")


class UserPatch(Schema):
    is_active: bool = Field(description="false deactivates: no sign-in, no tokens.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    days: int = Field(90, ge=1, le=settings.LINLI_TOKEN_MAX_DAYS, description="Validity in days.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret: shown this once, never again.")
