"""The payments API's bodies and answers."""

from datetime import date, datetime

from ninja import Field, Schema

from linli.payments.choices import Mismatch, OrderState, Source

REGION_CODE = r"^\d{12}(\d{3})?$"


class PaymentOrderIn(Schema):
    kind: str = Field(
        max_length=40, pattern=r"^[a-z0-9_.]+$", description="The payable kind's code."
    )
    ref: str = Field(min_length=1, max_length=64, description="The payable's key in its kind.")


class PaymentOrderOut(Schema):
    id: int
    out_trade_no: str
    kind: str
    ref: str
    subject: str
    amount_fen: int = Field(description="The amount in fen (分).")
    currency: str
    state: OrderState
    region: str = Field(alias="region.code")
    provider: str
    trade_no: str
    created_at: datetime
    paid_at: datetime | None
    closed_at: datetime | None


class PaymentTransitionOut(Schema):
    from_state: OrderState | None = Field(description="None for the order's creation.")
    to_state: OrderState
    source: Source
    by: str | None = Field(None, description="Who moved it (None: the provider or the system).")
    note: str
    at: datetime

    @staticmethod
    def resolve_from_state(obj: object) -> str | None:
        value: str = getattr(obj, "from_state", "")
        return value or None

    @staticmethod
    def resolve_by(obj: object) -> str | None:
        by = getattr(obj, "by", None)
        return by.get_username() if by is not None else None


class PaymentOrderDetailOut(PaymentOrderOut):
    transitions: list[PaymentTransitionOut]


class PaymentCheckoutOut(Schema):
    order: PaymentOrderOut
    checkout_url: str = Field(description="Where the payer pays (the provider's page).")


class PaymentCancelIn(Schema):
    note: str = Field("", max_length=200, description="Why, for the log.")


class PaymentRefundIn(Schema):
    reason: str = Field(min_length=1, max_length=200, description="Why, told to the payer.")


class PaymentReconcileIn(Schema):
    day: date
    region: str = Field(pattern=REGION_CODE, description="A region's code (its subtree).")


class PaymentItemOut(Schema):
    mismatch: Mismatch
    out_trade_no: str
    statement_fen: int | None
    order_fen: int | None


class PaymentReconciliationOut(Schema):
    id: int
    provider: str
    day: date
    region: str = Field(alias="region.code")
    at: datetime
    lines: int
    matched: int
    items: list[PaymentItemOut]
