"""Writes of notifications. `notify` records them in the caller's transaction and,
once it commits, hands them to the senders (outbound channels) as a background task."""

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from linli.notifications.models import Notification


def notify(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] | None = None,
) -> list:
    """One notification for each (distinct, active) user; sent on after commit through
    the deployment's senders — only those named in `channels` when given (an alarm's
    notification rule: `["sms"]`; the console's centre always has it)."""
    from linli.notifications.tasks import notifications_deliver

    seen, made = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        made.append(
            Notification(user=user, kind=kind, title=title[:200], body=body[:2000], url=url)
        )
    made = Notification.objects.bulk_create(made)
    if made:
        ids = [n.pk for n in made]
        only = sorted(set(channels)) if channels is not None else None
        transaction.on_commit(partial(notifications_deliver.enqueue, ids, only))
    return made


@transaction.atomic
def notification_read(*, notification: Notification, by) -> None:
    if notification.user_id != by.pk:
        raise PermissionDenied
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_read_all(*, by) -> int:
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
