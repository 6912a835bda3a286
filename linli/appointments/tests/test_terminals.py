"""A centre's unattended terminals: registered on the console with a token shown
once, signed in with it at /hall-terminal/, the kiosk giving tickets and the call
screen showing calls for their own centre only; a rotated or retired token stops
working; bad input gets a clear message and saves nothing."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from linli.appointments import services
from linli.appointments.models import Terminal, Ticket
from linli.appointments.terminal import COOKIE, live_scope
from linli.audit.models import AuditEntry
from linli.testing.appointments import slot_at
from linli.testing.http import get, post, text


def _register(client, world, hall, kind="kiosk", name="大厅入口取号机") -> tuple[Terminal, str]:
    answer = post(
        client,
        world.worker_a,
        f"/appointments/centres/{hall.centre.pk}/terminals/",
        {"kind": kind, "name": name},
    )
    assert answer.status_code == 201
    token = answer.context["token"]
    assert token in answer.content.decode()
    return Terminal.objects.get(name=name), token


def _signed_in(token: str) -> Client:
    machine = Client()
    answer = machine.post("/hall-terminal/signin/", {"token": token})
    assert answer.status_code == 302 and answer.cookies[COOKIE].value == token
    return machine


def test_a_kiosk_terminal_gives_tickets_for_its_centre_without_a_person(client, world, hall):
    terminal, token = _register(client, world, hall)
    assert AuditEntry.objects.filter(action="token_create", object_id=str(terminal.pk)).exists()
    assert token not in str(Terminal.objects.values_list("token_hash", flat=True))
    assert "大厅入口取号机" in text(
        get(client, world.worker_a, f"/appointments/centres/{hall.centre.pk}/")
    )

    machine = _signed_in(token)
    assert machine.get("/hall-terminal/")["Location"] == "/hall-terminal/kiosk/"
    page = machine.get("/hall-terminal/kiosk/").content.decode()
    assert "测试服务中心" in page and "取号" in page
    answer = machine.post("/hall-terminal/kiosk/", {"queue": hall.queues[0].pk})
    ticket = Ticket.objects.get()
    assert answer["Location"] == f"/hall-terminal/tickets/{ticket.pk}/"
    printed = machine.get(answer["Location"]).content.decode()
    assert "A001" in printed and 'href="/hall-terminal/kiosk/"' in printed
    assert ticket.changes.get().by is None
    terminal.refresh_from_db()
    assert terminal.last_seen_at is not None

    # Its own centre only, and none of the staff's pages.
    other = services.ticket_issue(queue=hall.other_queues[0], by=None)
    assert machine.get(f"/hall-terminal/tickets/{other.pk}/").status_code == 404
    assert (
        machine.post("/hall-terminal/kiosk/", {"queue": hall.other_queues[0].pk}).status_code == 404
    )
    assert machine.get("/hall-terminal/screen/").status_code == 404
    assert machine.get(f"/appointments/centres/{hall.centre.pk}/kiosk/").status_code == 302


def test_a_booking_code_checks_in_at_the_kiosk_terminal(client, world, hall):
    _terminal, token = _register(client, world, hall)
    machine = _signed_in(token)
    soon = timezone.now() + timedelta(minutes=10)
    if timezone.localdate(soon) != timezone.localdate():
        soon = timezone.now() + timedelta(seconds=30)
    appointment = services.appointment_book(
        slot=slot_at(hall.windows[0], hall.queues[0], soon), by=world.resident_a
    )
    answer = machine.post("/hall-terminal/kiosk/", {"code": "WRONG123"})
    assert "本中心没有这个预约码的预约。" in machine.get(answer["Location"]).content.decode()
    machine.post("/hall-terminal/kiosk/", {"code": appointment.code})
    assert Ticket.objects.get().appointment == appointment


def test_a_call_screen_terminal_shows_its_centres_calls(client, world, hall):
    _terminal, token = _register(client, world, hall, kind="call_screen", name="大厅叫号屏")
    ticket = services.ticket_issue(queue=hall.queues[0], by=None)
    services.ticket_call(ticket=ticket, window=hall.windows[0], by=world.worker_a)
    machine = _signed_in(token)
    assert machine.get("/hall-terminal/")["Location"] == "/hall-terminal/screen/"
    board = machine.get("/hall-terminal/screen/", HTTP_HX_REQUEST="true").content.decode()
    assert "A001" in board and "<html" not in board
    assert machine.get("/hall-terminal/kiosk/").status_code == 404
    request = machine.get("/hall-terminal/screen/").wsgi_request
    assert live_scope(request) == [hall.centre.region.path]


def test_a_rotated_or_retired_token_stops_working(client, world, hall):
    terminal, token = _register(client, world, hall)
    machine = _signed_in(token)
    rotated = post(client, world.worker_a, f"/appointments/terminals/{terminal.pk}/token/", {})
    assert rotated.status_code == 200 and rotated.context["token"] != token
    assert "终端令牌" in machine.get("/hall-terminal/").content.decode()  # the sign-in form
    assert machine.get("/hall-terminal/kiosk/")["Location"] == "/hall-terminal/"
    again = _signed_in(rotated.context["token"])
    post(client, world.worker_a, f"/appointments/terminals/{terminal.pk}/retire/", {})
    assert again.get("/hall-terminal/kiosk/")["Location"] == "/hall-terminal/"
    refused = Client().post("/hall-terminal/signin/", {"token": rotated.context["token"]})
    assert refused.status_code == 422 and "令牌无效" in refused.content.decode()
    assert "大厅入口取号机" not in text(
        get(client, world.worker_a, f"/appointments/centres/{hall.centre.pk}/")
    )


def test_bad_input_and_outsiders_are_refused_with_nothing_saved(client, world, hall):
    url = f"/appointments/centres/{hall.centre.pk}/terminals/"
    for data, message in [
        ({"kind": "kiosk", "name": ""}, "Name"),
        ({"kind": "printer", "name": "打印机"}, "Kind"),
    ]:
        answer = post(client, world.worker_a, url, data)
        assert answer.status_code == 302
        assert message in text(get(client, world.worker_a, answer["Location"]))
    _register(client, world, hall)
    answer = post(client, world.worker_a, url, {"kind": "kiosk", "name": "大厅入口取号机"})
    assert "already has a terminal of this name" in text(
        get(client, world.worker_a, answer["Location"])
    )
    assert Terminal.objects.count() == 1
    terminal = Terminal.objects.get()
    outsider = world.other_subdistrict_admin
    assert (
        post(client, outsider, f"/appointments/terminals/{terminal.pk}/token/", {}).status_code
        == 404
    )
    assert (
        post(
            client,
            outsider,
            f"/appointments/centres/{hall.centre.pk}/terminals/",
            {"kind": "kiosk", "name": "外来"},
        ).status_code
        == 404
    )
    assert Terminal.objects.count() == 1
