"""Reads of home services, each starting from `visible_to`.

A provider's people (a grant acting for a provider's organisation,
`registry.Affiliation`) see only that provider's orders under their grant's region;
other staff see every order where their grants allow the action."""

from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.accounts.models import RoleGrant, User
from linli.care.selectors import consents_for
from linli.core.crypto import blind_index
from linli.core.permissions import Role, vocabulary
from linli.core.scoping import AnyUser
from linli.homecare.choices import Funding, HomecareState
from linli.homecare.models import Order, Provider, ServiceItem, Settlement, yuan
from linli.homecare.permissions import ORDER_SERVE, ORDER_VIEW
from linli.regions.models import Region
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY_AGE, years_ago
from linli.registry.models import Affiliation, Resident


def _provider_of_grants(grants: list[RoleGrant]) -> dict[int, int]:
    """grant id → the provider it acts for, for the grants acting for a provider."""
    rows = Affiliation.objects.filter(
        grant__in=[g.pk for g in grants], organisation__homecare_provider__isnull=False
    ).values_list("grant_id", "organisation__homecare_provider")
    return {grant_id: provider_id for grant_id, provider_id in rows}


def orders_visible(*, user: AnyUser, action: str = ORDER_VIEW) -> QuerySet[Order]:
    found = Order.objects.visible_to(user, action)
    if not isinstance(user, User) or user.is_superuser:
        return found.select_related("provider__organisation", "item", "elder", "worker", "grid")
    grants = [g for g in user.active_grants() if vocabulary.allows(g.role, action)]
    providers = _provider_of_grants(grants)
    if providers:
        found = found.filter(
            reduce(
                or_,
                (
                    Q(grid__path__startswith=g.region.path)
                    & (Q(provider_id=providers[g.pk]) if g.pk in providers else Q())
                    for g in grants
                ),
            )
        )
    return found.select_related("provider__organisation", "item", "elder", "worker", "grid")


def order_get(*, user: AnyUser, pk: int, action: str = ORDER_VIEW) -> Order:
    found: Order = orders_visible(user=user, action=action).get(pk=pk)
    return found


def providers_visible(*, user: AnyUser, action: str = ORDER_VIEW) -> QuerySet[Provider]:
    found = Provider.objects.visible_to(user, action)
    if isinstance(user, User) and not user.is_superuser:
        grants = [g for g in user.active_grants() if vocabulary.allows(g.role, action)]
        own = _provider_of_grants(grants)
        if own and len(own) == len(grants):  # acting for providers only: theirs
            found = found.filter(pk__in=set(own.values()))
    return found.select_related("organisation__grid")


def settlements_visible(*, user: AnyUser, action: str = ORDER_VIEW) -> QuerySet[Settlement]:
    providers = providers_visible(user=user, action=action)
    return (
        Settlement.objects.visible_to(user, action)
        .filter(provider__in=providers)
        .select_related("provider__organisation", "created_by")
    )


def workers_of(provider: Provider) -> QuerySet[User]:
    """The care workers of a provider: active users holding an active grant that acts
    for its organisation and allows serving orders."""
    roles = vocabulary.roles_allowing(ORDER_SERVE)
    grants = RoleGrant.objects.filter(
        revoked_at__isnull=True,
        role__in=roles,
        affiliation__organisation_id=provider.organisation_id,
    )
    found: QuerySet[User] = (
        User.objects.filter(is_active=True, grants__in=grants)
        .distinct()
        .order_by("full_name", "pk")
    )
    return found


def serves(provider: Provider, region: Region) -> bool:
    """Whether the provider's service areas cover `region`."""
    return any(region.path.startswith(a.region.path) for a in provider.areas.all())


def providers_serving(region: Region) -> QuerySet[Provider]:
    """Active providers whose service areas cover `region`."""
    prefixes = [region.path[:n] for n in range(1, len(region.path) + 1)]
    return (
        Provider.objects.filter(active=True, areas__region__path__in=prefixes)
        .distinct()
        .select_related("organisation")
    )


def items_for(elder: Resident) -> QuerySet[ServiceItem]:
    """The items offered to an elder: those of active providers serving their grid."""
    return (
        ServiceItem.objects.filter(active=True, provider__in=providers_serving(elder.grid))
        .select_related("provider__organisation")
        .order_by("category", "provider__organisation__name", "name")
    )


def elders_visible(*, user: AnyUser, action: str) -> QuerySet[Resident]:
    """Living residents aged 60 or over where `user` may `action`."""
    return Resident.objects.visible_to(user, action).filter(
        status=ResidentStatus.LIVING, birth_date__lte=years_ago(ELDERLY_AGE)
    )


def family_elders(user: AnyUser) -> QuerySet[Resident]:
    """The elders a resident's or 家属's account books for: the elders of the
    households of the registry's people with the account's mobile number (below their
    resident grants: the elder themself or family living with them), and the elders
    whose consent the account holds (care.selectors.consents_for)."""
    if not isinstance(user, User) or not user.is_active or not user.phone:
        return Resident.objects.none()
    paths = [g.region.path for g in user.active_grants() if g.role == Role.RESIDENT]
    selves = Resident.objects.filter(
        status=ResidentStatus.LIVING,
        phone_index=blind_index(user.phone, Resident.PHONE_CONTEXT),
        grid__in=regions_within(paths),
    )
    consented = consents_for(user).values("profile__resident")
    return (
        Resident.objects.filter(
            Q(household__in=selves.values("household")) | Q(pk__in=consented),
            status=ResidentStatus.LIVING,
            birth_date__lte=years_ago(ELDERLY_AGE),
        )
        .select_related("grid", "household__house__building")
        .order_by("birth_date", "pk")
    )


def family_orders(user: AnyUser) -> QuerySet[Order]:
    """The orders of the elders a resident's account books for, newest first."""
    return Order.objects.filter(elder__in=family_elders(user)).select_related(
        "provider__organisation", "item", "elder", "worker"
    )


def worker_day(*, user: User, day: date) -> QuerySet[Order]:
    """A care worker's orders of a day (and those still open from before), by time."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return (
        orders_visible(user=user, action=ORDER_SERVE)
        .filter(worker=user)
        .filter(
            Q(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
            | Q(state=HomecareState.CHECKED_IN)
        )
        .select_related("elder__household__house__building")
        .order_by("starts_at", "pk")
    )


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of `month` and of the next one, in the site's time zone."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(following, time.min)),
    )


def statement(settlement: Settlement) -> dict[str, object]:
    """A settlement's statement: its orders, subtotals by funding and category, the
    flagged visits."""
    orders = list(
        settlement.orders.select_related("item", "elder", "worker").order_by("starts_at", "pk")
    )
    by_funding = (
        settlement.orders.values("funding")
        .annotate(count=Count("pk"), fen=Sum("price_fen"))
        .order_by("funding")
    )
    return {
        "orders": orders,
        "by_funding": [
            {**row, "label": Funding(row["funding"]).label, "yuan": yuan(row["fen"] or 0)}
            for row in by_funding
        ],
        "flagged": [o for o in orders if o.flags],
    }
