from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.appointments import services
from linli.appointments.calendar import opening
from linli.appointments.models import Appointment, Slot, Ticket, TicketChange
from linli.core.models import CalendarDay
from linli.testing.appointments import slot_at, tomorrow_at

pytestmark = pytest.mark.usefixtures("english")


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_it_books_a_place_and_counts_it(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=2)
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert appointment.state == "booked" and len(appointment.code) == 8


def test_it_refuses_a_full_slot_and_saves_nothing(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=1)
    services.appointment_book(slot=slot, by=world.resident_a)
    with pytest.raises(ValidationError) as exc:
        services.appointment_book(slot=slot, by=world.worker_a)
    assert "fully booked" in _messages(exc)
    assert Appointment.objects.filter(slot=slot).count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_it_refuses_a_past_slot(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError) as exc:
        services.appointment_book(slot=slot, by=world.resident_a)
    assert "passed" in _messages(exc)
    assert not Appointment.objects.exists()


def test_it_refuses_a_closed_day(world, hall):
    start = tomorrow_at(9)
    CalendarDay.objects.create(date=timezone.localdate(start), working=False, name="元旦")
    assert opening(hall.centre, timezone.localdate(start)) is None
    slot = slot_at(hall.windows[0], hall.queues[0], start)
    with pytest.raises(ValidationError) as exc:
        services.appointment_book(slot=slot, by=world.resident_a)
    assert "closed" in _messages(exc)


def test_it_refuses_booking_the_same_slot_twice(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=3)
    services.appointment_book(slot=slot, by=world.resident_a)
    with pytest.raises(ValidationError) as exc:
        services.appointment_book(slot=slot, by=world.resident_a)
    assert "already booked" in _messages(exc)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_cancelling_frees_the_place(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    services.appointment_cancel(appointment=appointment, by=world.resident_a)
    slot.refresh_from_db()
    assert slot.booked == 0
    services.appointment_book(slot=slot, by=world.worker_a)  # the place is free again
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, by=world.resident_a)


