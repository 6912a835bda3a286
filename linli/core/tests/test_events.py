"""Domain events: recorded with the change, handled after commit, at least once."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

import pytest
from django.db import transaction
from django.utils import timezone

from linli.core import events
from linli.core.events import DomainEvent
from linli.core.models import CalendarDay, PublishedEvent


@dataclass(frozen=True)
class ThingDone(DomainEvent):
    name: ClassVar[str] = "tests.thing_done"
    thing_id: int
    note: str = ""


@pytest.fixture
def bus(monkeypatch):
    """Subscriptions of this test's own, and a record of what each handler saw."""
    monkeypatch.setattr(events, "_types", {})
    monkeypatch.setattr(events, "_subscribers", {})
    seen: list[tuple[str, ThingDone]] = []
    return seen


def recorder(seen, label):
    def handler(event):
        seen.append((label, event))

    handler.__qualname__ = f"recorder_{label}"
    return handler


def test_subscribers_run_after_commit_with_the_typed_event(
    db, bus, django_capture_on_commit_callbacks
):
    events.subscribe(ThingDone, recorder(bus, "a"))
    events.subscribe(ThingDone, recorder(bus, "b"))

    with django_capture_on_commit_callbacks() as callbacks:
        events.publish(ThingDone(thing_id=7, note="好"))
        assert bus == [], "nothing runs before the commit"
    for callback in callbacks:
        callback()

    assert bus == [("a", ThingDone(7, "好")), ("b", ThingDone(7, "好"))]
    row = PublishedEvent.objects.get()
    assert row.delivered_at is not None and row.attempts == 1 and len(row.handled) == 2


def test_a_rolled_back_change_publishes_nothing(db, bus, django_capture_on_commit_callbacks):
    events.subscribe(ThingDone, recorder(bus, "a"))

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.publish(ThingDone(thing_id=1))
        raise RuntimeError("the change fails")

    assert bus == [] and not PublishedEvent.objects.exists()


def test_a_failing_subscriber_is_tried_again_alone_and_its_writes_undone(db, bus):
    calls = {"n": 0}

    def flaky(event):
        calls["n"] += 1
        CalendarDay.objects.create(date=date(2026, 10, calls["n"]), working=False)
        if calls["n"] == 1:
            raise ValueError("not now")

    events.subscribe(ThingDone, recorder(bus, "steady"))
    events.subscribe(ThingDone, flaky)
    row = events.publish(ThingDone(thing_id=3))

    events.deliver(row.pk)
    row.refresh_from_db()
    assert row.delivered_at is None and "flaky: ValueError" in row.last_error
    assert not CalendarDay.objects.filter(date=date(2026, 10, 1)).exists(), "undone"
    assert events.deliver_pending() == 0, "retried only after a while"

    assert events.deliver_pending(now=timezone.now() + timedelta(minutes=2)) == 1
    row.refresh_from_db()
    assert row.delivered_at is not None and row.attempts == 2 and row.last_error == ""
    assert [label for label, _e in bus] == ["steady"], "the one that worked ran once"
    assert CalendarDay.objects.filter(date=date(2026, 10, 2)).exists()


def test_an_event_stops_being_retried_after_its_attempts(db, bus):
    def broken(event):
        raise ValueError("always")

    events.subscribe(ThingDone, broken)
    row = events.publish(ThingDone(thing_id=4))
    later = timezone.now() + timedelta(minutes=2)

    for _ in range(events.MAX_ATTEMPTS):
        events.deliver_pending(now=later)

    row.refresh_from_db()
    assert row.attempts == events.MAX_ATTEMPTS and row.delivered_at is None
    assert events.deliver_pending(now=later) == 0
    events.deliver_pending(now=later + timedelta(days=29))
    assert PublishedEvent.objects.filter(pk=row.pk).exists(), "kept to be looked into"
    events.deliver_pending(now=later + timedelta(days=31))
    assert not PublishedEvent.objects.filter(pk=row.pk).exists()


def test_delivered_events_are_deleted_after_a_week(db, bus):
    events.subscribe(ThingDone, recorder(bus, "a"))
    row = events.publish(ThingDone(thing_id=5))
    events.deliver(row.pk)

    events.deliver_pending(now=timezone.now() + timedelta(days=6))
    assert PublishedEvent.objects.filter(pk=row.pk).exists()
    events.deliver_pending(now=timezone.now() + timedelta(days=8))
    assert not PublishedEvent.objects.filter(pk=row.pk).exists()


def test_a_subscriber_subscribes_once(bus):
    handler = recorder(bus, "a")
    events.subscribe(ThingDone, handler)

    with pytest.raises(ValueError, match="already subscribes"):
        events.subscribe(ThingDone, handler)
