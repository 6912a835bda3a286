"""Every write of the appointments app: centres, their hours, closed days, queues,
windows and slots; booking, cancelling and rescheduling; tickets and the window's calls.

Booking never overbooks: a slot's `booked` grows by one conditional UPDATE
(`booked < capacity AND starts_at > now`), which the database runs one at a time per
row (PostgreSQL re-reads the row a concurrent booking changed before it applies its
condition), and the check constraint `slot_not_overbooked` stands behind it.
"""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.appointments import live, selectors
from linli.appointments.calendar import opening
from linli.appointments.choices import (
    BOOKING_DAYS_AHEAD,
    MAX_SLOT_CAPACITY,
    MAX_TICKETS_A_DAY,
    TERMINAL_SEEN_EVERY_S,
    TICKET_MOVES,
    AppointmentState,
    TerminalKind,
    TicketAction,
    TicketState,
)
from linli.appointments.models import (
    Appointment,
    Centre,
    CentreClosure,
    CentreHours,
    Queue,
    Slot,
    Terminal,
    Ticket,
    TicketChange,
    Window,
)
from linli.appointments.permissions import CENTRE_MANAGE, TICKET_CALL
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.devices.tokens import new_token, token_digest
from linli.hall.models import Matter
from linli.regions.models import Region
from linli.regions.selectors import ensure_may

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I

# --- centres ---------------------------------------------------------------------------


@transaction.atomic
def centre_create(
    *,
    region: Region,
    name: str,
    address: str,
    phone: str = "",
    hours: dict[int, tuple[time, time]],
    by: Any,
) -> Centre:
    """A centre at `region` with its opening hours per weekday (0 = Monday)."""
    ensure_may(by, region, CENTRE_MANAGE)
    name, address = name.strip(), address.strip()
    if not name:
        raise ValidationError({"name": _("Give the centre a name.")})
    if not address:
        raise ValidationError({"address": _("Give the centre's address.")})
    if Centre.objects.filter(region=region, name=name).exists():
        raise ValidationError({"name": _("This region already has a centre of this name.")})
    centre = Centre.objects.create(region=region, name=name, address=address, phone=phone)
    centre_hours_set(centre=centre, hours=hours, by=None)
    audit_record(action=AuditAction.RECORD_CREATE, actor=by, obj=centre, object_label=name)
    return centre


@transaction.atomic
def centre_hours_set(*, centre: Centre, hours: dict[int, tuple[time, time]], by: Any) -> None:
    """Replace the centre's opening hours: a weekday left out is closed."""
    ensure_may(by, centre.region, CENTRE_MANAGE)
    for weekday, (opens, closes) in hours.items():
        if not 0 <= weekday <= 6:
            raise ValidationError({"hours": _("A weekday is 0 (Monday) to 6 (Sunday).")})
        if closes <= opens:
            raise ValidationError({"hours": _("A centre closes after it opens.")})
    if not hours:
        raise ValidationError({"hours": _("Open the centre on at least one weekday.")})
    CentreHours.objects.filter(centre=centre).delete()
    CentreHours.objects.bulk_create(
        CentreHours(centre=centre, weekday=d, opens=o, closes=c) for d, (o, c) in hours.items()
    )


