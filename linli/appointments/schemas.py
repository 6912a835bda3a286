"""The appointments API's bodies and answers."""

from datetime import datetime

from ninja import Field, Schema

from linli.appointments.choices import AppointmentState, TicketState
from linli.core.schemas import Id


class BookingCentreOut(Schema):
    """A centre as residents choose one to book at."""

    id: int
    name: str
    address: str
    phone: str


class CentreOut(BookingCentreOut):
    region_code: str = Field(alias="region.code")


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    window: int = Field(alias="window.number", description="The window's number.")
    queue: str = Field(alias="queue.name", description="What the window does at this time.")
    capacity: int
    free: int = Field(description="Places left.")


class AppointmentOut(Schema):
    id: int
    code: str = Field(description="Shown at the kiosk to take the appointment's ticket.")
    state: AppointmentState
    centre: str = Field(alias="slot.centre.name")
    address: str = Field(alias="slot.centre.address")
    window: int = Field(alias="slot.window.number")
    starts_at: datetime = Field(alias="slot.starts_at")
    ends_at: datetime = Field(alias="slot.ends_at")
    created_at: datetime


class BookIn(Schema):
    slot: Id


class TicketIssueIn(Schema):
    queue: Id = Field(description="The queue's id (its letter begins the number).")


class CallIn(Schema):
    window: Id


class TransferIn(Schema):
    to: Id = Field(description="The window the person is sent to.")


class TicketOut(Schema):
    id: int
    number: str = Field(alias="label", description="As printed and called: A012.")
    state: TicketState
    queue: str = Field(alias="queue.name")
    window: int | None = Field(None, description="The window it was called to.")
    calls: int
    issued_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    waited_s: int | None = Field(description="Seconds from taking the ticket to its first call.")
    served_s: int | None = Field(description="Seconds from the call to the end of service.")

    @staticmethod
    def resolve_window(ticket: object) -> int | None:
        window = getattr(ticket, "window", None)
        return window.number if window is not None else None
