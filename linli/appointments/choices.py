from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
MAX_SLOT_CAPACITY = 50
BOOKING_DAYS_AHEAD = 30  # a slot can be booked this many days ahead at most
MAX_WINDOWS = 99
MAX_TICKETS_A_DAY = 999  # per queue and day: A001 … A999


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("Did not come")


ACTIVE_APPOINTMENT = (AppointmentState.BOOKED, AppointmentState.ARRIVED)


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    DONE = "done", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class TicketAction(models.TextChoices):
    ISSUE = "issue", _("Ticket taken")
    CALL = "call", _("Called")
    RECALL = "recall", _("Called again")
    TRANSFER = "transfer", _("Transferred")
    FINISH = "finish", _("Served")
    SKIP = "skip", _("Skipped (did not come)")


# action → the states a ticket may be in for it, and the state it leaves it in
TICKET_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    TicketAction.CALL: ((TicketState.WAITING,), TicketState.CALLED),
    TicketAction.RECALL: ((TicketState.CALLED,), TicketState.CALLED),
    TicketAction.TRANSFER: ((TicketState.CALLED,), TicketState.WAITING),
    TicketAction.FINISH: ((TicketState.CALLED,), TicketState.DONE),
    TicketAction.SKIP: ((TicketState.CALLED,), TicketState.NO_SHOW),
}


class TerminalKind(models.TextChoices):
    """A centre's unattended machines (`Terminal`)."""

    KIOSK = "kiosk", _("Ticket kiosk")
    CALL_SCREEN = "call_screen", _("Call screen")


TERMINAL_SEEN_EVERY_S = 60  # a terminal's last-seen time is written at most once a minute
