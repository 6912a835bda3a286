"""The indicators read the calls' timers, the elders and the care calls."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.core.indicators import Unit, catalogue
from linli.dispatch import services
from linli.dispatch.indicators import ANSWER_SECONDS, ANSWERED, CALLS, ELDERS, CallFigures
from linli.dispatch.models import Call
from linli.dispatch.tests.conftest import press

pytestmark = pytest.mark.django_db


def test_the_indicators_count_calls_their_timers_and_elders(
    world, home, button, responders, django_capture_on_commit_callbacks
):
    call = Call.objects.get(alarm=press(button, django_capture_on_commit_callbacks))
    services.call_answer(call=call, by=world.worker_a)
    Call.objects.filter(pk=call.pk).update(answered_at=call.raised_at + timedelta(seconds=42))
    today = timezone.localdate()
    figures = CallFigures().figures(
        paths=[world.a.path],
        first=today,
        last=today + timedelta(days=1),
        unit=Unit(len(world.a.path)),
    )
    totals = figures[world.a.path]
    assert (totals[CALLS], totals[ANSWERED], totals[ANSWER_SECONDS], totals[ELDERS]) == (
        1,
        1,
        42,
        1,
    )
    per_100 = catalogue.indicators["dispatch.alarms_per_100_elders"]
    assert per_100.value(totals) == 100.0  # one call, one elder
