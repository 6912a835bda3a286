"""Reads of the appointments app: everything staff see starts from `visible_to`;
residents see their own appointments and the slots open for booking."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from linli.appointments.choices import BOOKING_DAYS_AHEAD, AppointmentState, TicketState
from linli.appointments.models import Appointment, Centre, Queue, Slot, Terminal, Ticket, Window
from linli.appointments.permissions import CENTRE_VIEW
from linli.devices.tokens import token_digest
from linli.hall.models import Matter


def centres_visible(*, user: Any, action: str = CENTRE_VIEW) -> QuerySet[Centre]:
    return Centre.objects.visible_to(user, action).select_related("region")


def windows_visible(*, user: Any, action: str = CENTRE_VIEW) -> QuerySet[Window]:
    return Window.objects.visible_to(user, action).select_related("centre__region")


def tickets_visible(*, user: Any, action: str = CENTRE_VIEW) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user, action).select_related(
        "queue", "window", "centre__region", "transferred_to"
    )


def appointments_visible(*, user: Any, action: str = CENTRE_VIEW) -> QuerySet[Appointment]:
    return Appointment.objects.visible_to(user, action).select_related(
        "slot__centre", "slot__window", "slot__queue", "person"
    )


def centres_open_for_booking() -> QuerySet[Centre]:
    """Every centre: residents may book at any (their address does not bind them)."""
    return Centre.objects.select_related("region").order_by("region__path", "name")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def bookable_days() -> list[date]:
    today = timezone.localdate()
    return [today + timedelta(days=n) for n in range(BOOKING_DAYS_AHEAD + 1)]


def slots_open(*, centre: Centre, day: date) -> QuerySet[Slot]:
    """The centre's slots of `day` that start later than now, free or full."""
    start, end = day_bounds(day)
    return (
        Slot.objects.filter(
            centre=centre, starts_at__gte=max(start, timezone.now()), starts_at__lt=end
        )
        .select_related("window", "queue", "matter")
        .order_by("starts_at", "window__number")
    )


def my_appointments(*, user: Any) -> QuerySet[Appointment]:
    """The signed-in person's appointments: coming ones first, then the past."""
    return (
        Appointment.objects.filter(person=user)
        .select_related(
            "slot__centre__region", "slot__window", "slot__queue", "slot__matter", "ticket__queue"
        )
        .order_by("-slot__starts_at")
    )


def queue_board(centre: Centre) -> dict[str, Any]:
    """What the call screen shows: the latest calls, and how many wait per queue."""
    today = timezone.localdate()
    tickets = Ticket.objects.filter(centre=centre, day=today)
    calls = list(
        tickets.filter(state=TicketState.CALLED)
        .select_related("queue", "window")
        .order_by("-called_at")[:8]
    )
    waiting = dict(
        tickets.filter(state=TicketState.WAITING)
        .values_list("queue")
        .annotate(n=Count("pk"))
        .values_list("queue", "n")
    )
    queues = list(Queue.objects.filter(centre=centre).order_by("letter"))
    for queue in queues:
        queue.waiting = waiting.get(queue.pk, 0)  # type: ignore[attr-defined]
    return {"calls": calls, "queues": queues}


@dataclass(frozen=True)
class QueueFigures:
    queue: Any  # a Queue, or a Matter
    taken: int
    waiting: int
    served: int
    missed: int
    wait_minutes: float | None
    service_minutes: float | None


def _figures(tickets: QuerySet[Ticket], by: str) -> dict[Any, dict[str, Any]]:
    return {
        r[by]: r
        for r in tickets.values(by)
        .annotate(
            taken=Count("pk"),
            waiting=Count("pk", filter=Q(state=TicketState.WAITING)),
            served=Count("pk", filter=Q(state=TicketState.DONE)),
            missed=Count("pk", filter=Q(state=TicketState.NO_SHOW)),
            called=Count("pk", filter=Q(waited_s__isnull=False)),
            wait=Sum("waited_s"),
            timed=Count("pk", filter=Q(served_s__isnull=False)),
            service=Sum("served_s"),
        )
        .order_by()
    }


def _mean_minutes(total: int | None, count: int | None) -> float | None:
    return round((total or 0) / count / 60, 1) if count else None


def queue_figures(centre: Centre, day: date) -> list[QueueFigures]:
    """Per queue of the centre on `day`: tickets taken, waiting, served, missed, and the
    mean waiting time (taken → first called) and service time (called → served)."""
    rows = _figures(Ticket.objects.filter(centre=centre, day=day), "queue")
    return [
        _row(queue, rows.get(queue.pk, {}))
        for queue in Queue.objects.filter(centre=centre).order_by("letter")
    ]


def matter_figures(centre: Centre, day: date) -> list[QueueFigures]:
    """The same figures per service matter, of the tickets whose matter is known (those
    of appointments)."""
    rows = _figures(Ticket.objects.filter(centre=centre, day=day, matter__isnull=False), "matter")
    matters = Matter.objects.filter(pk__in=rows).order_by("name")
    return [_row(m, rows[m.pk]) for m in matters]


def _row(what: Any, r: dict[str, Any]) -> QueueFigures:
    return QueueFigures(
        queue=what,
        taken=r.get("taken", 0),
        waiting=r.get("waiting", 0),
        served=r.get("served", 0),
        missed=r.get("missed", 0),
        wait_minutes=_mean_minutes(r.get("wait"), r.get("called")),
        service_minutes=_mean_minutes(r.get("service"), r.get("timed")),
    )


def appointments_of_day(centre: Centre, day: date) -> QuerySet[Appointment]:
    start, end = day_bounds(day)
    return (
        Appointment.objects.filter(
            slot__centre=centre, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
        .exclude(state=AppointmentState.CANCELLED)
        .select_related("slot__window", "slot__queue", "person")
        .order_by("slot__starts_at", "pk")
    )


def waiting_for(window: Window) -> QuerySet[Ticket]:
    """Today's tickets waiting for `window`, in the order it calls them: those
    transferred to it first, then tickets of appointments, then walk-ins, each in the
    order they were taken."""
    return (
        Ticket.objects.filter(
            centre_id=window.centre_id, day=timezone.localdate(), state=TicketState.WAITING
        )
        .filter(
            Q(transferred_to=window) | Q(transferred_to__isnull=True, queue__in=window.queues.all())
        )
        .select_related("queue", "appointment")
        .order_by(
            F("transferred_to").asc(nulls_last=True),
            F("appointment").asc(nulls_last=True),
            "issued_at",
            "pk",
        )
    )


def terminal_by_token(token: str) -> Terminal | None:
    """The terminal in service holding this token, with its centre."""
    if not token or len(token) > 64:
        return None
    return (
        Terminal.objects.filter(token_hash=token_digest(token), retired_at__isnull=True)
        .select_related("centre__region")
        .first()
    )


def terminals_of(centre: Centre) -> QuerySet[Terminal]:
    return centre.terminals.filter(retired_at__isnull=True).order_by("kind", "name")
