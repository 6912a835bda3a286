"""Home services' API under /api/v1/homecare/: providers and their items, orders and
their moves (book, assign, check in and out, confirm, rate, cancel, complain),
settlements and their statements. Outside the caller's regions (or another
provider's, for a provider's people) is 404."""

from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.routers import Router
from linli.core.xlsx import xlsx_download, xlsx_openapi
from linli.homecare import selectors, services
from linli.homecare.filters import HomecareOrderFilter, SettlementFilter
from linli.homecare.models import Order, Provider, ServiceItem, Settlement
from linli.homecare.permissions import (
    ORDER_ASSIGN,
    ORDER_BOOK,
    ORDER_SERVE,
    ORDER_VIEW,
    PROVIDER_MANAGE,
    SETTLEMENT_MANAGE,
)
from linli.homecare.schemas import (
    AssignIn,
    ComplaintIn,
    ComplaintOut,
    ConfirmIn,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    PositionIn,
    ProviderDetailOut,
    ProviderOut,
    ReasonIn,
    ServiceItemIn,
    ServiceItemOut,
    SettlementIn,
    SettlementOut,
    VisitRateIn,
)
from linli.homecare.statements import statement_workbook

router = Router(tags=["homecare"])


def _detail(order: Order) -> Order:
    extra: dict[str, Any] = {
        "address": order.elder.household.house.address,
        "moves": list(order.transitions.all()),
    }
    order.__dict__.update(extra)
    return order


@router.get(
    "/homecare/providers",
    response=list[ProviderOut],
    operation_id="homecare_provider_list",
    url_name="homecare-provider-list",
)
@requires(ORDER_VIEW)
@paginate
def provider_list(request: HttpRequest) -> QuerySet[Provider]:
    """Providers of the caller's regions with their service areas."""
    return selectors.providers_visible(user=request.user).prefetch_related("areas__region")


def _provider(request: HttpRequest, provider_id: int, action: str = ORDER_VIEW) -> Provider:
    return get_object_or_404(
        selectors.providers_visible(user=request.user, action=action), pk=provider_id
    )


@router.get(
    "/homecare/providers/{provider_id}",
    response=ProviderDetailOut,
    operation_id="homecare_provider_get",
    url_name="homecare-provider-detail",
)
@requires(ORDER_VIEW)
def provider_get(request: HttpRequest, provider_id: int) -> Provider:
    """A provider, its items and the ids of its care workers."""
    provider = _provider(request, provider_id)
    extra: dict[str, Any] = {
        "items": list(provider.items.order_by("category", "name")),
        "worker_ids": list(selectors.workers_of(provider).values_list("pk", flat=True)),
    }
    provider.__dict__.update(extra)
    return provider


@router.post(
    "/homecare/providers/{provider_id}/items",
    response={200: ServiceItemOut},
    operation_id="homecare_item_save",
    url_name="homecare-item-save",
)
@requires(PROVIDER_MANAGE)
def item_save(request: HttpRequest, provider_id: int, payload: ServiceItemIn) -> ServiceItem:
    """A service item, new or changed by its code."""
    provider = _provider(request, provider_id, PROVIDER_MANAGE)
    return services.item_save(provider=provider, **payload.dict(), by=signed_in_user(request))


@router.get(
    "/homecare/orders",
    response=list[OrderOut],
    operation_id="homecare_order_list",
    url_name="homecare-order-list",
)
@requires(ORDER_VIEW)
@paginate
def order_list(request: HttpRequest, filters: Query[HomecareOrderFilter]) -> QuerySet[Order]:
    """Orders of the caller's regions, latest slot first."""
    found: QuerySet[Order] = filters.apply(selectors.orders_visible(user=request.user))
    return found


def _order(request: HttpRequest, order_id: int, action: str = ORDER_VIEW) -> Order:
    found = selectors.orders_visible(user=request.user, action=action).select_related(
        "elder__household__house__building"
    )
    return get_object_or_404(found, pk=order_id)


