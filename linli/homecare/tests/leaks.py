"""Community B for the leak test: a provider of B serving B with its care worker, an
elder of B with a family account (`world.resident_b`), orders in every state the
routes act on, a settlement; a valid request for every route that changes something."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.accounts.services import user_create
from linli.core.permissions import Role
from linli.homecare import services
from linli.homecare.choices import Funding, HomecareState
from linli.homecare.models import Order
from linli.registry import services as registry
from linli.testing.homecare import NEAR, backdate, last_month, order_to, setup, soon
from linli.testing.leaks import Leaks, Send
from linli.testing.registry import aged, move_in, phone
from linli.testing.world import PASSWORD

API = "/api/v1"


def _photo() -> dict:
    out = BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, format="JPEG")
    return {
        "longitude": str(NEAR[0]),
        "latitude": str(NEAR[1]),
        "photo": SimpleUploadedFile("v.jpg", out.getvalue(), content_type="image/jpeg"),
    }


def community_b(world, made) -> Leaks:
    s = setup(world, grid=world.b1, community=world.b)
    world.care_b = s.worker
    resident = getattr(world, "resident_b", None)
    if resident is None:
        resident = user_create(
            username="resident.b",
            full_name="市南居民",
            password=PASSWORD,
            role=Role.RESIDENT,
            region=world.b,
            by=None,
        )
        world.resident_b = resident
    son = move_in(
        s.elder.household, name="赵泄露子", born=aged(50), relation="child", phone=phone(8260)
    )
    resident.phone = son.phone
    resident.save()

    booked = order_to(s, HomecareState.BOOKED)
    assigned = order_to(s, HomecareState.ASSIGNED)
    checked_in = order_to(s, HomecareState.CHECKED_IN)
    checked_out = order_to(s, HomecareState.CHECKED_OUT, funding=Funding.SELF_PAY)
    confirmed = services.order_confirm(order=order_to(s, HomecareState.CHECKED_OUT), by=None)
    settled = backdate(order_to(s, HomecareState.CONFIRMED))
    settlement = services.settlement_create(provider=s.provider, month=last_month(), by=None)
    settled.refresh_from_db()
    # The order to settle sits in the month before last (last month is settled above).
    to_settle = backdate(order_to(s, HomecareState.CONFIRMED))
    cancelled = order_to(s, HomecareState.CANCELLED)
    services.order_complain(order=checked_in, text="护理员泄漏投诉测试", by=None)
    organisation = registry.organisation_create(
        grid=world.b1, name="市南泄漏助浴队", kind="enterprise", address="市南路1号", by=None
    )
    Order.objects.filter(pk=to_settle.pk).update(
        starts_at=to_settle.starts_at - timedelta(days=31),
        ends_at=to_settle.ends_at - timedelta(days=31),
    )
    to_settle.refresh_from_db()
    month_before = to_settle.starts_at.astimezone().date().replace(day=1)

    b, p = f"/homecare/{booked.pk}", s.provider.pk
    when = soon(3).astimezone().strftime("%Y-%m-%dT%H:%M")
    prefix = f"e{s.elder.pk}"
    position = {"longitude": str(NEAR[0]), "latitude": str(NEAR[1])}
    sends = {
        ("post", "homecare:order-book"): Send(
            f"/homecare/book/?elder={s.elder.pk}",
            {"item": s.item.pk, "starts_at": when, "funding": "voucher", "channel": "community"},
            by="worker_b",
        ),
        ("post", "homecare:order-assign"): Send(
            f"{b}/assign/", {"worker": s.worker.pk}, by="worker_b"
        ),
        ("post", "homecare:order-cancel"): Send(
            f"{b}/cancel/", {"reason": "老人住院"}, by="worker_b"
        ),
        ("post", "homecare:order-confirm"): Send(
            f"/homecare/{checked_out.pk}/confirm/", {"rating": "5"}, by="worker_b"
        ),
        ("post", "homecare:order-complain"): Send(
            f"/homecare/{assigned.pk}/complain/", {"text": "一直没有人来"}, by="worker_b"
        ),
        ("post", "homecare:order-pay"): Send(f"/homecare/{checked_out.pk}/pay/", by="worker_b"),
        ("post", "homecare:worker-check-in"): Send(
            f"/homecare/today/{assigned.pk}/check-in/", _photo, by="care_b"
        ),
        ("post", "homecare:worker-check-out"): Send(
            f"/homecare/today/{checked_in.pk}/check-out/", position, by="care_b"
        ),
        ("post", "homecare:family-book"): Send(
            f"/homecare/family/elders/{s.elder.pk}/book/",
            {
                f"{prefix}-item": s.item.pk,
                f"{prefix}-starts_at": when,
                f"{prefix}-funding": "voucher",
            },
            by="resident_b",
        ),
        ("post", "homecare:family-confirm"): Send(
            f"/homecare/family/{checked_out.pk}/confirm/", {"rating": "4"}, by="resident_b"
        ),
        ("post", "homecare:family-cancel"): Send(
            f"/homecare/family/{booked.pk}/cancel/", by="resident_b"
        ),
        ("post", "homecare:family-complain"): Send(
            f"/homecare/family/{assigned.pk}/complain/", {"text": "一直没有人来"}, by="resident_b"
        ),
        ("post", "homecare:provider-list"): Send(
            "/homecare/providers/", {"organisation": organisation.pk, "areas": world.b.code}
        ),
        ("post", "homecare:provider-item"): Send(
            f"/homecare/providers/{p}/items/",
            {
                "code": "clean",
                "name": "助洁",
                "category": "cleaning",
                "unit": "次",
                "price": "30",
                "minutes": "60",
            },
        ),
        ("post", "homecare:provider-areas"): Send(
            f"/homecare/providers/{p}/areas/", {"areas": f"{world.b.code} {world.b1.code}"}
        ),
        ("post", "homecare:settlement-list"): Send(
            "/homecare/settlements/", {"provider": p, "month": f"{month_before:%Y-%m}"}
        ),
        ("post", "api:homecare-item-save"): Send(
            f"{API}/homecare/providers/{p}/items",
            {
                "code": "clean",
                "name": "助洁",
                "category": "cleaning",
                "unit": "次",
                "price_fen": 3000,
                "minutes": 60,
            },
            expect=200,
        ),
        ("post", "api:homecare-order-book"): Send(
            f"{API}/homecare/orders",
            {
                "elder_id": s.elder.pk,
                "item_id": s.item.pk,
                "starts_at": soon(3).isoformat(),
                "funding": "voucher",
            },
            by="worker_b",
            expect=201,
        ),
        ("post", "api:homecare-order-assign"): Send(
            f"{API}/homecare/orders/{booked.pk}/assign",
            {"worker_id": s.worker.pk},
            by="worker_b",
            expect=200,
        ),
        ("post", "api:homecare-order-check-in"): Send(
            f"{API}/homecare/orders/{assigned.pk}/check-in", position, by="care_b", expect=200
        ),
        ("post", "api:homecare-order-check-out"): Send(
            f"{API}/homecare/orders/{checked_in.pk}/check-out", position, by="care_b", expect=200
        ),
        ("post", "api:homecare-order-confirm"): Send(
            f"{API}/homecare/orders/{checked_out.pk}/confirm",
            {"rating": 5},
            by="worker_b",
            expect=200,
        ),
        ("post", "api:homecare-order-rate"): Send(
            f"{API}/homecare/orders/{confirmed.pk}/rate", {"rating": 5}, by="worker_b", expect=200
        ),
        ("post", "api:homecare-order-cancel"): Send(
            f"{API}/homecare/orders/{booked.pk}/cancel",
            {"reason": "老人住院"},
            by="worker_b",
            expect=200,
        ),
        ("post", "api:homecare-order-complain"): Send(
            f"{API}/homecare/orders/{assigned.pk}/complaints",
            {"text": "一直没有人来"},
            by="worker_b",
            expect=201,
        ),
        ("post", "api:homecare-settlement-create"): Send(
            f"{API}/homecare/settlements",
            {"provider_id": p, "month": month_before.isoformat()},
            expect=201,
        ),
    }
    orders = [booked, assigned, checked_in, checked_out, confirmed, to_settle, settled, cancelled]
    return Leaks(
        objects={"provider": [s.provider], "order": orders, "settlement": [settlement]},
        markers=["赵泄漏", "周村区夕阳红居家养老服务中心b", "护理员b"],
        sends=sends,
        searches=[f"?provider={p}"],
    )