@transaction.atomic
def centre_close_day(*, centre: Centre, day: date, reason: str, by: Any) -> CentreClosure:
    """Close the centre on `day`; its slots that day can no longer be booked, and those
    already booked are cancelled (the people are told on their appointments page)."""
    ensure_may(by, centre.region, CENTRE_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the centre is closed.")})
    if day < timezone.localdate():
        raise ValidationError({"day": _("This day is past.")})
    if CentreClosure.objects.filter(centre=centre, day=day).exists():
        raise ValidationError({"day": _("The centre is already closed that day.")})
    closure = CentreClosure.objects.create(centre=centre, day=day, reason=reason)
    start = timezone.make_aware(datetime.combine(day, time.min))
    slots = Slot.objects.filter(
        centre=centre, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    )
    Appointment.objects.filter(slot__in=slots, state=AppointmentState.BOOKED).update(
        state=AppointmentState.CANCELLED, changed_at=timezone.now()
    )
    slots.update(booked=0)
    return closure


@transaction.atomic
def queue_create(*, centre: Centre, letter: str, name: str, by: Any) -> Queue:
    ensure_may(by, centre.region, CENTRE_MANAGE)
    letter, name = letter.strip().upper(), name.strip()
    if len(letter) != 1 or not "A" <= letter <= "Z":
        raise ValidationError({"letter": _("One capital letter, A to Z.")})
    if not name:
        raise ValidationError({"name": _("Give the queue a name.")})
    if Queue.objects.filter(centre=centre, letter=letter).exists():
        raise ValidationError({"letter": _("This centre already has a queue of this letter.")})
    return Queue.objects.create(centre=centre, letter=letter, name=name)


@transaction.atomic
def window_create(
    *,
    centre: Centre,
    number: int,
    name: str,
    queues: Iterable[Queue],
    matters: Iterable[Matter] = (),
    by: Any,
) -> Window:
    """A numbered window of the centre that serves `queues` (of the same centre) and
    handles `matters` (the service matters of the catalogue)."""
    ensure_may(by, centre.region, CENTRE_MANAGE)
    name = name.strip()
    queues = list(queues)
    if not name:
        raise ValidationError({"name": _("Give the window a name.")})
    if not 1 <= number <= 99:
        raise ValidationError({"number": _("A window's number is 1 to 99.")})
    if not queues:
        raise ValidationError({"queues": _("Choose the queues this window serves.")})
    if any(q.centre_id != centre.pk for q in queues):
        raise ValidationError({"queues": _("Choose queues of this centre.")})
    if Window.objects.filter(centre=centre, number=number).exists():
        raise ValidationError({"number": _("This centre already has a window of this number.")})
    window = Window.objects.create(centre=centre, number=number, name=name)
    window.queues.set(queues)
    window.matters.set(list(matters))
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=window,
        region=centre.region,
        object_label=str(window),
    )
    return window


@transaction.atomic
def slots_create(
    *,
    window: Window,
    queue: Queue,
    day: date,
    minutes: int,
    capacity: int,
    matter: Matter | None = None,
    by: Any,
) -> list[Slot]:
    """The window's slots of `minutes` through the centre's opening hours of `day`,
    `capacity` people each, for `queue` (and `matter`, or any matter the window
    handles); slots that exist already are kept as they are."""
    centre = window.centre
    ensure_may(by, centre.region, CENTRE_MANAGE)
    if queue.centre_id != centre.pk or not window.queues.filter(pk=queue.pk).exists():
        raise ValidationError({"queue": _("Choose a queue this window serves.")})
    if matter is not None and not window.matters.filter(pk=matter.pk).exists():
        raise ValidationError({"matter": _("Choose a matter this window handles.")})
    if not 5 <= minutes <= 240:
        raise ValidationError({"minutes": _("A slot lasts 5 to 240 minutes.")})
    if not 1 <= capacity <= MAX_SLOT_CAPACITY:
        raise ValidationError(
            {"capacity": _("A slot takes 1 to %(n)s people.") % {"n": MAX_SLOT_CAPACITY}}
        )
    today = timezone.localdate()
    if day < today:
        raise ValidationError({"day": _("This day is past.")})
    if day > today + timedelta(days=BOOKING_DAYS_AHEAD):
        raise ValidationError(
            {"day": _("Slots are opened at most %(n)s days ahead.") % {"n": BOOKING_DAYS_AHEAD}}
        )
    hours = opening(centre, day)
    if hours is None:
        raise ValidationError({"day": _("The centre is closed that day.")})
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, hours[0], zone)
    end = datetime.combine(day, hours[1], zone)
    step = timedelta(minutes=minutes)
    existing = set(
        Slot.objects.filter(
            window=window, queue=queue, starts_at__gte=start, starts_at__lt=end
        ).values_list("starts_at", flat=True)
    )
    made = []
    while start + step <= end:
        if start not in existing:
            made.append(
                Slot(
                    centre=centre,
                    window=window,
                    queue=queue,
                    matter=matter,
                    starts_at=start,
                    ends_at=start + step,
                    capacity=capacity,
                )
            )
        start += step
    Slot.objects.bulk_create(made)
    return made


# --- appointments ----------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _take_place(slot: Slot) -> None:
    """One place of `slot`, or a clear refusal: past, too far ahead, closed, or full."""
    now = timezone.now()
    if slot.starts_at <= now:
        raise ValidationError({"slot": _("This time has passed: choose a later one.")})
    if slot.starts_at > now + timedelta(days=BOOKING_DAYS_AHEAD + 1):
        raise ValidationError({"slot": _("This time cannot be booked yet.")})
    if opening(slot.centre, timezone.localtime(slot.starts_at).date()) is None:
        raise ValidationError({"slot": _("The centre is closed that day.")})
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity"), starts_at__gt=now).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise ValidationError({"slot": _("This time is fully booked: choose another.")})