@router.get(
    "/homecare/orders/{order_id}",
    response=OrderDetailOut,
    operation_id="homecare_order_get",
    url_name="homecare-order-detail",
)
@requires(ORDER_VIEW)
def order_get(request: HttpRequest, order_id: int) -> Order:
    """An order with the elder's address and its moves."""
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders",
    response={201: OrderDetailOut},
    operation_id="homecare_order_book",
    url_name="homecare-order-book",
)
@requires(ORDER_BOOK)
def order_book(request: HttpRequest, payload: OrderIn) -> Status[Order]:
    """Book a visit for an elder (aged 60 or over) of the caller's regions, from one of
    the items offered there."""
    user = signed_in_user(request)
    elder = (
        selectors.elders_visible(user=user, action=ORDER_BOOK).filter(pk=payload.elder_id).first()
    )
    if elder is None:
        raise ValidationError({"elder_id": _("Unknown elder.")})
    item = selectors.items_for(elder).filter(pk=payload.item_id).first()
    if item is None:
        raise ValidationError(
            {"item_id": _("No provider serving the elder's home offers this item.")}
        )
    order = services.order_book(
        elder=elder,
        item=item,
        starts_at=payload.starts_at,
        funding=payload.funding,
        channel=payload.channel,
        note=payload.note,
        by=user,
    )
    return Status(201, _detail(_order(request, order.pk)))


@router.post(
    "/homecare/orders/{order_id}/assign",
    response=OrderDetailOut,
    operation_id="homecare_order_assign",
    url_name="homecare-order-assign",
)
@requires(ORDER_ASSIGN)
def order_assign(request: HttpRequest, order_id: int, payload: AssignIn) -> Order:
    """To a care worker of the order's provider."""
    order = _order(request, order_id, ORDER_ASSIGN)
    worker = selectors.workers_of(order.provider).filter(pk=payload.worker_id).first()
    if worker is None:
        raise ValidationError({"worker_id": _("Choose a care worker of the order's provider.")})
    services.order_assign(order=order, worker=worker, by=signed_in_user(request))
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/check-in",
    response=OrderDetailOut,
    operation_id="homecare_order_check_in",
    url_name="homecare-order-check-in",
)
@requires(ORDER_SERVE)
def order_check_in(request: HttpRequest, order_id: int, payload: PositionIn) -> Order:
    """The assigned care worker arrives, at the home (within the configured radius)."""
    order = _order(request, order_id, ORDER_SERVE)
    services.order_check_in(
        order=order,
        longitude=payload.longitude,
        latitude=payload.latitude,
        by=signed_in_user(request),
    )
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/check-out",
    response=OrderDetailOut,
    operation_id="homecare_order_check_out",
    url_name="homecare-order-check-out",
)
@requires(ORDER_SERVE)
def order_check_out(request: HttpRequest, order_id: int, payload: PositionIn) -> Order:
    """The care worker leaves; away or short visits are flagged."""
    order = _order(request, order_id, ORDER_SERVE)
    services.order_check_out(
        order=order,
        longitude=payload.longitude,
        latitude=payload.latitude,
        by=signed_in_user(request),
    )
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/confirm",
    response=OrderDetailOut,
    operation_id="homecare_order_confirm",
    url_name="homecare-order-confirm",
)
@requires(ORDER_BOOK)
def order_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn) -> Order:
    """Record the elder's (or family's) confirmation of a checked-out visit."""
    order = _order(request, order_id, ORDER_BOOK)
    services.order_confirm(
        order=order, rating=payload.rating, note=payload.note, by=signed_in_user(request)
    )
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/rate",
    response=OrderDetailOut,
    operation_id="homecare_order_rate",
    url_name="homecare-order-rate",
)
@requires(ORDER_BOOK)
def order_rate(request: HttpRequest, order_id: int, payload: VisitRateIn) -> Order:
    """Record the elder's rating of a confirmed visit (once)."""
    order = _order(request, order_id, ORDER_BOOK)
    services.order_rate(
        order=order, rating=payload.rating, note=payload.note, by=signed_in_user(request)
    )
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/cancel",
    response=OrderDetailOut,
    operation_id="homecare_order_cancel",
    url_name="homecare-order-cancel",
)
@requires(ORDER_ASSIGN)
def order_cancel(request: HttpRequest, order_id: int, payload: ReasonIn) -> Order:
    """Call off an order not yet served."""
    order = _order(request, order_id, ORDER_ASSIGN)
    services.order_cancel(order=order, reason=payload.reason, by=signed_in_user(request))
    return _detail(_order(request, order_id))


