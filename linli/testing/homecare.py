"""Factories for home services' tests and leak fixtures: a provider serving a
community with an item and a care worker, an elder at a placed home, and an order
walked to any state."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.services import user_create
from linli.core.permissions import Role
from linli.homecare import services
from linli.homecare.choices import Funding, HomecareState
from linli.homecare.models import Order, Provider, ServiceItem
from linli.registry import services as registry
from linli.registry.models import Resident
from linli.testing.registry import aged, move_in, phone
from linli.testing.world import PASSWORD

HOME = (Decimal("117.870000"), Decimal("36.800000"))  # the elders' building
NEAR = (Decimal("117.870500"), Decimal("36.800500"))  # about 70 m away
FAR = (Decimal("117.880000"), Decimal("36.800000"))  # about 890 m away


@dataclass
class Setup:
    provider: Provider
    item: ServiceItem
    worker: User
    elder: Resident


def provider_in(
    community, grid, *, name: str, worker_name: str, worker_phone: str
) -> tuple[Provider, ServiceItem, User]:
    organisation = registry.organisation_create(
        grid=grid, name=name, kind="social", address="正阳路12号", by=None
    )
    provider = services.provider_register(organisation=organisation, areas=[community], by=None)
    item = services.item_save(
        provider=provider,
        code="meal",
        name="助餐送餐",
        category="meals",
        unit="次",
        price_fen=1500,
        minutes=30,
        by=None,
    )
    worker = user_create(
        username=f"care.{worker_phone[-4:]}",
        full_name=worker_name,
        password=PASSWORD,
        role=Role.DEPARTMENT_HANDLER,
        region=community.parent,  # a department handler acts at a subdistrict
        phone=worker_phone,
        by=None,
    )
    registry.affiliation_set(grant=worker.grants.get(), organisation=organisation, by=None)
    return provider, item, worker


def elder_in(
    grid, *, name: str = "王秀英", building: str = "7号楼", number: str = "301", **fields
) -> Resident:
    found = registry.building_create(
        grid=grid,
        name=building,
        address="正阳路20号",
        floors=6,
        units=2,
        longitude=HOME[0],
        latitude=HOME[1],
        by=None,
    )
    house = registry.house_create(building=found, floor=3, number=number, by=None)
    household = registry.household_create(house=house, by=None)
    return move_in(household, name=name, born=aged(78), sex="female", **fields)


def setup(world, *, grid=None, community=None) -> Setup:
    grid, community = grid or world.a1, community or world.a
    tag = "a" if community == world.a else "b"
    provider, item, worker = provider_in(
        community,
        grid,
        name=f"周村区夕阳红居家养老服务中心{tag}",
        worker_name=f"护理员{tag}",
        worker_phone=phone(8100 if tag == "a" else 8200),
    )
    elder = elder_in(
        grid, name="王秀英" if tag == "a" else "赵泄漏", phone=phone(8101 if tag == "a" else 8201)
    )
    return Setup(provider, item, worker, elder)


def soon(hours: float = 1) -> datetime:
    return timezone.now() + timedelta(hours=hours)


def order_to(s: Setup, state: str, *, funding: str = Funding.VOUCHER, by=None) -> Order:
    """An order of `s.item` for `s.elder`, walked to `state` (by the system)."""
    order = services.order_book(
        elder=s.elder, item=s.item, starts_at=soon(), funding=funding, by=by
    )
    if state == HomecareState.BOOKED:
        return order
    if state == HomecareState.CANCELLED:
        return services.order_cancel(order=order, reason="老人住院", by=None)
    order = services.order_assign(order=order, worker=s.worker, by=None)
    if state == HomecareState.ASSIGNED:
        return order
    now = timezone.now()
    order = services.order_check_in(
        order=order, longitude=NEAR[0], latitude=NEAR[1], by=None, at=now
    )
    if state == HomecareState.CHECKED_IN:
        return order
    order = services.order_check_out(
        order=order, longitude=NEAR[0], latitude=NEAR[1], by=None, at=now + timedelta(minutes=40)
    )
    if state == HomecareState.CHECKED_OUT:
        return order
    order = services.order_confirm(order=order, rating=5, by=None)
    if state == HomecareState.CONFIRMED:
        return order
    raise ValueError(state)


def last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def backdate(order: Order) -> Order:
    """Move an order's slot to the 10th of last month (a month that has ended)."""
    start = timezone.localtime(order.starts_at)
    moved = timezone.make_aware(
        datetime.combine(last_month().replace(day=10), start.time().replace(microsecond=0))
    )
    Order.objects.filter(pk=order.pk).update(
        starts_at=moved, ends_at=moved + (order.ends_at - order.starts_at)
    )
    order.refresh_from_db()
    return order
