"""Demo home services (docs/homecare.md) in 车站社区: three providers (a social
organisation's day-care centre, a housekeeping company, the community health
station) with their service items and two care workers each, and a week of orders
for the community's elders in every state — last month's confirmed orders settled,
a few visits flagged. The demo resident 陈秀英 (`jumin`) is the daughter of one of the
elders, so her page shows her mother's visits. Idempotent: nothing is added once the
providers exist."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import OutputWrapper
from django.db.models import F
from django.utils import timezone

from linli.accounts.models import RoleGrant, User
from linli.accounts.services import user_create
from linli.core.permissions import Role
from linli.homecare import services
from linli.homecare.choices import BookedVia, Funding, HomecareState
from linli.homecare.models import Order, OrderTransition, Provider, ServiceItem
from linli.regions.models import Region
from linli.registry import services as registry
from linli.registry.choices import Relation, ResidentStatus
from linli.registry.idnumber import make_id_number
from linli.registry.labels import ELDERLY_AGE, years_ago
from linli.registry.models import Organisation, Resident
from linli.timebank.selectors import balance

COMMUNITY = "370306001001"  # 车站社区
DEMO_PASSWORD = "Linli-demo-2026"  # the accounts demo's
DAUGHTER_PHONE = "13805330009"  # the demo resident 陈秀英 (jumin)

# name, kind, address, items (code, name, category, unit, yuan, minutes), workers
PROVIDERS: list[
    tuple[str, str, str, list[tuple[str, str, str, str, int, int]], list[tuple[str, str, str]]]
] = [
    (
        "周村区夕阳红居家养老服务中心",
        "social",
        "周村区正阳路16号",
        [
            ("meal", "助餐送餐", "meals", "份", 12, 30),
            ("company", "陪同聊天", "company", "小时", 30, 60),
            ("walk", "助行陪护", "mobility", "次", 40, 90),
            ("shop", "代购生活用品", "shopping", "次", 15, 45),
        ],
        [("hg.xyh1", "刘桂兰", "13805331101"), ("hg.xyh2", "马玉梅", "13805331102")],
    ),
    (
        "淄博康乐家政服务有限公司",
        "enterprise",
        "周村区丝绸路88号",
        [
            ("clean", "居室保洁", "cleaning", "次", 50, 120),
            ("bath", "上门助浴", "bathing", "次", 80, 60),
        ],
        [("hg.kl1", "张秀芝", "13805331201"), ("hg.kl2", "孙海燕", "13805331202")],
    ),
    (
        "车站社区卫生服务站",
        "medical",
        "周村区车站街3号",
        [
            ("check", "上门健康监测", "medical", "次", 20, 30),
            ("escort", "陪同就医", "medical", "次", 60, 180),
        ],
        [("hg.ws1", "王医生", "13805331301"), ("hg.ws2", "赵护士", "13805331302")],
    ),
]


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    community = Region.objects.filter(code=COMMUNITY).first()
    if community is None:
        stdout.write("homecare: no 车站社区, nothing to seed")
        return
    if Provider.objects.filter(organisation__grid__parent=community).exists():
        stdout.write("homecare: demo providers already there")
        return
    grids = list(community.children.order_by("path"))
    elders = list(
        Resident.objects.filter(
            grid__in=grids,
            status=ResidentStatus.LIVING,
            birth_date__lte=years_ago(ELDERLY_AGE),
            household__house__building__longitude__isnull=False,
        )
        .select_related("grid", "household__house__building")
        .order_by("pk")[:40]
    )
    if not grids or not elders:
        stdout.write("homecare: no elders in 车站社区's registry, nothing to seed")
        return
    made = [_provider(community, grids[0], *entry) for entry in PROVIDERS]
    _daughter(elders[0])
    orders = _week(made, elders)
    stdout.write(
        f"homecare: {len(made)} providers in 车站社区, {orders} orders over a week and last month"
    )


def _provider(
    community: Region,
    grid: Region,
    name: str,
    kind: str,
    address: str,
    items: list[tuple[str, str, str, str, int, int]],
    workers: list[tuple[str, str, str]],
) -> tuple[Provider, list[ServiceItem], list[User]]:
    organisation = Organisation.objects.filter(name=name).first() or registry.organisation_create(
        grid=grid, name=name, kind=kind, address=address, contact_name=workers[0][1], by=None
    )
    provider = services.provider_register(organisation=organisation, areas=[community], by=None)
    made = [
        services.item_save(
            provider=provider,
            code=code,
            name=label,
            category=category,
            unit=unit,
            price_fen=yuan * 100,
            minutes=minutes,
            by=None,
        )
        for code, label, category, unit, yuan, minutes in items
    ]
    subdistrict = community.parent
    assert subdistrict is not None
    people = []
    for username, full_name, phone in workers:
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            full_name=full_name,
            phone=phone,
            password=DEMO_PASSWORD,
            role=Role.DEPARTMENT_HANDLER,
            region=subdistrict,  # handlers are granted at a subdistrict
            by=None,
        )
        grant = RoleGrant.objects.get(user=user, role=Role.DEPARTMENT_HANDLER, region=subdistrict)
        registry.affiliation_set(grant=grant, organisation=organisation, by=None)
        people.append(user)
    return provider, made, people


def _daughter(elder: Resident) -> None:
    """陈秀英 (the demo resident `jumin`) lives with her mother, the first elder."""
    if Resident.objects.filter(name="陈秀英", household=elder.household).exists():
        return
    born = date(1976, 3, 8)
    registry.resident_move_in(
        household=elder.household,
        name="陈秀英",
        sex="female",
        birth_date=born,
        id_number=make_id_number("370306", born, 317, "female"),
        phone=DAUGHTER_PHONE,
        relation=Relation.CHILD,
        by=None,
    )


# A week of orders: days before today are done (some flagged), today's are under way,
# later ones booked or assigned; a few cancelled.
def _week(
    providers: list[tuple[Provider, list[ServiceItem], list[User]]], elders: list[Resident]
) -> int:
    rng = random.Random(16)
    count = 0
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    plan: list[tuple[int, str]] = []
    for offset in range(-6, 3):
        for _n in range(6):
            state: str
            if offset < 0:
                state = rng.choice([HomecareState.CONFIRMED] * 3 + [HomecareState.CHECKED_OUT])
            elif offset == 0:
                state = rng.choice(
                    [HomecareState.CHECKED_IN, HomecareState.ASSIGNED, HomecareState.CHECKED_OUT]
                )
            else:
                state = rng.choice([HomecareState.BOOKED, HomecareState.ASSIGNED])
            plan.append((offset, state))
    plan += [(1, HomecareState.CANCELLED), (-2, HomecareState.CANCELLED)]
    days_back = (today - last_month.replace(day=12)).days
    plan += [(-days_back - rng.randint(0, 10), HomecareState.CONFIRMED) for _ in range(18)]
    for offset, state in plan:
        provider, items, workers = rng.choice(providers)
        item = rng.choice(items)
        elder = rng.choice(elders)
        hour = rng.choice([8, 9, 10, 14, 15, 16])
        _walk(rng, elder, item, workers, state, offset, hour)
        count += 1
    for provider, _items, _workers in providers:
        if Order.objects.filter(
            provider=provider,
            state=HomecareState.CONFIRMED,
            starts_at__date__gte=last_month,
            starts_at__date__lt=today.replace(day=1),
        ).exists():
            services.settlement_create(provider=provider, month=last_month, by=None)
    return count


def _walk(
    rng: random.Random,
    elder: Resident,
    item: ServiceItem,
    workers: list[User],
    state: str,
    offset: int,
    hour: int,
) -> None:
    """An order booked for soon, walked to `state`, then moved to its day."""
    now = timezone.now()
    funding = rng.choice([Funding.VOUCHER] * 3 + [Funding.SELF_PAY])
    if balance(elder) * 60 >= item.minutes:  # an elder with hours given or earned spends them
        funding = Funding.TIME_BANK
    order = services.order_book(
        elder=elder,
        item=item,
        starts_at=now + timedelta(minutes=30),
        funding=funding,
        channel=rng.choice([BookedVia.COMMUNITY, BookedVia.DISPATCH]),
        by=None,
    )
    if state == HomecareState.CANCELLED:
        services.order_cancel(order=order, reason="老人住院，暂停服务", by=None)
    elif state != HomecareState.BOOKED:
        order = services.order_assign(order=order, worker=rng.choice(workers), by=None)
        building = elder.household.house.building
        lon, lat = building.longitude, building.latitude
        assert lon is not None and lat is not None  # elders at placed homes only
        if state != HomecareState.ASSIGNED:
            order = services.order_check_in(
                order=order, longitude=lon, latitude=lat, by=None, at=now
            )
        if state in (HomecareState.CHECKED_OUT, HomecareState.CONFIRMED):
            away = rng.random() < 0.08
            short = rng.random() < 0.1
            minutes = rng.randint(3, 10) if short else item.minutes + rng.randint(-5, 15)
            out_lon = lon + Decimal("0.006") if away else lon  # about 500 m east
            order = services.order_check_out(
                order=order,
                longitude=out_lon,
                latitude=lat,
                by=None,
                at=now + timedelta(minutes=minutes),
            )
        if state == HomecareState.CONFIRMED:
            services.order_confirm(order=order, rating=rng.choice([5, 5, 5, 4, 4, 3]), by=None)
    # Move the order, its visit and its log to its day and hour.
    day = timezone.localdate() + timedelta(days=offset)
    slot = timezone.make_aware(datetime.combine(day, time(hour)))
    shift = slot - order.starts_at
    Order.objects.filter(pk=order.pk).update(
        starts_at=F("starts_at") + shift,
        ends_at=F("ends_at") + shift,
        checked_in_at=F("checked_in_at") + shift,
        checked_out_at=F("checked_out_at") + shift,
        confirmed_at=F("confirmed_at") + shift,
        created_at=F("created_at") + min(shift, timedelta(0)) - timedelta(days=1),
    )
    OrderTransition.objects.filter(order=order).update(at=F("at") + shift)
