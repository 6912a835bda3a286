"""An elder's alarm arrives as a call on the board, with the case it opened (life
priority) and the elder at whose home the device is; the dispatcher answers, reaches
a contact, sends the nearest on-duty responder, escalates, closes with the outcome;
actions out of order, a missing outcome and an unknown responder are refused with a
message and nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from linli.cases.choices import Priority
from linli.devices.models import AlarmChange
from linli.dispatch import services
from linli.dispatch.choices import CallKind, CallState, Outcome, Step
from linli.dispatch.models import Call, CallStep, ReturnVisit
from linli.dispatch.tests.conftest import press, provision
from linli.testing.registry import aged, move_in, place

pytestmark = pytest.mark.django_db


def test_a_red_button_press_is_a_life_priority_call_at_the_elders_home(
    world, home, button, django_capture_on_commit_callbacks
):
    spot, elder = home
    alarm = press(button, django_capture_on_commit_callbacks)
    call = Call.objects.get(alarm=alarm)
    assert (call.kind, call.state, call.resident, call.house) == (
        CallKind.EMERGENCY,
        CallState.NEW,
        elder,
        spot.house,
    )
    assert call.at_elder_home and call.life_priority
    assert call.case is not None and call.case.category.priority == Priority.LIFE
    assert list(call.steps.values_list("step", flat=True)) == [Step.RAISED]


def test_the_green_button_is_a_service_request(
    world, home, button, django_capture_on_commit_callbacks
):
    alarm = press(
        button, django_capture_on_commit_callbacks, code="elder-service", severity="minor"
    )
    call = Call.objects.get(alarm=alarm)
    assert call.kind == CallKind.SERVICE and not call.life_priority
    assert call.case is not None and call.case.category.priority == Priority.NORMAL


def test_a_fall_and_a_wandering_elder_are_calls(world, home, django_capture_on_commit_callbacks):
    spot, elder = home
    radar = provision(world, "fall-detector", "DD-0001", house=spot.house)
    band = provision(world, "locator", "SH-0001", house=spot.house)
    fall = Call.objects.get(alarm=press(radar, django_capture_on_commit_callbacks, code="fall"))
    away = Call.objects.get(
        alarm=press(band, django_capture_on_commit_callbacks, code="wandering", severity="major")
    )
    assert (fall.kind, away.kind) == (CallKind.FALL, CallKind.WANDERING)
    assert fall.resident == away.resident == elder


def test_a_button_at_no_elders_home_is_a_call_marked_so(world, django_capture_on_commit_callbacks):
    young = place(world.a1, number="202")
    move_in(young.household, name="刘强", born=aged(35))
    device = provision(world, "call-button", "YJ-0002", house=young.house)
    call = Call.objects.get(alarm=press(device, django_capture_on_commit_callbacks))
    assert call.resident is None and not call.at_elder_home
    assert call.steps.get().note == "设备不在登记老人家中。"


def test_a_door_at_no_elders_home_makes_no_call_and_says_why(
    world, django_capture_on_commit_callbacks
):
    hall = place(world.a1, building="2号楼", number="101")
    door = provision(world, "door", "MC-0001", building=hall.building)
    alarm = press(
        door, django_capture_on_commit_callbacks, code="door-open-night", severity="minor"
    )
    assert not Call.objects.exists()
    assert AlarmChange.objects.filter(alarm=alarm, note__contains="不在登记老人家中").exists()


def test_an_alarm_delivered_twice_makes_one_call(
    world, home, button, django_capture_on_commit_callbacks
):
    alarm = press(button, django_capture_on_commit_callbacks)
    assert services.call_from_alarm(alarm=alarm) == Call.objects.get()


def test_the_dispatcher_walks_a_call_to_its_outcome(
    world, home, button, responders, django_capture_on_commit_callbacks
):
    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    by = world.worker_a
    call = services.call_answer(call=call, note="老人说胸口疼", by=by)
    call = services.call_contact(call=call, note="已联系女儿，十分钟后到", by=by)
    call = services.call_send(call=call, by=by)
    assert call.responder == responders["near"]  # the nearest on duty
    call = services.call_escalate(call=call, to="120", by=by)
    call = services.call_arrive(call=call, by=by)
    call = services.call_close(call=call, outcome=Outcome.AMBULANCE, note="已送医", by=by)
    assert (call.state, call.escalated_to, call.outcome) == (CallState.CLOSED, "120", "ambulance")
    assert call.answered_at and call.sent_at and call.arrived_at and call.closed_at
    assert list(call.steps.values_list("step", "to_state")) == [
        ("raised", "new"),
        ("answered", "answered"),
        ("contact", "answered"),
        ("sent", "sent"),
        ("escalated", "sent"),
        ("arrived", "on_site"),
        ("closed", "closed"),
    ]
    visit = ReturnVisit.objects.get(call=call)
    assert visit.due_on == timezone.localdate() + timedelta(days=1)


def _snapshot(call):
    call = Call.objects.get(pk=call.pk)
    return (
        call.state,
        call.responder_id,
        call.outcome,
        call.escalated_to,
        CallStep.objects.count(),
    )


@pytest.mark.parametrize(
    ("action", "kwargs", "message"),
    [
        (services.call_send, {}, "此调度单当前为“新呼叫”，现在不能派出响应人员。"),
        (services.call_arrive, {}, "此调度单当前为“新呼叫”，现在不能记录到达现场。"),
        (services.call_close, {"outcome": "advice"}, "此调度单当前为“新呼叫”，现在不能结单。"),
        (services.call_escalate, {"to": "110"}, "此调度单当前为“新呼叫”，现在不能升级至120或110。"),
    ],
)
def test_actions_out_of_order_are_refused_and_change_nothing(
    world, home, button, responders, django_capture_on_commit_callbacks, action, kwargs, message
):
    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    before = _snapshot(call)
    with pytest.raises(ValidationError) as refused:
        action(call=call, by=world.worker_a, **kwargs)
    assert refused.value.messages == [message]
    assert _snapshot(call) == before


def test_a_close_without_outcome_and_an_unknown_responder_are_refused(
    world, home, button, responders, django_capture_on_commit_callbacks
):
    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    call = services.call_answer(call=call, by=world.worker_a)
    before = _snapshot(call)
    with pytest.raises(ValidationError) as refused:
        services.call_close(call=call, outcome="", by=world.worker_a)
    assert refused.value.message_dict == {"outcome": ["请选择处置结果。"]}
    for unknown in (responders["off"].pk, 999_999):
        with pytest.raises(ValidationError) as refused:
            services.call_send(call=call, responder=unknown, by=world.worker_a)
        assert refused.value.message_dict == {"responder": ["未知的响应人员，或其不在本区域值班。"]}
    assert _snapshot(call) == before
    assert not ReturnVisit.objects.exists()


def test_a_call_outside_ones_region_cannot_be_handled(
    world, home, button, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    with pytest.raises(PermissionDenied):
        services.call_answer(call=call, by=world.worker_b)
    assert Call.objects.get().state == CallState.NEW


def test_timers_are_measured_against_the_kinds_limits(
    world, home, button, django_capture_on_commit_callbacks
):
    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    later = call.raised_at + timedelta(seconds=90)
    assert call.answer_overdue(later)  # 60 s for an emergency
    with override_settings(LINLI_DISPATCH_LIMITS={"emergency": (120, 15)}):
        assert not call.answer_overdue(later)
