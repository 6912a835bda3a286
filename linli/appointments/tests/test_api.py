from datetime import timedelta

from django.utils import timezone

from linli.appointments import services
from linli.testing.appointments import slot_at, tomorrow_at
from linli.testing.http import call_api, error_messages, ok, problem_of


def test_it_lists_slots_and_books_and_a_full_slot_is_a_422(client, world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9), capacity=1)
    day = timezone.localdate(slot.starts_at).isoformat()
    slots = ok(
        call_api(
            client,
            world.resident_a,
            "get",
            f"/appointments/centres/{hall.centre.pk}/slots",
            day=day,
        )
    )
    assert [(s["id"], s["free"], s["window"]) for s in slots] == [(slot.pk, 1, 1)]
    booked = ok(
        call_api(client, world.resident_a, "post", "/appointments/mine", {"slot": slot.pk}), 201
    )
    assert booked["state"] == "booked" and booked["window"] == 1
    problem = problem_of(
        call_api(client, world.worker_a, "post", "/appointments/mine", {"slot": slot.pk}), 422
    )
    assert problem["errors"][0]["field"] == "slot"
    assert error_messages(problem) == ["This time is fully booked: choose another."]
    mine = ok(call_api(client, world.resident_a, "get", "/appointments/mine"))
    assert [a["code"] for a in mine["items"]] == [booked["code"]]


def test_a_past_slot_is_a_422(client, world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], timezone.now() - timedelta(hours=1))
    problem = problem_of(
        call_api(client, world.resident_a, "post", "/appointments/mine", {"slot": slot.pk}), 422
    )
    assert error_messages(problem) == ["This time has passed: choose a later one."]


def test_cancel_and_reschedule_are_mine_only(client, world, hall):
    first = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    second = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(10))
    appointment = services.appointment_book(slot=first, by=world.resident_a)
    path = f"/appointments/mine/{appointment.pk}"
    problem_of(call_api(client, world.worker_a, "post", f"{path}/cancel"), 404)
    moved = ok(
        call_api(client, world.resident_a, "post", f"{path}/reschedule", {"slot": second.pk})
    )
    assert (
        moved["starts_at"] == second.starts_at.isoformat().replace("+00:00", "Z")
        or moved["starts_at"]
    )
    assert ok(call_api(client, world.resident_a, "post", f"{path}/cancel"))["state"] == "cancelled"


def test_tickets_and_calls(client, world, hall):
    centre, (a, _b), (one, two) = hall.centre, hall.queues, hall.windows
    ticket = ok(
        call_api(client, world.worker_a, "post", f"/centres/{centre.pk}/tickets", {"queue": a.pk}),
        201,
    )
    assert ticket["number"] == "A001" and ticket["state"] == "waiting"
    called = ok(call_api(client, world.worker_a, "post", f"/windows/{one.pk}/call-next"))
    assert called["number"] == "A001" and called["window"] == 1 and called["calls"] == 1
    problem = problem_of(
        call_api(
            client, world.worker_a, "post", f"/tickets/{ticket['id']}/call", {"window": two.pk}
        ),
        422,
    )
    assert error_messages(problem) == ["A001 has already been called to window 1."]
    assert (
        ok(call_api(client, world.worker_a, "post", f"/tickets/{ticket['id']}/recall"))["calls"]
        == 2
    )
    moved = ok(
        call_api(
            client, world.worker_a, "post", f"/tickets/{ticket['id']}/transfer", {"to": two.pk}
        )
    )
    assert moved["state"] == "waiting"
    ok(call_api(client, world.worker_a, "post", f"/windows/{two.pk}/call-next"))
    done = ok(call_api(client, world.worker_a, "post", f"/tickets/{ticket['id']}/finish"))
    assert done["state"] == "done" and done["served_s"] is not None
    today = ok(call_api(client, world.worker_a, "get", f"/centres/{centre.pk}/tickets"))
    assert today["count"] == 1


def test_outsiders_get_404_and_residents_403(client, world, hall):
    other = hall.other
    problem_of(
        call_api(
            client,
            world.worker_a,
            "post",
            f"/centres/{other.pk}/tickets",
            {"queue": hall.other_queues[0].pk},
        ),
        404,
    )
    problem_of(
        call_api(client, world.worker_a, "post", f"/windows/{hall.other_windows[0].pk}/call-next"),
        404,
    )
    problem_of(
        call_api(client, world.resident_a, "post", f"/windows/{hall.windows[0].pk}/call-next"), 403
    )
    names = [c["name"] for c in ok(call_api(client, world.worker_a, "get", "/centres"))["items"]]
    assert names == ["测试服务中心"]
