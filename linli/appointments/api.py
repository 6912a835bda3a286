"""The appointments API: residents book, cancel and move their appointments (and get
them as iCalendar files); staff list their centres, issue tickets and call them.
Every staff object is the caller's (`visible_to`): 404 outside; a resident's
appointments are their own."""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.appointments import ics, selectors, services
from linli.appointments.filters import CentreFilter
from linli.appointments.models import Appointment, Centre, Slot, Ticket, Window
from linli.appointments.permissions import CENTRE_VIEW, TICKET_CALL
from linli.appointments.schemas import (
    AppointmentOut,
    BookIn,
    BookingCentreOut,
    CallIn,
    CentreOut,
    SlotOut,
    TicketIssueIn,
    TicketOut,
    TransferIn,
)
from linli.core.access import requires, signed_in
from linli.core.routers import Router

router = Router(tags=["appointments"])


# --- residents -------------------------------------------------------------------------


@router.get(
    "/appointments/centres",
    response=list[BookingCentreOut],
    operation_id="appointment_centre_list",
    url_name="appointment-centre-list",
)
@signed_in
@paginate
def appointment_centre_list(request: HttpRequest) -> QuerySet[Centre]:
    """The service centres one may book at."""
    return selectors.centres_open_for_booking()


@router.get(
    "/appointments/centres/{centre_id}/slots",
    response=list[SlotOut],
    operation_id="appointment_slot_list",
    url_name="appointment-slot-list",
)
@signed_in
def appointment_slot_list(request: HttpRequest, centre_id: int, day: date) -> list[Slot]:
    """The centre's slots of `day` not yet begun, with the places left (0: full)."""
    centre = get_object_or_404(selectors.centres_open_for_booking(), pk=centre_id)
    return list(selectors.slots_open(centre=centre, day=day))


@router.get(
    "/appointments/mine",
    response=list[AppointmentOut],
    operation_id="appointment_mine",
    url_name="appointment-mine",
)
@signed_in
@paginate
def appointment_mine(request: HttpRequest) -> QuerySet[Appointment]:
    """The caller's appointments, latest first."""
    return selectors.my_appointments(user=signed_in_user(request))


def _mine(request: HttpRequest, appointment_id: int) -> Appointment:
    return get_object_or_404(
        selectors.my_appointments(user=signed_in_user(request)), pk=appointment_id
    )


@router.post(
    "/appointments/mine",
    response={201: AppointmentOut},
    operation_id="appointment_book",
    url_name="appointment-book",
)
@signed_in
def appointment_book(request: HttpRequest, payload: BookIn) -> Status[Appointment]:
    """Book a place; a past or full slot is refused (422, the field `slot`)."""
    slot = get_object_or_404(Slot.objects.select_related("centre__region"), pk=payload.slot)
    appointment = services.appointment_book(slot=slot, by=signed_in_user(request))
    return Status(201, _mine(request, appointment.pk))


@router.post(
    "/appointments/mine/{appointment_id}/cancel",
    response=AppointmentOut,
    operation_id="appointment_cancel",
    url_name="appointment-cancel",
)
@signed_in
def appointment_cancel(request: HttpRequest, appointment_id: int) -> Appointment:
    services.appointment_cancel(
        appointment=_mine(request, appointment_id), by=signed_in_user(request)
    )
    return _mine(request, appointment_id)


@router.post(
    "/appointments/mine/{appointment_id}/reschedule",
    response=AppointmentOut,
    operation_id="appointment_reschedule",
    url_name="appointment-reschedule",
)
@signed_in
def appointment_reschedule(
    request: HttpRequest, appointment_id: int, payload: BookIn
) -> Appointment:
    """Move to another slot of the same centre; the old place is kept if the new one
    cannot be had."""
    slot = get_object_or_404(Slot.objects.select_related("centre__region"), pk=payload.slot)
    services.appointment_reschedule(
        appointment=_mine(request, appointment_id), slot=slot, by=signed_in_user(request)
    )
    return _mine(request, appointment_id)


