"""The dispatch API's schemas: calls (the elder's phone masked), their log and
actions, responders, return visits, care calls."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from linli.core.schemas import Id
from linli.dispatch.choices import (
    CallKind,
    CallState,
    CareState,
    Emergency,
    Outcome,
    ResponderKind,
    Step,
    VisitResult,
)
from linli.dispatch.models import Call, Responder

NOTE = Field("", max_length=500)


class CallOut(Schema):
    id: int
    kind: CallKind
    state: CallState
    life_priority: bool
    grid_code: str = Field(alias="grid.code")
    alarm: int = Field(alias="alarm_id")
    case: int | None = Field(None, alias="case_id")
    at_elder_home: bool = Field(description="False: the device is at no registered elder's home.")
    resident: int | None = Field(None, alias="resident_id")
    elder_name: str | None = None
    elder_phone: str | None = Field(None, description="Masked.")
    address: str | None = None
    raised_at: datetime
    answered_at: datetime | None
    sent_at: datetime | None
    arrived_at: datetime | None
    closed_at: datetime | None
    responder: int | None = Field(None, alias="responder_id")
    responder_name: str | None = None
    escalated_to: Emergency | None = None
    outcome: Outcome | None = None
    answer_overdue: bool
    arrival_overdue: bool

    @staticmethod
    def resolve_elder_name(obj: Call) -> str | None:
        return obj.resident.name if obj.resident else None

    @staticmethod
    def resolve_elder_phone(obj: Call) -> str | None:
        return obj.resident.masked_phone or None if obj.resident else None

    @staticmethod
    def resolve_address(obj: Call) -> str | None:
        return obj.house.address if obj.house else None

    @staticmethod
    def resolve_responder_name(obj: Call) -> str | None:
        return str(obj.responder.user.get_short_name()) if obj.responder else None

    @staticmethod
    def resolve_escalated_to(obj: Call) -> str | None:
        return obj.escalated_to or None

    @staticmethod
    def resolve_outcome(obj: Call) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_answer_overdue(obj: Call) -> bool:
        return obj.answer_overdue()

    @staticmethod
    def resolve_arrival_overdue(obj: Call) -> bool:
        return obj.arrival_overdue()


class CallStepOut(Schema):
    step: Step
    from_state: CallState | None = None
    to_state: CallState
    actor: str | None = Field(None, alias="actor.username")
    note: str
    at: datetime

    @staticmethod
    def resolve_from_state(obj: object) -> str | None:
        return getattr(obj, "from_state", "") or None


class CallDetailOut(CallOut):
    steps: list[CallStepOut] = Field(alias="step_list")


class CallNoteIn(Schema):
    note: str = NOTE


class CallContactIn(Schema):
    note: str = Field(
        min_length=1, max_length=500, description="Whom you reached, what was agreed."
    )


class CallSendIn(Schema):
    responder: Id | None = Field(None, description="A responder on duty; null: the nearest.")
    note: str = NOTE


class CallEscalateIn(Schema):
    to: Emergency
    note: str = NOTE


class CallCloseIn(Schema):
    outcome: Outcome
    note: str = NOTE


class ResponderOut(Schema):
    id: int
    user: str = Field(alias="user.username")
    name: str
    kind: ResponderKind
    region_code: str = Field(alias="region.code")
    organisation: int | None = Field(None, alias="organisation_id")
    on_duty: bool
    longitude: Decimal | None
    latitude: Decimal | None
    position_at: datetime | None

    @staticmethod
    def resolve_name(obj: Responder) -> str:
        return str(obj.user.get_short_name())


class ResponderIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    region_code: str = Field(min_length=12, max_length=15, description="Where they respond.")
    kind: ResponderKind


class ResponderDutyIn(Schema):
    on_duty: bool
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=8, decimal_places=6)


class ReturnVisitOut(Schema):
    id: int
    call: int = Field(alias="call_id")
    due_on: date
    result: VisitResult | None = None
    note: str
    done_at: datetime | None

    @staticmethod
    def resolve_result(obj: object) -> str | None:
        return getattr(obj, "result", "") or None


class ReturnVisitIn(Schema):
    result: VisitResult
    note: str = NOTE


class CareCallOut(Schema):
    id: int
    resident: int = Field(alias="resident_id")
    elder_name: str = Field(alias="resident.name")
    grid_code: str = Field(alias="grid.code")
    due_on: date
    state: CareState
    note: str
    recorded_at: datetime | None
    escalated: bool


class CareCallIn(Schema):
    answered: bool
    note: str = NOTE
