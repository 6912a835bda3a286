"""Proactive care calls: a weekly call to each elder living alone; answered or not
recorded; two unanswered in a row open a case for the community; return visits
recorded once; responders' duty and position validated."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.dispatch import services
from linli.dispatch.choices import CareState, ResponderKind
from linli.dispatch.models import CareCall, Responder
from linli.dispatch.tasks import care_calls_schedule
from linli.gridwork.models import GridTask
from linli.testing.registry import aged, move_in

pytestmark = pytest.mark.django_db


def test_elders_living_alone_get_a_care_call_a_week(world, home):
    spot, elder = home
    young_family = move_in(
        spot.household.__class__.objects.create(house=spot.house, grid=world.a1),
        name="李四",
        born=aged(30),
    )
    assert young_family
    today = timezone.localdate()
    assert services.care_calls_due(today=today, every_days=7) == 1
    assert services.care_calls_due(today=today, every_days=7) == 0  # one still to make
    CareCall.objects.update(state=CareState.ANSWERED, recorded_at=timezone.now())
    assert services.care_calls_due(today=today + timedelta(days=3), every_days=7) == 0
    assert services.care_calls_due(today=today + timedelta(days=7), every_days=7) == 1
    assert CareCall.objects.filter(resident=elder).count() == 2


def test_the_periodic_task_schedules_them(world, home):
    assert care_calls_schedule.call() == 1


def test_two_unanswered_in_a_row_send_the_grid_worker_and_an_answer_closes_it(world, home):
    _spot, elder = home
    today = timezone.localdate()
    first = CareCall.objects.create(resident=elder, grid=world.a1, due_on=today - timedelta(days=7))
    services.care_call_record(care_call=first, answered=False, by=world.worker_a)
    assert not GridTask.objects.exists()
    second = CareCall.objects.create(resident=elder, grid=world.a1, due_on=today)
    second = services.care_call_record(
        care_call=second, answered=False, note="无人接听", by=world.worker_a
    )
    assert second.escalated
    task = GridTask.objects.get()
    assert (task.kind, task.ref, task.grid, task.resident, task.state) == (
        "dispatch.care-unanswered",
        str(elder.pk),
        world.a1,
        elder,
        "open",
    )
    assert task.title == "上门看望王秀英：关怀电话连续2次无人接听"
    assert task.due_on == today + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.care_call_record(care_call=second, answered=True, by=world.worker_a)
    assert refused.value.messages == ["此关怀电话已记录。"]
    third = CareCall.objects.create(resident=elder, grid=world.a1, due_on=today + timedelta(days=7))
    services.care_call_record(care_call=third, answered=True, by=world.worker_a)
    assert GridTask.objects.get().state == "done"


def test_an_answered_call_in_between_resets_the_count(world, home):
    _spot, elder = home
    today = timezone.localdate()
    for days, answered in ((14, False), (7, True), (0, False)):
        c = CareCall.objects.create(
            resident=elder, grid=world.a1, due_on=today - timedelta(days=days)
        )
        services.care_call_record(care_call=c, answered=answered, by=world.worker_a)
    assert not GridTask.objects.exists()


def test_a_grid_worker_elsewhere_cannot_respond_here(world):
    with pytest.raises(ValidationError) as refused:
        services.responder_register(
            user=world.worker_a, region=world.a1, kind=ResponderKind.GRID_WORKER, by=None
        )
    assert refused.value.message_dict == {"user": ["此人不是本区域的网格员。"]}
    with pytest.raises(ValidationError) as refused:
        services.responder_register(
            user=world.grid_worker_a1, region=world.a1, kind=ResponderKind.CARE_WORKER, by=None
        )
    assert refused.value.message_dict == {"user": ["此人不隶属任何服务机构。"]}
    assert not Responder.objects.exists()


def test_a_position_needs_both_coordinates_in_range(world, responders):
    responder = responders["grid_worker"]
    for lon, lat, field in (
        (Decimal("117.9"), None, "longitude"),
        (Decimal("181"), Decimal("36"), "longitude"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.responder_update(
                responder=responder, on_duty=True, longitude=lon, latitude=lat, by=None
            )
        assert field in refused.value.message_dict
    responder.refresh_from_db()
    assert responder.longitude == Decimal("117.873300")
