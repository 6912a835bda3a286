"""Background work of the shared machinery (django.tasks; enqueued by `linli scheduler`)."""

from django.tasks import task

from linli.core import events


@task()
def events_deliver() -> int:
    """Deliver the domain events left undelivered (events.deliver_pending)."""
    return events.deliver_pending()
