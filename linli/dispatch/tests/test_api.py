"""The dispatch API: calls listed and shown with the phone masked, actions as
problem+json when out of order or missing their outcome, 404 outside the region."""

import pytest

from linli.dispatch.models import Call
from linli.dispatch.tests.conftest import press
from linli.testing.http import call_api, error_messages, ok, problem_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(world, home, button, responders, django_capture_on_commit_callbacks):
    return Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))


def test_calls_are_listed_with_the_elder_masked(client, world, call):
    listed = ok(call_api(client, world.worker_a, "get", "/dispatch/calls"))
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["kind"], row["state"], row["elder_name"], row["elder_phone"]) == (
        "emergency",
        "new",
        "王秀英",
        "139****0001",
    )
    assert row["life_priority"] and row["case"] is not None


def test_a_call_is_walked_through_the_api(client, world, call, responders):
    base = f"/dispatch/calls/{call.pk}"
    ok(call_api(client, world.worker_a, "post", f"{base}/answer", {"note": ""}))
    sent = ok(
        call_api(
            client,
            world.worker_a,
            "post",
            f"{base}/send",
            {"responder": responders["grid_worker"].pk},
        )
    )
    assert sent["state"] == "sent" and sent["responder"] == responders["grid_worker"].pk
    ok(call_api(client, world.worker_a, "post", f"{base}/escalate", {"to": "110"}))
    closed = ok(
        call_api(client, world.worker_a, "post", f"{base}/close", {"outcome": "false_alarm"})
    )
    assert closed["state"] == "closed" and closed["escalated_to"] == "110"
    assert [s["step"] for s in closed["steps"]] == [
        "raised",
        "answered",
        "sent",
        "escalated",
        "closed",
    ]
    visits = ok(call_api(client, world.worker_a, "get", "/dispatch/return-visits"))
    assert visits["count"] == 1


def test_bad_actions_are_problems_and_change_nothing(client, world, call):
    base = f"/dispatch/calls/{call.pk}"
    early = problem_of(
        call_api(client, world.worker_a, "post", f"{base}/close", {"outcome": "advice"}), 422
    )
    assert early["detail"] or early["errors"]
    missing = problem_of(call_api(client, world.worker_a, "post", f"{base}/close", {}), 422)
    assert any(e["field"].endswith("outcome") for e in missing["errors"])
    ok(call_api(client, world.worker_a, "post", f"{base}/answer", {}))
    unknown = problem_of(
        call_api(client, world.worker_a, "post", f"{base}/send", {"responder": 999999}), 422
    )
    assert error_messages(unknown) == ["Unknown responder, or not on duty for this call's area."]
    assert Call.objects.get().state == "answered"


def test_outside_the_region_calls_are_not_found(client, world, call):
    assert ok(call_api(client, world.worker_b, "get", "/dispatch/calls"))["count"] == 0
    problem_of(call_api(client, world.worker_b, "get", f"/dispatch/calls/{call.pk}"), 404)
    problem_of(
        call_api(client, world.worker_b, "post", f"/dispatch/calls/{call.pk}/answer", {}), 404
    )
    problem_of(call_api(client, world.resident_a, "get", "/dispatch/calls"), 403)
