"""The demo seeds 车站社区's board (two calls in progress, responders, a return visit
due, care calls) idempotently; the indicators read the calls' timers."""

import io
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


@pytest.fixture
def seeded(db, settings, tmp_path, django_capture_on_commit_callbacks):
    from linli.accounts import demo as accounts_demo
    from linli.devices import demo as devices_demo
    from linli.dispatch import demo
    from linli.regions import demo as regions_demo
    from linli.registry import demo as registry_demo

    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        regions_demo.seed(out)
        accounts_demo.seed(out)
        registry_demo.seed(out, residents=1500)
        devices_demo.seed(out)
        demo.seed(out)
        demo.seed(out)
    return out.getvalue()


def test_the_demo_puts_two_calls_in_progress_on_chezhans_board(seeded, client):
    from linli.accounts.models import User
    from linli.testing.http import text

    assert "dispatch: demo calls already there" in seeded
    open_calls = Call.objects.open().filter(grid__parent__code="370306001001")
    assert sorted(open_calls.values_list("state", flat=True)) == ["new", "sent"]
    assert Call.objects.filter(state="closed", return_visit__done_at=None).count() == 1
    client.force_login(User.objects.get(username="chezhan"))
    board = text(client.get("/dispatch/"))
    assert "在途" in board and "新呼叫" in board and "马春燕" in board
