"""Care on the dispatch centre's pages: the dispatcher's page of a call shows the
elder's card (the `dispatch.call` panel), and the elder's timeline says where the
call an alarm raised stands. Nobody outside the region sees either."""

import pytest
from django.utils import timezone

from linli.devices.models import AlarmType, DeviceProfile
from linli.devices.services import alarm_raise, device_provision
from linli.dispatch.models import Call
from linli.testing.care import elder, profiled
from linli.testing.http import get


@pytest.fixture
def call(world, django_capture_on_commit_callbacks):
    resident = profiled(elder(world.a1, phone="13905330001"), conditions="高血压，糖尿病")
    button, _token = device_provision(
        profile=DeviceProfile.objects.get(code="call-button"),
        key="YJ-7301",
        grid=world.a1,
        name="王秀英家一键呼叫",
        house=resident.household.house,
        by=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        alarm_raise(
            device=button,
            alarm_type=AlarmType.objects.get(code="elder-emergency"),
            severity="critical",
            at=timezone.now(),
            details={"key": "emergency", "value": 1.0},
        )
    return Call.objects.get(resident=resident)


def test_the_dispatchers_page_of_a_call_shows_the_elders_card(client, world, call):
    page = get(client, world.worker_a, f"/dispatch/calls/{call.pk}/").content.decode()
    assert f"/care/calls/{call.pk}/card/" in page
    card = get(client, world.worker_a, f"/care/calls/{call.pk}/card/").content.decode()
    assert "王秀英" in card and "王秀英家一键呼叫" in card
    assert "高血压" not in card and "糖尿病" not in card  # health data masked
    assert get(client, world.worker_b, f"/care/calls/{call.pk}/card/").status_code == 404


def test_the_elders_timeline_says_where_the_call_stands(client, world, call):
    page = get(client, world.worker_a, f"/care/elders/{call.resident_id}/").content.decode()
    assert "老人紧急呼叫" in page and "Dispatch call: New" in page
