"""The case engine's domain events: another app subscribes and reacts after commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.cases import services
from linli.cases.choices import Stage
from linli.cases.events import Escalated, StageChanged
from linli.cases.models import Case, Category
from linli.core import events
from linli.notifications.models import Notification
from linli.testing.cases import report, through


@pytest.fixture
def heard(monkeypatch):
    """What a subscriber of another app hears (the registry copied, so it leaves)."""
    monkeypatch.setattr(
        events, "_subscribers", {name: list(h) for name, h in events._subscribers.items()}
    )
    got = []

    def listener(event):  # e.g. a device app clearing the alarm that raised a case
        got.append(event)

    events.subscribe(StageChanged, listener)
    events.subscribe(Escalated, listener)
    return got


def test_every_stage_change_is_heard_after_commit_with_its_log_row(
    world, manhole, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = through(report(world, manhole), world, Stage.CLOSED)
        assert heard == [], "nothing before the commit"
        assert not Notification.objects.filter(kind="case-closed").exists()
    for callback in callbacks:
        callback()

    moves = list(case.transitions.order_by("pk"))
    assert heard == [
        StageChanged(
            case_id=case.pk,
            transition_id=m.pk,
            from_stage=m.from_stage,
            to_stage=m.to_stage,
            actor_id=m.actor_id,
            assignee_id=m.assignee_id,
            note=m.note,
        )
        for m in moves
    ]
    assert [e.to_stage for e in heard] == [
        Stage.REPORTED,
        Stage.ACCEPTED,
        Stage.DISPATCHED,
        Stage.HANDLING,
        Stage.HANDLED,
        Stage.CLOSED,
    ]
    assert Notification.objects.filter(user=world.grid_worker_a1, kind="case-closed").exists()


def test_an_escalation_is_heard_with_whom_it_is_reported_to(
    world, manhole, heard, django_capture_on_commit_callbacks
):
    case = report(world, manhole)
    Category.objects.filter(pk=manhole.pk).update(working_hours=False)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):
        services.cases_escalate()

    (escalated,) = [e for e in heard if isinstance(e, Escalated)]
    assert (escalated.case_id, escalated.level, escalated.stage) == (case.pk, 1, Stage.REPORTED)
    assert escalated.people == [world.worker_a.pk]
