from django.db.models import QuerySet

from linli.notifications.models import Notification


def notifications_of(*, user, unread: bool = False) -> QuerySet[Notification]:
    """A person's own notifications (nobody sees another's)."""
    found = Notification.objects.filter(user=user)
    return found.filter(read_at__isnull=True) if unread else found


def unread_count(*, user) -> int:
    return notifications_of(user=user, unread=True).count()
