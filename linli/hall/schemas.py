"""The hall's API schemas. Applicants' names, ID and phone numbers are masked in
every answer (docs/architecture.md "Personal data")."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from linli.core.schemas import Id
from linli.hall.choices import (
    ApplicationChannel,
    ApplicationState,
    DeliveryMode,
    FieldType,
    MaterialForm,
    MaterialSource,
    MatterCategory,
    ProvidedAs,
    StepState,
)


class MatterOut(Schema):
    code: str
    name: str
    category: MatterCategory
    summary: str
    region_code: str = Field(alias="region.code")
    fee: Decimal
    time_limit: int = Field(description="Promised time limit in working days (0: on the spot).")
    legal_limit: int
    delivery_modes: list[DeliveryMode]
    one_visit: bool
    on_the_spot: bool
    district_wide: bool
    online: bool


class MaterialOut(Schema):
    id: int
    name: str
    form: MaterialForm
    copies: int
    required: bool
    note: str
    source: MaterialSource
    certificate_kind: str


class MatterFieldOut(Schema):
    key: str
    label: str
    type: FieldType
    required: bool
    options: list[str]
    prefill: str


class StepOut(Schema):
    stage: int
    name: str
    department: str
    days: int


class MatterDetailOut(MatterOut):
    legal_basis: str
    conditions: str
    fee_basis: str
    place: str
    hours: str
    phone: str
    materials: list[MaterialOut] = Field(alias="material_list")
    fields: list[MatterFieldOut] = Field(alias="field_list")
    steps: list[StepOut] = Field(alias="step_list")


class ApplicationOut(Schema):
    id: int
    code: str
    matter: str = Field(alias="matter.code")
    region_code: str = Field(alias="region.code")
    desk_code: str | None = Field(None, alias="desk.code")
    channel: ApplicationChannel
    name: str = Field(alias="masked_name")
    id_number: str = Field(alias="masked_id_number")
    state: ApplicationState
    delivery_mode: DeliveryMode
    fee: Decimal
    submitted_at: datetime
    accepted_at: datetime | None
    due_at: datetime | None
    decided_at: datetime | None
    completed_at: datetime | None
    overdue: bool
    version: int


class ApplicationStepOut(Schema):
    id: int
    stage: int
    name: str
    department: str
    state: StepState
    due_at: datetime | None
    done_at: datetime | None
    note: str


class ProvidedOut(Schema):
    material: str = Field(alias="material.name")
    provided_as: ProvidedAs
    reference: str


class ApplicationTransitionOut(Schema):
    from_state: str
    to_state: ApplicationState
    note: str
    at: datetime


class ApplicationDetailOut(ApplicationOut):
    phone: str = Field(alias="masked_phone")
    missing: list[str]
    notice_note: str
    approved: bool | None
    decision_note: str
    tracking_number: str
    payment_ref: str
    certificate_ref: str
    visits: int
    rating: int | None
    steps: list[ApplicationStepOut] = Field(alias="step_list")
    materials: list[ProvidedOut] = Field(alias="material_list")
    transitions: list[ApplicationTransitionOut] = Field(alias="transition_list")


class ApplicationIn(Schema):
    matter: str = Field(pattern=r"^[-a-zA-Z0-9_]{1,40}$", description="The matter's code (a slug).")
    desk_code: str = Field(pattern=r"^\d{12}$", description="The community whose desk takes it in.")
    region_code: str | None = Field(
        None, pattern=r"^\d{12}$", description="The applicant's community (default: the desk's)."
    )
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=15, max_length=30)
    phone: str = Field(min_length=11, max_length=20)
    answers: dict[str, str] = Field(
        default_factory=dict, description="The form's values by field key, as text."
    )
    delivery_mode: DeliveryMode
    express_address: str = Field("", max_length=200)
    originals: list[Id] = Field(
        [], max_length=30, description="Materials (ids) whose originals the desk saw."
    )
    certificates: dict[str, str] = Field(
        default_factory=dict,
        description="Earlier certificates' numbers standing in, by material id.",
    )
    request_key: str = Field(
        "", max_length=40, description="The same key sent again gives the same application."
    )


class ApplicationNoteIn(Schema):
    note: str = Field("", max_length=500)


class MissingIn(Schema):
    materials: list[Id] = Field([], max_length=30, description="Missing or unusable materials.")
    note: str = Field("", max_length=500)


class RefuseIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class DecideIn(Schema):
    approved: bool
    note: str = Field("", max_length=500)


class DeliverIn(Schema):
    pickup_code: str = Field("", max_length=6)
    tracking_number: str = Field("", max_length=30)
