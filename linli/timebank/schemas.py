"""The time-bank API's bodies and answers. Names are masked (the first character);
hours are decimal strings with two places ("1.50")."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from linli.core.crypto import mask_name
from linli.core.schemas import Id
from linli.timebank.choices import REFERENCE_MAX, TEXT_MAX, AccountKind, EntryKind, ServiceKind
from linli.timebank.models import Account, Entry
from linli.timebank.selectors import PassbookRow

HOURS = 'Hours: more than zero, at most two decimal places (1.5, "0.25").'
ID_NUMBER = "The person's ID number (18 characters), as on the ID card."


class TimebankAccountOut(Schema):
    id: int
    number: str
    kind: AccountKind
    holder: int | None = Field(description="The holder's resident id (registry).")
    holder_name: str = Field(description="Masked: the first character.")
    region: str = Field(description="The code of the holder's grid.")
    balance: Decimal = Field(description="Hours held.")
    opened_at: datetime

    @staticmethod
    def resolve_holder(obj: Account) -> int | None:
        return obj.holder_id

    @staticmethod
    def resolve_holder_name(obj: Account) -> str:
        return mask_name(obj.holder.name) if obj.holder is not None else ""

    @staticmethod
    def resolve_region(obj: Account) -> str:
        return obj.region.code


class TimebankLineOut(Schema):
    """A passbook's row: one line of an entry on this account."""

    entry: int
    kind: EntryKind
    amount: Decimal = Field(description="Hours in (positive) or out (negative).")
    balance_after: Decimal
    posted_at: datetime
    counterparty: str = Field(description="The other side: a masked name or a system account.")
    service: ServiceKind | None
    served: str = Field(description="The elder served, masked.")
    served_on: date | None
    reference: str
    note: str
    reversed: bool = Field(description="A later entry reversed this one.")
    reverses: int | None = Field(description="The entry this one reverses.")

    @staticmethod
    def resolve_entry(obj: PassbookRow) -> int:
        return obj.entry.pk

    @staticmethod
    def resolve_kind(obj: PassbookRow) -> str:
        return obj.entry.kind

    @staticmethod
    def resolve_posted_at(obj: PassbookRow) -> datetime:
        return obj.entry.posted_at

    @staticmethod
    def resolve_service(obj: PassbookRow) -> str | None:
        return obj.entry.service or None

    @staticmethod
    def resolve_served_on(obj: PassbookRow) -> date | None:
        return obj.entry.served_on

    @staticmethod
    def resolve_reference(obj: PassbookRow) -> str:
        return obj.entry.reference

    @staticmethod
    def resolve_note(obj: PassbookRow) -> str:
        return obj.entry.note

    @staticmethod
    def resolve_reverses(obj: PassbookRow) -> int | None:
        return obj.entry.reverses_id


class TimebankEntryLineOut(Schema):
    account: int
    amount: Decimal


class TimebankEntryOut(Schema):
    id: int
    kind: EntryKind
    hours: Decimal
    region: str = Field(description="The grid of the account that earned, spent or gave.")
    service: ServiceKind | None
    served_on: date | None
    reference: str
    note: str
    posted_at: datetime
    reverses: int | None
    lines: list[TimebankEntryLineOut] = Field(description="The legs; their amounts sum to zero.")

    @staticmethod
    def resolve_region(obj: Entry) -> str:
        return obj.region.code

    @staticmethod
    def resolve_service(obj: Entry) -> str | None:
        return obj.service or None

    @staticmethod
    def resolve_reverses(obj: Entry) -> int | None:
        return obj.reverses_id

    @staticmethod
    def resolve_lines(obj: Entry) -> list[dict[str, object]]:
        return [{"account": line.account_id, "amount": line.amount} for line in obj.lines.all()]


class TimebankEarnIn(Schema):
    volunteer: Id = Field(description="The volunteer's resident id, in the caller's regions.")
    elder_id_number: str = Field(max_length=30, description="The elder served: " + ID_NUMBER)
    service: ServiceKind
    hours: Decimal = Field(description=HOURS + " At most 8 a day per volunteer.")
    served_on: date | None = Field(None, description="The day of the service (today if left out).")
    reference: str = Field("", max_length=REFERENCE_MAX)
    note: str = Field("", max_length=TEXT_MAX)


class TimebankTransferIn(Schema):
    giver: Id = Field(description="The giver's resident id, in the caller's regions.")
    receiver_id_number: str = Field(
        max_length=30, description="The receiver (same district): " + ID_NUMBER
    )
    hours: Decimal = Field(description=HOURS)
    note: str = Field("", max_length=TEXT_MAX)


class TimebankSpendIn(Schema):
    holder: Id = Field(description="The holder's resident id, in the caller's regions.")
    hours: Decimal = Field(description=HOURS)
    reference: str = Field(
        max_length=REFERENCE_MAX, description="What the hours pay for; spent once until reversed."
    )
    note: str = Field("", max_length=TEXT_MAX)


class TimebankReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=TEXT_MAX)
