"""Home services' API schemas. Elders are named masked in lists; an order's page
gives the name and address its care worker needs."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from linli.core.crypto import mask_name
from linli.core.schemas import Id
from linli.homecare.choices import BookedVia, Flag, Funding, HomecareState, ServiceCategory
from linli.homecare.models import Order, Provider


class ServiceItemOut(Schema):
    id: int
    code: str
    name: str
    category: ServiceCategory
    unit: str
    price_fen: int
    minutes: int
    active: bool


class ServiceItemIn(Schema):
    code: str = Field(pattern=r"^[-a-zA-Z0-9_]{1,40}$")
    name: str = Field(min_length=1, max_length=60)
    category: ServiceCategory
    unit: str = Field(min_length=1, max_length=10)
    price_fen: int = Field(ge=0, le=10_000_000)
    minutes: int = Field(ge=5, le=720)
    active: bool = True


class ProviderOut(Schema):
    id: int
    organisation_id: int
    name: str = Field(alias="organisation.name")
    active: bool
    area_codes: list[str]

    @staticmethod
    def resolve_area_codes(obj: Provider) -> list[str]:
        return [a.region.code for a in obj.areas.all()]


class ProviderDetailOut(ProviderOut):
    items: list[ServiceItemOut]
    worker_ids: list[int]


class OrderOut(Schema):
    id: int
    state: HomecareState
    elder_id: int
    elder_name: str = Field(description="Masked.")
    grid_code: str = Field(alias="grid.code")
    provider_id: int
    item_id: int
    category: ServiceCategory
    starts_at: datetime
    ends_at: datetime
    channel: BookedVia
    funding: Funding
    price_fen: int
    worker_id: int | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    flags: list[Flag]
    rating: int | None
    settlement_id: int | None

    @staticmethod
    def resolve_elder_name(obj: Order) -> str:
        return mask_name(obj.elder.name)


class OrderMoveOut(Schema):
    from_state: str
    to_state: HomecareState
    actor_id: int | None
    note: str
    at: datetime


class OrderDetailOut(OrderOut):
    address: str
    check_in_distance: int | None
    check_out_distance: int | None
    confirmed_at: datetime | None
    paid_at: datetime | None
    note: str
    moves: list[OrderMoveOut]


class OrderIn(Schema):
    elder_id: Id
    item_id: Id
    starts_at: datetime
    funding: Funding
    channel: BookedVia = BookedVia.COMMUNITY
    note: str = Field("", max_length=200)


class AssignIn(Schema):
    worker_id: Id


class PositionIn(Schema):
    longitude: Decimal = Field(ge=-180, le=180, max_digits=10, decimal_places=6)
    latitude: Decimal = Field(ge=-90, le=90, max_digits=9, decimal_places=6)


class ConfirmIn(Schema):
    rating: int | None = Field(None, ge=1, le=5)
    note: str = Field("", max_length=200)


class VisitRateIn(Schema):
    rating: int = Field(ge=1, le=5)
    note: str = Field("", max_length=200)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class ComplaintIn(Schema):
    text: str = Field(min_length=5, max_length=500)


class ComplaintOut(Schema):
    case_code: str


class SettlementIn(Schema):
    provider_id: Id
    month: date = Field(
        description="Any day of the month to settle.", ge=date(2000, 1, 1), le=date(2100, 12, 31)
    )


class SettlementOut(Schema):
    id: int
    provider_id: int
    month: date
    orders_count: int
    voucher_fen: int
    self_pay_fen: int
    time_bank_fen: int = Field(description="The price of the orders paid with time-bank hours.")
    time_bank_hours: Decimal
    flagged_count: int
    created_at: datetime
