from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from linli.accounts.models import AccessToken, LoginAttempt, RoleGrant, User
from linli.accounts.permissions import USER_VIEW


def users_visible(*, user: User, action: str = USER_VIEW, q: str = "") -> QuerySet[User]:
    """Users the viewer may see, with their active grants prefetched (no N+1)."""
    found = User.objects.visible_to(user, action).prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.active().select_related("region"),
            to_attr="current_grants",
        )
    )
    q = q.strip()
    if q:
        found = found.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return found.order_by("username")


def grants_visible(*, user: User, action: str = USER_VIEW) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.visible_to(user, action).select_related("region", "user")


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user)


def locked_until(*, identifier: str) -> datetime | None:
    """When sign-in for this username or phone opens again, or None if it is open.

    Locked after LINLI_LOCKOUT_ATTEMPTS failures within LINLI_LOCKOUT_MINUTES
    with no success since; it opens a window after the oldest of those failures.
    """
    window = timedelta(minutes=settings.LINLI_LOCKOUT_MINUTES)
    limit = settings.LINLI_LOCKOUT_ATTEMPTS
    now = timezone.now()
    attempts = LoginAttempt.objects.filter(
        identifier=identifier.strip().lower()[:60], at__gte=now - window
    ).order_by("-at")
    failures = []
    for attempt in attempts[: limit + 1].iterator():
        if attempt.succeeded:
            break
        failures.append(attempt.at)
    if len(failures) < limit:
        return None
    return failures[limit - 1] + window
