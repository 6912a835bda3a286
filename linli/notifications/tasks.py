"""Background work of notifications (django.tasks; run by `linli db_worker`)."""

from django.db import IntegrityError, transaction
from django.tasks import task

from linli.notifications import senders
from linli.notifications.models import Delivery, Notification


@task()
def notifications_deliver(ids: list[int]) -> None:
    """Send each notification through every configured sender, once: a delivery
    already recorded (the task ran twice) is not repeated."""
    for notification in Notification.objects.filter(pk__in=ids).select_related("user"):
        done = set(notification.deliveries.values_list("sender", flat=True))
        for sender in senders.configured():
            if sender.name in done:
                continue
            status, detail = sender.send(notification)
            try:
                with transaction.atomic():
                    Delivery.objects.create(
                        notification=notification,
                        sender=sender.name,
                        status=status,
                        detail=detail,
                    )
            except IntegrityError:  # another worker recorded it meanwhile
                pass