def _free_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


@transaction.atomic
def appointment_book(*, slot: Slot, by: Any) -> Appointment:
    """Book a place in `slot` for the signed-in `by`."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied
    if Appointment.objects.filter(slot=slot, person=by, state=AppointmentState.BOOKED).exists():
        raise ValidationError({"slot": _("You have already booked this time.")})
    _take_place(slot)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(slot=slot, person=by, code=_new_code())
    except IntegrityError as exc:  # the same person booking twice at once
        raise ValidationError({"slot": _("You have already booked this time.")}) from exc
    appointment.slot = slot
    live.changed(slot.centre)
    return appointment


def _ensure_own_or_staff(appointment: Appointment, by: Any) -> None:
    if by is None:
        return
    if appointment.person_id != by.pk:
        ensure_may(by, appointment.slot.centre.region, CENTRE_MANAGE)


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by: Any) -> Appointment:
    """Cancel a booked appointment that has not begun; its place is free again."""
    _ensure_own_or_staff(appointment, by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != AppointmentState.BOOKED:
        raise ValidationError(_("Only a booked appointment can be cancelled."))
    if appointment.slot.starts_at <= timezone.now():
        raise ValidationError(_("This appointment has begun: it can no longer be cancelled."))
    appointment.state = AppointmentState.CANCELLED
    appointment.changed_at = timezone.now()
    appointment.save(update_fields=["state", "changed_at"])
    _free_place(appointment.slot_id)
    live.changed(appointment.slot.centre)
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, slot: Slot, by: Any) -> Appointment:
    """Move a booked appointment to another slot of the same centre: the new place is
    taken first, so a full or past slot leaves the old booking as it was."""
    _ensure_own_or_staff(appointment, by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    old = appointment.slot
    if appointment.state != AppointmentState.BOOKED:
        raise ValidationError(_("Only a booked appointment can be moved."))
    if old.starts_at <= timezone.now():
        raise ValidationError(_("This appointment has begun: it can no longer be moved."))
    if slot.pk == old.pk:
        raise ValidationError({"slot": _("Choose another time.")})
    if slot.centre_id != old.centre_id:
        raise ValidationError({"slot": _("Choose a time at the same centre.")})
    _take_place(slot)
    _free_place(old.pk)
    appointment.slot = slot
    appointment.changed_at = timezone.now()
    try:
        with transaction.atomic():
            appointment.save(update_fields=["slot", "changed_at"])
    except IntegrityError as exc:
        raise ValidationError({"slot": _("You have already booked this time.")}) from exc
    live.changed(slot.centre)
    return appointment


@transaction.atomic
def appointments_mark_missed(*, now: datetime | None = None) -> int:
    """Booked appointments whose slot ended without the person checking in: missed
    (爽约). Run by the periodic task `appointments-missed`."""
    now = now or timezone.now()
    return Appointment.objects.filter(state=AppointmentState.BOOKED, slot__ends_at__lte=now).update(
        state=AppointmentState.NO_SHOW, changed_at=now
    )


# --- tickets ---------------------------------------------------------------------------


@transaction.atomic
def ticket_issue(*, queue: Queue, by: Any, appointment: Appointment | None = None) -> Ticket:
    """The queue's next number of the day (A001, A002 …): at the kiosk, or on arrival
    with an appointment (checked in: its ticket is called before walk-ins)."""
    centre = queue.centre
    ensure_may(by, centre.region, TICKET_CALL)
    today = timezone.localdate()
    if opening(centre, today) is None:
        raise ValidationError(_("The centre is closed today."))
    Queue.objects.select_for_update().filter(pk=queue.pk).first()  # one number at a time
    if appointment is not None:
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.state != AppointmentState.BOOKED:
            raise ValidationError(_("This appointment is not waiting for a check-in."))
        if timezone.localtime(appointment.slot.starts_at).date() != today:
            raise ValidationError(_("This appointment is not for today."))
        if appointment.slot.centre_id != centre.pk:
            raise ValidationError(_("This appointment is at another centre."))
        queue = appointment.slot.queue
    last = Ticket.objects.filter(queue=queue, day=today).aggregate(n=Max("number"))["n"] or 0
    if last >= MAX_TICKETS_A_DAY:
        raise ValidationError(_("This queue has given all its numbers today."))
    ticket = Ticket.objects.create(
        centre=centre,
        queue=queue,
        day=today,
        number=last + 1,
        appointment=appointment,
        matter=appointment.slot.matter if appointment is not None else None,
    )
    if appointment is not None:
        appointment.state = AppointmentState.ARRIVED
        appointment.changed_at = timezone.now()
        appointment.save(update_fields=["state", "changed_at"])
    TicketChange.objects.create(ticket=ticket, action=TicketAction.ISSUE, by=_user(by))
    live.changed(centre)
    return ticket


def _user(by: Any) -> Any:
    return by if by is not None and by.is_authenticated else None


def _check_in(window: Window, by: Any) -> None:
    ensure_may(by, window.centre.region, TICKET_CALL)
    if not window.active:
        raise ValidationError(_("This window is closed."))


def _busy(window: Window) -> Ticket | None:
    return (
        Ticket.objects.filter(window=window, state=TicketState.CALLED)
        .select_related("queue")
        .first()
    )


def _refuse_if_busy(window: Window) -> None:
    current = _busy(window)
    if current is not None:
        raise ValidationError(
            _("Window %(window)s is still serving %(ticket)s: finish, skip or transfer it first.")
            % {"window": window.number, "ticket": current.label}
        )


def _move(ticket: Ticket, action: str, at: Window | None, by: Any, **fields: Any) -> Ticket:
    """One move of the ticket's state machine, checked against its state under a lock,
    logged in the same transaction."""
    sources, target = TICKET_MOVES[action]
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("queue", "window", "centre__region")
        .get(pk=ticket.pk)
    )
    if locked.state not in sources:
        if action == TicketAction.CALL and locked.state == TicketState.CALLED:
            raise ValidationError(
                _("%(ticket)s has already been called to window %(window)s.")
                % {"ticket": locked.label, "window": locked.window.number if locked.window else ""}
            )
        raise ValidationError(
            _("%(ticket)s is %(state)s: it cannot be %(action)s.")
            % {
                "ticket": locked.label,
                "state": TicketState(locked.state).label,
                "action": TicketAction(action).label,
            }
        )
    locked.state = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", *fields])
    TicketChange.objects.create(ticket=locked, action=action, window=at, by=_user(by))
    live.changed(locked.centre)
    return locked


def _call_fields(ticket: Ticket, window: Window) -> dict[str, Any]:
    now = timezone.now()
    fields: dict[str, Any] = {
        "window": window,
        "transferred_to": None,
        "called_at": now,
        "calls": ticket.calls + 1,
    }
    if ticket.first_called_at is None:
        fields["first_called_at"] = now
        fields["waited_s"] = max(0, int((now - ticket.issued_at).total_seconds()))
    return fields


@transaction.atomic
def ticket_call(*, ticket: Ticket, window: Window, by: Any) -> Ticket:
    """Call this waiting ticket to `window`; a ticket already called is refused."""
    _check_in(window, by)
    if ticket.centre_id != window.centre_id:
        raise ValidationError(_("This ticket is at another centre."))
    if ticket.day != timezone.localdate():
        raise ValidationError(_("This ticket is not from today."))
    fresh = Ticket.objects.get(pk=ticket.pk)
    if fresh.state == TicketState.WAITING:
        if fresh.transferred_to_id not in (None, window.pk):
            raise ValidationError(_("This ticket was transferred to another window."))
        if not window.queues.filter(pk=fresh.queue_id).exists() and fresh.transferred_to_id is None:
            raise ValidationError(_("This window does not serve this ticket's queue."))
        _refuse_if_busy(window)
    return _move(fresh, TicketAction.CALL, window, by, **_call_fields(fresh, window))


@transaction.atomic
def ticket_call_next(*, window: Window, by: Any) -> Ticket:
    """Call the next ticket for `window`: those transferred to it first, then tickets of
    appointments, then walk-ins, each in the order they were taken."""
    _check_in(window, by)
    _refuse_if_busy(window)
    waiting = selectors.waiting_for(window)
    if connection.features.has_select_for_update_skip_locked:
        # Two windows calling at once take two different tickets, neither waits.
        waiting = waiting.select_for_update(skip_locked=True, of=("self",))
    ticket = waiting.first()
    if ticket is None:
        raise ValidationError(_("Nobody is waiting for this window."))
    return _move(ticket, TicketAction.CALL, window, by, **_call_fields(ticket, window))


def _current(ticket: Ticket, by: Any) -> Window:
    window = ticket.window
    if window is None or ticket.state != TicketState.CALLED:
        raise ValidationError(_("%(ticket)s has not been called.") % {"ticket": ticket.label})
    _check_in(window, by)
    return window


@transaction.atomic
def ticket_recall(*, ticket: Ticket, by: Any) -> Ticket:
    """Call the ticket again to the same window (the screen shows and says it again)."""
    window = _current(ticket, by)
    return _move(
        ticket, TicketAction.RECALL, window, by, called_at=timezone.now(), calls=ticket.calls + 1
    )


@transaction.atomic
def ticket_finish(*, ticket: Ticket, by: Any) -> Ticket:
    """The person was served."""
    window = _current(ticket, by)
    now = timezone.now()
    served = int((now - (ticket.called_at or now)).total_seconds())
    return _move(ticket, TicketAction.FINISH, window, by, finished_at=now, served_s=served)


@transaction.atomic
def ticket_skip(*, ticket: Ticket, by: Any) -> Ticket:
    """过号: the person did not come to the window."""
    window = _current(ticket, by)
    return _move(ticket, TicketAction.SKIP, window, by, finished_at=timezone.now())


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, to: Window, by: Any) -> Ticket:
    """Send the person on to another window of the centre: the ticket waits there, ahead
    of that window's queue."""
    window = _current(ticket, by)
    if to.centre_id != window.centre_id:
        raise ValidationError({"to": _("Choose a window of this centre.")})
    if to.pk == window.pk:
        raise ValidationError({"to": _("Choose another window.")})
    if not to.active:
        raise ValidationError({"to": _("This window is closed.")})
    return _move(ticket, TicketAction.TRANSFER, window, by, transferred_to=to)


