from datetime import timedelta

from django.test import Client
from django.utils import timezone

from linli.appointments import services
from linli.appointments.models import Ticket
from linli.testing.appointments import slot_at, tomorrow_at
from linli.testing.http import get, post, text


def test_a_resident_books_sees_and_cancels(client, world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=1)
    day = timezone.localdate(slot.starts_at).isoformat()
    page = text(
        get(client, world.resident_a, f"/appointments/book/?centre={hall.centre.pk}&day={day}")
    )
    assert "09:00" in page and "1 left" in page
    answer = post(client, world.resident_a, f"/appointments/book/{slot.pk}/", {})
    assert answer.status_code == 302 and answer["Location"] == "/appointments/my/"
    page = text(get(client, world.resident_a, "/appointments/my/"))
    assert "测试服务中心" in page and "Booking code" in page
    # full now: another person is told so, and nothing is booked
    answer = post(client, world.worker_a, f"/appointments/book/{slot.pk}/", {})
    page = text(client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert "This time is fully booked: choose another." in page and "Full" in page


def test_the_chinese_pages_show_no_english(world, hall):
    client = Client()  # the deployment's language
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=2)
    services.appointment_book(slot=slot, by=world.worker_a)
    ticket = services.ticket_issue(queue=hall.queues[0], by=world.worker_a)
    client.force_login(world.worker_a)
    for path in [
        "/appointments/my/",
        "/appointments/book/",
        "/appointments/centres/",
        f"/appointments/centres/{hall.centre.pk}/",
        f"/appointments/centres/{hall.centre.pk}/kiosk/",
        f"/appointments/centres/{hall.centre.pk}/screen/",
        f"/appointments/tickets/{ticket.pk}/",
        f"/appointments/windows/{hall.windows[0].pk}/",
    ]:
        page = text(client.get(path))
        for word in ("Window", "Queue", "Booked", "Served", "waiting", "Call", "Ticket"):
            assert word not in page, (path, word)


def test_kiosk_and_caller(client, world, hall):
    answer = post(
        client,
        world.worker_a,
        f"/appointments/centres/{hall.centre.pk}/kiosk/",
        {"queue": hall.queues[0].pk},
    )
    ticket = Ticket.objects.get()
    assert answer["Location"] == f"/appointments/tickets/{ticket.pk}/"
    assert "A001" in text(get(client, world.worker_a, answer["Location"]))
    window = hall.windows[0]
    post(client, world.worker_a, f"/appointments/windows/{window.pk}/next/", {})
    page = text(get(client, world.worker_a, f"/appointments/windows/{window.pk}/"))
    assert "At the window A001" in page
    answer = post(
        client, world.worker_a, f"/appointments/windows/{hall.windows[1].pk}/call/{ticket.pk}/", {}
    )
    page = text(client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert "A001 has already been called to window 1." in page
    board = text(get(client, world.worker_a, f"/appointments/centres/{hall.centre.pk}/screen/"))
    assert "A001 Window 1" in board


def test_a_booking_code_checks_in_at_the_kiosk(client, world, hall):
    soon = timezone.now() + timedelta(minutes=10)
    if timezone.localdate(soon) != timezone.localdate():
        soon = timezone.now() + timedelta(seconds=30)
    slot = slot_at(hall.windows[0], hall.queues[0], soon)
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    kiosk = f"/appointments/centres/{hall.centre.pk}/kiosk/"
    answer = post(client, world.worker_a, kiosk, {"code": "WRONG123"})
    assert "No appointment at this centre has this code." in text(
        client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en")
    )
    answer = post(client, world.worker_a, kiosk, {"code": appointment.code.lower()})
    assert Ticket.objects.get().appointment == appointment


def test_outsiders_see_nothing_of_another_centre(client, world, hall):
    client.force_login(world.worker_a)
    for path in [
        f"/appointments/centres/{hall.other.pk}/",
        f"/appointments/centres/{hall.other.pk}/kiosk/",
        f"/appointments/windows/{hall.other_windows[0].pk}/",
    ]:
        assert client.get(path).status_code == 404
    client.force_login(world.resident_a)
    assert client.get(f"/appointments/centres/{hall.centre.pk}/").status_code == 403
