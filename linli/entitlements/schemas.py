"""The entitlements' API schemas. Holders' names and certificate numbers are masked
in every answer (docs/architecture.md "Personal data")."""

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from linli.assessment.choices import CareLevel
from linli.core.crypto import mask_name
from linli.core.schemas import Id
from linli.entitlements.choices import (
    AmountUnit,
    DisabilityType,
    EndReason,
    GrantCategory,
    VeteranRecordKind,
)


class AmountRuleOut(Schema):
    id: int
    region_code: str = Field(alias="region.code")
    min_age: int | None
    max_age: int | None
    amount: Decimal
    unit: AmountUnit


class GrantKindOut(Schema):
    code: str
    name: str
    category: GrantCategory
    legal_basis: str
    labels_all: list[str] = Field(description="Codes of the labels all required.")
    labels_any: list[str] = Field(description="Codes of the labels of which one suffices.")
    min_age: int | None
    needs_certificate: bool
    max_grade: int | None
    disability_types: list[DisabilityType]
    care_levels: list[CareLevel] = Field(
        description="Care levels of the latest confirmed ability assessment that qualify "
        "(none: not a condition)."
    )
    matter: str = Field(description="The service hall matter whose approval grants it.")
    active: bool
    rules: list[AmountRuleOut]


class EntitlementGrantOut(Schema):
    id: int
    kind: str = Field(alias="kind.code")
    resident_id: int
    holder: str = Field(description="The holder's name, masked.")
    grid_code: str = Field(alias="grid.code")
    amount: Decimal
    unit: AmountUnit
    starts_on: date
    ends_on: date | None
    end_reason: EndReason | None
    reason: str
    application: str = Field(description="The service hall application that granted it.")
    lapse_warned_on: date | None
    lapse_reason: EndReason | None

    @staticmethod
    def resolve_holder(obj: Any) -> str:
        return mask_name(obj.resident.name)

    @staticmethod
    def resolve_end_reason(obj: Any) -> str | None:
        return str(obj.end_reason) or None

    @staticmethod
    def resolve_lapse_reason(obj: Any) -> str | None:
        return str(obj.lapse_reason) or None


class EntitlementGrantIn(Schema):
    resident_id: Id
    kind: str = Field(max_length=40, pattern=r"^[-a-z0-9_]+$")
    reason: str = Field(min_length=1, max_length=300)
    starts_on: date | None = None


class EntitlementGrantEndIn(Schema):
    reason: EndReason
    note: str = Field("", max_length=300)


class UnservedOut(Schema):
    resident_id: int = Field(alias="id")
    name: str = Field(description="Masked.")
    birth_date: date
    grid_code: str = Field(alias="grid.code")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return mask_name(obj.name)


class GrantKindCountOut(Schema):
    kind: str
    name: str
    granted: int
    unserved: int


class DisabilityCertificateIn(Schema):
    resident_id: Id
    number: str = Field(min_length=20, max_length=22)
    type: DisabilityType
    grade: int = Field(ge=1, le=4)
    issued_on: date
    valid_until: date


class DisabilityCertificateOut(Schema):
    id: int
    resident_id: int
    number: str = Field(alias="masked_number", description="Masked.")
    type: DisabilityType
    grade: int
    issued_on: date
    valid_until: date


class VeteranRecordIn(Schema):
    resident_id: Id
    kind: VeteranRecordKind
    on: date
    amount: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=2)
    note: str = Field("", max_length=300)


class VeteranRecordOut(Schema):
    id: int
    resident_id: int
    kind: VeteranRecordKind
    on: date
    amount: Decimal | None
    note: str