@router.post(
    "/homecare/orders/{order_id}/complaints",
    response={201: ComplaintOut},
    operation_id="homecare_order_complain",
    url_name="homecare-order-complain",
)
@requires(ORDER_BOOK)
def order_complain(
    request: HttpRequest, order_id: int, payload: ComplaintIn
) -> Status[dict[str, str]]:
    """A complaint about the order, filed as a case with the order as its origin."""
    order = _order(request, order_id, ORDER_BOOK)
    case = services.order_complain(order=order, text=payload.text, by=signed_in_user(request))
    return Status(201, {"case_code": case.code})


@router.get(
    "/homecare/settlements",
    response=list[SettlementOut],
    operation_id="homecare_settlement_list",
    url_name="homecare-settlement-list",
)
@requires(ORDER_VIEW)
@paginate
def settlement_list(request: HttpRequest, filters: Query[SettlementFilter]) -> QuerySet[Settlement]:
    """Settlements of the providers of the caller's regions, latest month first."""
    found: QuerySet[Settlement] = filters.apply(selectors.settlements_visible(user=request.user))
    return found


@router.post(
    "/homecare/settlements",
    response={201: SettlementOut},
    operation_id="homecare_settlement_create",
    url_name="homecare-settlement-create",
)
@requires(SETTLEMENT_MANAGE)
def settlement_create(request: HttpRequest, payload: SettlementIn) -> Status[Settlement]:
    """Settle a provider's month that has ended: its confirmed orders, each once. A
    month settled before is refused (422)."""
    provider = (
        selectors.providers_visible(user=request.user, action=SETTLEMENT_MANAGE)
        .filter(pk=payload.provider_id)
        .first()
    )
    if provider is None:
        raise ValidationError({"provider_id": _("Unknown provider.")})
    settlement = services.settlement_create(
        provider=provider, month=payload.month.replace(day=1), by=signed_in_user(request)
    )
    return Status(201, settlement)


@router.get(
    "/homecare/settlements/{settlement_id}",
    response=SettlementOut,
    operation_id="homecare_settlement_get",
    url_name="homecare-settlement-detail",
)
@requires(ORDER_VIEW)
def settlement_get(request: HttpRequest, settlement_id: int) -> Settlement:
    return get_object_or_404(selectors.settlements_visible(user=request.user), pk=settlement_id)


@router.get(
    "/homecare/settlements/{settlement_id}/statement",
    response={200: None},
    operation_id="homecare_settlement_statement",
    url_name="homecare-settlement-statement",
    openapi_extra=xlsx_openapi(
        "The settlement's statement (.xlsx): one row per order, totals by funding."
    ),
)
@requires(ORDER_VIEW)
def settlement_statement(request: HttpRequest, settlement_id: int) -> FileResponse:
    """The statement as a workbook (elders' names masked), audited as an export."""
    settlement = get_object_or_404(
        selectors.settlements_visible(user=request.user), pk=settlement_id
    )
    out = BytesIO()
    statement_workbook(settlement, out, by=signed_in_user(request))
    out.seek(0)
    return xlsx_download(out, f"settlement-{settlement.provider_id}-{settlement.month:%Y-%m}.xlsx")