@router.get(
    "/appointments/mine/{appointment_id}/calendar.ics",
    response={200: None},
    operation_id="appointment_calendar",
    url_name="appointment-calendar",
    openapi_extra={
        "responses": {200: {"description": "iCalendar", "content": {"text/calendar": {}}}}
    },
)
@signed_in
def appointment_calendar(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The appointment as an iCalendar file (RFC 5545)."""
    return calendar_response(request, _mine(request, appointment_id))


def calendar_response(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    answer = HttpResponse(
        ics.calendar(appointment, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    answer["Content-Disposition"] = f'attachment; filename="appointment-{appointment.code}.ics"'
    return answer


# --- staff -----------------------------------------------------------------------------


@router.get(
    "/centres", response=list[CentreOut], operation_id="centre_list", url_name="centre-list"
)
@requires(CENTRE_VIEW)
@paginate
def centre_list(request: HttpRequest, filters: Query[CentreFilter]) -> QuerySet[Centre]:
    """The service centres in the caller's regions."""
    return filters.apply(selectors.centres_visible(user=request.user), user=request.user)


@router.get(
    "/centres/{centre_id}/tickets",
    response=list[TicketOut],
    operation_id="centre_ticket_list",
    url_name="centre-ticket-list",
)
@requires(CENTRE_VIEW)
@paginate
def centre_ticket_list(request: HttpRequest, centre_id: int) -> QuerySet[Ticket]:
    """Today's tickets of the centre, in the order they were taken."""
    centre = get_object_or_404(selectors.centres_visible(user=request.user), pk=centre_id)
    return selectors.tickets_visible(user=request.user).filter(
        centre=centre, day=timezone.localdate()
    )


@router.post(
    "/centres/{centre_id}/tickets",
    response={201: TicketOut},
    operation_id="ticket_issue",
    url_name="ticket-issue",
)
@requires(TICKET_CALL)
def ticket_issue(request: HttpRequest, centre_id: int, payload: TicketIssueIn) -> Status[Ticket]:
    """A walk-in ticket of one of the centre's queues."""
    centre = get_object_or_404(
        selectors.centres_visible(user=request.user, action=TICKET_CALL), pk=centre_id
    )
    queue = get_object_or_404(centre.queues.all(), pk=payload.queue)
    return Status(201, services.ticket_issue(queue=queue, by=request.user))


def _window(request: HttpRequest, window_id: int) -> Window:
    return get_object_or_404(
        selectors.windows_visible(user=request.user, action=TICKET_CALL), pk=window_id
    )


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return get_object_or_404(
        selectors.tickets_visible(user=request.user, action=TICKET_CALL), pk=ticket_id
    )


@router.post(
    "/windows/{window_id}/call-next",
    response=TicketOut,
    operation_id="window_call_next",
    url_name="window-call-next",
)
@requires(TICKET_CALL)
def window_call_next(request: HttpRequest, window_id: int) -> Ticket:
    """叫号: the next waiting ticket for this window (422 when nobody waits, or while
    the window still serves a ticket)."""
    return services.ticket_call_next(window=_window(request, window_id), by=request.user)


@router.post(
    "/tickets/{ticket_id}/call",
    response=TicketOut,
    operation_id="ticket_call",
    url_name="ticket-call",
)
@requires(TICKET_CALL)
def ticket_call(request: HttpRequest, ticket_id: int, payload: CallIn) -> Ticket:
    """Call this ticket to a window; a ticket already called is refused (422)."""
    return services.ticket_call(
        ticket=_ticket(request, ticket_id),
        window=_window(request, payload.window),
        by=request.user,
    )


@router.post(
    "/tickets/{ticket_id}/recall",
    response=TicketOut,
    operation_id="ticket_recall",
    url_name="ticket-recall",
)
@requires(TICKET_CALL)
def ticket_recall(request: HttpRequest, ticket_id: int) -> Ticket:
    return services.ticket_recall(ticket=_ticket(request, ticket_id), by=request.user)


@router.post(
    "/tickets/{ticket_id}/finish",
    response=TicketOut,
    operation_id="ticket_finish",
    url_name="ticket-finish",
)
@requires(TICKET_CALL)
def ticket_finish(request: HttpRequest, ticket_id: int) -> Ticket:
    return services.ticket_finish(ticket=_ticket(request, ticket_id), by=request.user)


@router.post(
    "/tickets/{ticket_id}/skip",
    response=TicketOut,
    operation_id="ticket_skip",
    url_name="ticket-skip",
)
@requires(TICKET_CALL)
def ticket_skip(request: HttpRequest, ticket_id: int) -> Ticket:
    """过号: the person did not come."""
    return services.ticket_skip(ticket=_ticket(request, ticket_id), by=request.user)


@router.post(
    "/tickets/{ticket_id}/transfer",
    response=TicketOut,
    operation_id="ticket_transfer",
    url_name="ticket-transfer",
)
@requires(TICKET_CALL)
def ticket_transfer(request: HttpRequest, ticket_id: int, payload: TransferIn) -> Ticket:
    ticket = _ticket(request, ticket_id)
    to = get_object_or_404(
        selectors.windows_visible(user=request.user, action=TICKET_CALL), pk=payload.to
    )
    return services.ticket_transfer(ticket=ticket, to=to, by=request.user)
