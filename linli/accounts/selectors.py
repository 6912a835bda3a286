from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from linli.accounts.backends import attempt_key, identifier_lookup
from linli.accounts.filters import UserFilter
from linli.accounts.models import AccessToken, LoginAttempt, RoleGrant, User
from linli.accounts.permissions import GRANTABLE_ROLES, USER_VIEW
from linli.core.permissions import Role
from linli.regions.choices import PATH_LENGTH
from linli.regions.models import Region, ancestor_paths


def users_visible(*, user: User, action: str = USER_VIEW) -> QuerySet[User]:
    """Users the viewer may see, with their active grants prefetched (no N+1).

    `current_grants` holds only the grants inside the viewer's scope: a person
    working in two subdistricts shows each subdistrict's admin only their own part.
    """
    found = User.objects.visible_to(user, action).prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.active().visible_to(user, action).select_related("region"),
            to_attr="current_grants",
        )
    )
    return found.order_by("username")


def user_list(*, user: User, filters: UserFilter) -> QuerySet[User]:
    return filters.apply(users_visible(user=user), user=user)


def people_who_may(
    action: str, region: Region, *, here_only: bool = False, among: QuerySet | None = None
) -> QuerySet[User]:
    """Active users who may perform `action` at `region`: an active grant whose role
    includes it at the region or above it — at the region itself only, with
    `here_only` (whom a report to that level reaches; at a grid: its grid workers).
    `among` narrows the grants (those acting for an organisation). By username."""
    paths = [region.path] if here_only else [*region.ancestor_paths(), region.path]
    grants = RoleGrant.objects.allowing(action).filter(region__path__in=paths)
    if among is not None:
        grants = grants.filter(pk__in=among.values("pk"))
    return _holding(grants)


def people_who_may_in_scope(
    *, user: User, action: str, scope_action: str, above: bool = False
) -> QuerySet[User]:
    """Active users who may perform `action` somewhere in `user`'s scope for
    `scope_action` — with `above`, also at the regions above it (a district department
    serves every community): whom a route or routing rule of the user's may name."""
    where = Q(region__in=Region.objects.visible_to(user, scope_action).values("pk"))
    if above:
        paths = user.scope_paths(scope_action)
        where |= Q(region__path__in={a for path in paths for a in ancestor_paths(path)})
    return _holding(RoleGrant.objects.allowing(action).filter(where))


def _holding(grants: QuerySet) -> QuerySet[User]:
    return User.objects.filter(is_active=True, pk__in=grants.values("user")).order_by("username")


def roles_grantable_by(*, user: User) -> list[str]:
    """The roles `user` may grant somewhere in their scope, in the order of `Role`."""
    if user.is_superuser:
        return list(Role)
    roles = set().union(*(GRANTABLE_ROLES.get(g.role, ()) for g in user.active_grants()))
    return [role for role in Role if role in roles]


def grants_visible(*, user: User, action: str = USER_VIEW) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.visible_to(user, action).select_related("region", "user")


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user)


def login_attempt_keys(*, identifier: str) -> list[str]:
    """The identifiers whose sign-in attempts count for this one: what was typed and,
    when it names an account, that account's username and phone, so failures by
    phone and by username lock the same account (unknown names lock on their own)."""
    typed = identifier.strip()
    keys = {attempt_key(typed)}
    account = (
        User.objects.filter(**identifier_lookup(typed)).values_list("username", "phone").first()
    )
    if account is not None:
        keys.update(attempt_key(value) for value in account if value)
    return sorted(keys)


def locked_until(*, identifier: str) -> datetime | None:
    """When sign-in for this username or phone opens again, or None if it is open.

    Locked after LINLI_LOCKOUT_ATTEMPTS failures within LINLI_LOCKOUT_MINUTES
    with no success since, counting attempts by any identifier of the same account;
    it opens a window after the oldest of those failures.
    """
    window = timedelta(minutes=settings.LINLI_LOCKOUT_MINUTES)
    limit = settings.LINLI_LOCKOUT_ATTEMPTS
    now = timezone.now()
    attempts = LoginAttempt.objects.filter(
        identifier__in=login_attempt_keys(identifier=identifier), at__gte=now - window
    ).order_by("-at")
    failures = []
    for attempt in attempts[:limit].iterator():
        if attempt.succeeded:
            break
        failures.append(attempt.at)
    if len(failures) < limit:
        return None
    return failures[limit - 1] + window


def account_named(*, identifier: str) -> User | None:
    """The account a typed sign-in name names (username, any case, or phone), active
    or not. Not scoped: signing in comes before any scope."""
    typed = identifier.strip()
    if not typed:
        return None
    return User.objects.filter(**identifier_lookup(typed)).first()


def home_region(*, user: User) -> Region | None:
    """Where entries about a person are filed in the audit trail: the lowest region
    above all their active grants (their grant's region when they hold one place),
    so the auditors of that part of the tree see them. None without grants."""
    regions = {g.region.path: g.region for g in user.active_grants()}
    if len(regions) <= 1:
        return next(iter(regions.values()), None)
    first = next(iter(regions))
    shared = [w for w in PATH_LENGTH.values() if all(p[:w] == first[:w] for p in regions)]
    if not shared:
        return None
    path = first[: max(shared)]
    return regions.get(path) or Region.objects.filter(path=path).first()