# --- terminals -------------------------------------------------------------------------


@transaction.atomic
def terminal_register(*, centre: Centre, kind: str, name: str, by: Any) -> tuple[Terminal, str]:
    """A ticket kiosk or call screen of `centre` and its token, returned this once."""
    ensure_may(by, centre.region, CENTRE_MANAGE)
    if kind not in TerminalKind.values:
        raise ValidationError({"kind": _("Choose a ticket kiosk or a call screen.")})
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationError({"name": _("Give the terminal a name of at most 40 characters.")})
    if centre.terminals.filter(name=name, retired_at__isnull=True).exists():
        raise ValidationError({"name": _("This centre already has a terminal of this name.")})
    token = new_token()
    terminal = Terminal.objects.create(
        centre=centre, kind=kind, name=name, token_hash=token_digest(token)
    )
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=by,
        obj=terminal,
        object_label=str(terminal),
        details={"issued": "new", "kind": kind},
    )
    return terminal, token


def _terminal_locked(terminal: Terminal, by: Any) -> Terminal:
    ensure_may(by, terminal.centre.region, CENTRE_MANAGE)
    locked = Terminal.objects.select_for_update().select_related("centre__region")
    return locked.get(pk=terminal.pk)


@transaction.atomic
def terminal_token_rotate(*, terminal: Terminal, by: Any) -> str:
    """A new token; the old one stops working at once."""
    terminal = _terminal_locked(terminal, by)
    if terminal.retired_at is not None:
        raise ValidationError(_("This terminal is retired."))
    token = new_token()
    terminal.token_hash, terminal.token_rotated_at = token_digest(token), timezone.now()
    terminal.save(update_fields=["token_hash", "token_rotated_at"])
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=by,
        obj=terminal,
        object_label=str(terminal),
        details={"issued": "rotated"},
    )
    return token


@transaction.atomic
def terminal_retire(*, terminal: Terminal, by: Any) -> Terminal:
    """Out of service: its token stops working, it leaves the centre's list."""
    terminal = _terminal_locked(terminal, by)
    if terminal.retired_at is None:
        terminal.retired_at = timezone.now()
        terminal.save(update_fields=["retired_at"])
        audit_record(
            action=AuditAction.TOKEN_REVOKE, actor=by, obj=terminal, object_label=str(terminal)
        )
    return terminal


def terminal_seen(terminal: Terminal) -> None:
    """The terminal asked for a page: its last-seen time, written at most once a minute."""
    now = timezone.now()
    seen = terminal.last_seen_at
    if seen is None or (now - seen).total_seconds() >= TERMINAL_SEEN_EVERY_S:
        Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=now)
        terminal.last_seen_at = now
