"""Domain events: what happened in a service (a case changed stage, an import finished),
handled after its transaction commits by whichever apps subscribe — so an app reacts to
another's state machine without that app knowing it (an alarm clears when its case is
closed; the case engine notifies people).

`publish(event)` writes the event (a `PublishedEvent` row) in the service's
transaction: it exists if and only if the change does. Once the transaction commits,
its subscribers run, each in a transaction of its own; the row remembers which have
handled it. If the process dies first, or a subscriber fails, the periodic task
`events_deliver` runs the ones left, a little later: delivery is at least once, so a
subscriber does what it does once even when called twice (a notification per event
and person, a conditional update). Delivered events are deleted after
`KEEP_DELIVERED`; one still failing after MAX_ATTEMPTS is logged as an error and kept
`KEEP_UNDELIVERED` for whoever looks into it (the Django admin lists them), then
deleted.

An event type is a frozen dataclass with a `name` (`"case.stage_changed"`) whose fields
are JSON values (ids, codes, text), registered by subscribing to it:

    @dataclass(frozen=True)
    class StageChanged(DomainEvent):
        name: ClassVar[str] = "case.stage_changed"
        case_id: int
        ...

    events.subscribe(StageChanged, notify_the_assignee)   # in AppConfig.ready()
"""

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ClassVar, Self

from django.db import transaction
from django.utils import timezone

from linli.core.models import PublishedEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_AFTER = timedelta(minutes=1)  # a delivery not done by then is taken up again
KEEP_DELIVERED = timedelta(days=7)
KEEP_UNDELIVERED = timedelta(days=30)


class DomainEvent:
    """Base of event types: frozen dataclasses with a class-level `name`."""

    name: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload]
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Self:
        return cls(**data)


Handler = Callable[[Any], None]
_types: dict[str, type[DomainEvent]] = {}
_subscribers: dict[str, list[Handler]] = {}


def subscribe(event_type: type[DomainEvent], handler: Handler) -> None:
    """Call `handler(event)` after each commit that published an `event_type`. A
    handler is known by its module and name: keep them when renaming nothing else."""
    _types[event_type.name] = event_type
    handlers = _subscribers.setdefault(event_type.name, [])
    if _handler_name(handler) in {_handler_name(h) for h in handlers}:
        raise ValueError(f"{_handler_name(handler)} already subscribes to {event_type.name}.")
    handlers.append(handler)


def subscribers(event_type: type[DomainEvent]) -> list[Handler]:
    return list(_subscribers.get(event_type.name, []))


def _handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def publish(event: DomainEvent) -> PublishedEvent:
    """Record `event` in the caller's transaction; its subscribers run after commit."""
    if not dataclasses.is_dataclass(event):
        raise TypeError("Events are dataclasses.")
    row = PublishedEvent.objects.create(name=event.name, payload=event.payload())
    transaction.on_commit(partial(deliver, row.pk), robust=True)
    return row


def deliver(pk: int) -> None:
    """Run the subscribers of the event that have not handled it yet. The event's row is
    locked meanwhile (another delivery skips it); each subscriber runs in a savepoint of
    its own, so a failing one leaves nothing half done and is logged, to be tried again
    by `deliver_pending`."""
    with transaction.atomic():
        row = (
            PublishedEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, delivered_at__isnull=True)
            .first()
        )
        if row is None:
            return
        event_type = _types.get(row.name)
        handled = set(row.handled)
        failed = ""
        if event_type is not None:
            event = event_type.from_payload(row.payload)
            for handler in _subscribers.get(row.name, []):
                name = _handler_name(handler)
                if name in handled:
                    continue
                try:
                    with transaction.atomic():
                        handler(event)
                except Exception as exc:
                    logger.exception("Event %s #%s: %s failed", row.name, row.pk, name)
                    failed = f"{name}: {type(exc).__name__}"
                    continue
                handled.add(name)
        row.handled = sorted(handled)
        row.attempts += 1
        row.last_error = failed[:200]
        row.delivered_at = None if failed else timezone.now()
        row.save(update_fields=["handled", "attempts", "last_error", "delivered_at"])
        if failed and row.attempts >= MAX_ATTEMPTS:
            logger.error("Event %s #%s given up after %s attempts", row.name, row.pk, row.attempts)


def deliver_pending(*, now: datetime | None = None) -> int:
    """Deliver the events whose delivery did not finish (a crash, a failing subscriber),
    at most MAX_ATTEMPTS times each; delete delivered ones older than KEEP_DELIVERED and
    given-up ones older than KEEP_UNDELIVERED. Returns how many were taken up."""
    now = now or timezone.now()
    PublishedEvent.objects.filter(delivered_at__lt=now - KEEP_DELIVERED).delete()
    PublishedEvent.objects.filter(
        delivered_at__isnull=True,
        attempts__gte=MAX_ATTEMPTS,
        published_at__lt=now - KEEP_UNDELIVERED,
    ).delete()
    pending = PublishedEvent.objects.filter(
        delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS, published_at__lt=now - RETRY_AFTER
    ).values_list("pk", flat=True)
    taken = 0
    for pk in list(pending[:1000]):
        deliver(pk)
        taken += 1
    return taken
