"""Concurrent bookings and calls on PostgreSQL: each thread has its own connection and
transaction, all released at once by a barrier."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation

from linli.accounts.models import User
from linli.appointments import services
from linli.appointments.models import Appointment, Slot, Ticket
from linli.testing.appointments import slot_at, tomorrow_at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql(reason="concurrent writers need PostgreSQL"),
]


def _race(jobs):
    """Run the callables at once in threads; (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            with translation.override("en"):  # threads start in the default language
                results.append(job())
        except ValidationError as exc:
            errors.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_forty_bookings_for_ten_places_book_exactly_ten(world, hall, english):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=10)
    people = User.objects.bulk_create(
        User(username=f"booker{n}", full_name=f"居民{n}") for n in range(40)
    )
    jobs = [
        (lambda p=p: services.appointment_book(slot=Slot.objects.get(pk=slot.pk), by=p))
        for p in people
    ]
    results, errors = _race(jobs)
    slot.refresh_from_db()
    assert len(results) == 10 and slot.booked == 10
    assert Appointment.objects.filter(slot=slot, state="booked").count() == 10
    assert len(errors) == 30
    assert set(errors) == {"This time is fully booked: choose another."}


def test_two_windows_calling_at_once_take_different_tickets(world, hall, english):
    for _ in range(2):
        services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    one, two = hall.windows
    results, errors = _race(
        [
            lambda: services.ticket_call_next(window=one, by=world.worker_a),
            lambda: services.ticket_call_next(window=two, by=world.worker_a),
        ]
    )
    assert errors == []
    assert len({t.pk for t in results}) == 2


def test_one_ticket_called_by_two_windows_at_once_is_called_once(world, hall, english):
    ticket = services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    one, two = hall.windows
    results, errors = _race(
        [
            lambda: services.ticket_call(ticket=ticket, window=one, by=world.worker_a),
            lambda: services.ticket_call(ticket=ticket, window=two, by=world.worker_a),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert "A001 has already been called to window" in errors[0]
    assert Ticket.objects.get(pk=ticket.pk).calls == 1
