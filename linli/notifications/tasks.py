"""Background work of notifications (django.tasks; run by `linli db_worker`)."""

from django.db import IntegrityError, transaction
from django.tasks import task

from linli.notifications import senders
from linli.notifications.models import Delivery, Notification


@task()
def notifications_deliver(ids: list[int], channels: list[str] | None = None) -> None:
    """Send each notification through every configured sender (of those named in
    `channels`, when given), once: a sender first claims its `Delivery` row (unique
    per notification and sender), so a task run twice, or by two workers, sends
    nothing twice."""
    chosen = [s for s in senders.configured() if channels is None or s.name in channels]
    for notification in Notification.objects.filter(pk__in=ids).select_related("user"):
        for sender in chosen:
            try:
                with transaction.atomic():
                    claim = Delivery.objects.create(
                        notification=notification,
                        sender=sender.name,
                        status=Delivery.Status.SENDING,
                    )
            except IntegrityError:  # claimed already: sent, or being sent
                continue
            claim.status, claim.detail = sender.send(notification)
            claim.save(update_fields=["status", "detail"])