def test_nobody_else_cancels_my_appointment(world, hall):
    slot = slot_at(hall.other_windows[0], hall.other_queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    with pytest.raises(PermissionDenied):  # A's worker: not B's staff
        services.appointment_cancel(appointment=appointment, by=world.worker_a)
    services.appointment_cancel(appointment=appointment, by=world.worker_b)  # B's staff may


def test_rescheduling_moves_and_a_full_target_keeps_the_old_place(world, hall):
    window, queue = hall.windows[0], hall.queues[0]
    first = slot_at(window, queue, tomorrow_at(9))
    second = slot_at(window, queue, tomorrow_at(10))
    full = slot_at(window, queue, tomorrow_at(11))
    services.appointment_book(slot=full, by=world.worker_a)
    appointment = services.appointment_book(slot=first, by=world.resident_a)
    with pytest.raises(ValidationError):
        services.appointment_reschedule(appointment=appointment, slot=full, by=world.resident_a)
    appointment.refresh_from_db()
    assert appointment.slot_id == first.pk
    services.appointment_reschedule(appointment=appointment, slot=second, by=world.resident_a)
    counts = dict(Slot.objects.values_list("pk", "booked"))
    assert (counts[first.pk], counts[second.pk], counts[full.pk]) == (0, 1, 1)


def test_closing_a_day_cancels_its_appointments(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    services.centre_close_day(
        centre=hall.centre, day=timezone.localdate(slot.starts_at), reason="停电", by=world.worker_a
    )
    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.state == "cancelled" and slot.booked == 0


def test_slots_fill_the_opening_hours(world, hall):
    made = services.slots_create(
        window=hall.windows[0],
        queue=hall.queues[0],
        day=timezone.localdate() + timedelta(days=1),
        minutes=60,
        capacity=2,
        by=world.worker_a,
    )
    assert len(made) == 23  # 00:00–23:59 in whole hours
    again = services.slots_create(
        window=hall.windows[0],
        queue=hall.queues[0],
        day=timezone.localdate() + timedelta(days=1),
        minutes=60,
        capacity=2,
        by=world.worker_a,
    )
    assert again == []
    with pytest.raises(PermissionDenied):
        services.slots_create(
            window=hall.other_windows[0],
            queue=hall.other_queues[0],
            day=timezone.localdate() + timedelta(days=1),
            minutes=60,
            capacity=2,
            by=world.worker_a,
        )


def test_tickets_are_numbered_per_queue_and_day(world, hall):
    a, b = hall.queues
    labels = [services.ticket_issue(queue=q, by=world.worker_a).label for q in (a, a, b)]
    assert labels == ["A001", "A002", "B001"]


def test_a_window_calls_in_order_and_a_ticket_called_twice_is_refused(world, hall):
    one, two = hall.windows
    first = services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    second = services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    called = services.ticket_call_next(window=one, by=world.worker_a)
    assert called.pk == first.pk and called.window == one and called.waited_s is not None
    with pytest.raises(ValidationError) as exc:
        services.ticket_call(ticket=first, window=two, by=world.worker_a)
    assert "A001 has already been called to window 1" in _messages(exc)
    with pytest.raises(ValidationError) as exc:  # busy window
        services.ticket_call_next(window=one, by=world.worker_a)
    assert "still serving A001" in _messages(exc)
    assert services.ticket_call_next(window=two, by=world.worker_a).pk == second.pk
    assert TicketChange.objects.filter(action="call").count() == 2


def test_recall_finish_skip_and_transfer(world, hall):
    one, two = hall.windows
    services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    b = services.ticket_issue(queue=hall.queues[1], by=world.worker_a)  # window 1 only
    ticket = services.ticket_call_next(window=one, by=world.worker_a)
    ticket = services.ticket_recall(ticket=ticket, by=world.worker_a)
    assert ticket.calls == 2
    ticket = services.ticket_transfer(ticket=ticket, to=two, by=world.worker_a)
    assert ticket.state == "waiting" and ticket.transferred_to == two
    assert services.ticket_call_next(window=one, by=world.worker_a).pk == b.pk
    again = services.ticket_call_next(window=two, by=world.worker_a)
    assert again.pk == ticket.pk and again.calls == 3 and again.waited_s == ticket.waited_s
    done = services.ticket_finish(ticket=again, by=world.worker_a)
    assert done.state == "done" and done.served_s is not None
    skipped = services.ticket_skip(ticket=Ticket.objects.get(pk=b.pk), by=world.worker_a)
    assert skipped.state == "no_show"
    with pytest.raises(ValidationError) as exc:
        services.ticket_recall(ticket=skipped, by=world.worker_a)
    assert "has not been called" in _messages(exc)


def test_nobody_waiting(world, hall):
    with pytest.raises(ValidationError) as exc:
        services.ticket_call_next(window=hall.windows[0], by=world.worker_a)
    assert "Nobody is waiting" in _messages(exc)


def test_outsiders_cannot_issue_or_call(world, hall):
    ticket = services.ticket_issue(queue=hall.other_queues[0], by=world.worker_b)
    with pytest.raises(PermissionDenied):
        services.ticket_issue(queue=hall.other_queues[0], by=world.worker_a)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(window=hall.other_windows[0], by=world.worker_a)
    with pytest.raises(PermissionDenied):
        services.ticket_call(ticket=ticket, window=hall.other_windows[0], by=world.resident_a)


def test_an_appointment_checks_in_and_is_called_before_walk_ins(world, hall):
    walk_in = services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    soon = timezone.now() + timedelta(minutes=20)
    if timezone.localdate(soon) != timezone.localdate():
        soon = timezone.now() + timedelta(seconds=5)
    slot = slot_at(hall.windows[0], hall.queues[0], soon)
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    ticket = services.ticket_issue(queue=hall.queues[1], appointment=appointment, by=world.worker_a)
    appointment.refresh_from_db()
    assert appointment.state == "arrived" and ticket.queue == hall.queues[0]
    assert services.ticket_call_next(window=hall.windows[0], by=world.worker_a).pk == ticket.pk
    assert walk_in.state == "waiting"
    with pytest.raises(ValidationError):
        services.ticket_issue(queue=hall.queues[0], appointment=appointment, by=world.worker_a)


def test_missed_appointments(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    assert services.appointments_mark_missed(now=slot.ends_at - timedelta(minutes=1)) == 0
    assert services.appointments_mark_missed(now=slot.ends_at) == 1
    appointment.refresh_from_db()
    assert appointment.state == "no_show"
