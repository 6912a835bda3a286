"""The payments API: payment orders (created for a payable, paid through the
provider's checkout, cancelled), their logs, and reconciliations with the provider's
statement. Staff see the orders of their regions (`visible_to`: 404 outside); a payer
sees their own. The provider's notifications come to `/pay/notify/<code>/` (views.py),
not here: they are the provider's format, not this API's."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires, signed_in
from linli.core.routers import Router
from linli.core.xlsx import xlsx_openapi
from linli.exports.api import export_answer
from linli.exports.schemas import ExportOut
from linli.exports.services import export_start
from linli.payments import selectors, services
from linli.payments.exports import ORDERS
from linli.payments.filters import OrderFilter
from linli.payments.models import PaymentOrder, Reconciliation
from linli.payments.permissions import PAYMENT_MANAGE, PAYMENT_VIEW
from linli.payments.schemas import (
    PaymentCancelIn,
    PaymentCheckoutOut,
    PaymentOrderDetailOut,
    PaymentOrderIn,
    PaymentOrderOut,
    PaymentReconcileIn,
    PaymentReconciliationOut,
    PaymentRefundIn,
)
from linli.regions.models import Region

router = Router(tags=["payments"])


def _order(request: HttpRequest, order_id: int) -> PaymentOrder:
    """An order the caller sees: in their regions, or theirs to pay."""
    user = signed_in_user(request)
    visible = selectors.orders_visible(user=user).values("pk")
    found = selectors.order_with_log(
        PaymentOrder.objects.select_related("region", "payer").filter(
            Q(pk__in=visible) | Q(payer=user)
        )
    )
    order: PaymentOrder = get_object_or_404(found, pk=order_id)
    return order


@router.get(
    "/payments/orders",
    response=list[PaymentOrderOut],
    operation_id="payment_order_list",
    url_name="payment-order-list",
)
@requires(PAYMENT_VIEW)
@paginate
def order_list(request: HttpRequest, filters: Query[OrderFilter]) -> QuerySet[PaymentOrder]:
    """Payment orders of the caller's regions, newest first."""
    found: QuerySet[PaymentOrder] = filters.apply(
        selectors.orders_visible(user=request.user), user=request.user
    )
    return found


@router.get(
    "/payments/orders/export",
    response={200: None, 202: ExportOut},
    operation_id="payment_order_export",
    url_name="payment-order-export",
    openapi_extra=xlsx_openapi("The payment orders (.xlsx)."),
)
@requires(PAYMENT_VIEW)
def order_export(
    request: HttpRequest, filters: Query[OrderFilter]
) -> FileResponse | Status[ExportOut]:
    """The payment orders list as a workbook: the same filter, audited."""
    return export_answer(export_start(user=request.user, kind=ORDERS, filters=filters))


@router.get(
    "/payments/my-orders",
    response=list[PaymentOrderOut],
    operation_id="payment_my_orders",
    url_name="payment-my-orders",
)
@signed_in
@paginate
def my_orders(request: HttpRequest) -> QuerySet[PaymentOrder]:
    """The caller's own orders, as payer, newest first."""
    return selectors.orders_of_payer(user=request.user).order_by("-created_at", "-pk")


@router.post(
    "/payments/orders",
    response={200: PaymentOrderOut, 201: PaymentOrderOut},
    operation_id="payment_order_create",
    url_name="payment-order-create",
)
@signed_in
def order_create(request: HttpRequest, payload: PaymentOrderIn) -> Status[PaymentOrder]:
    """The order for a payable (its payer, or staff of its region): 201 when new, 200
    with the same order when it exists already (being paid, or paid)."""
    order, new = services.payment_order_create(
        kind=payload.kind, ref=payload.ref, by=signed_in_user(request)
    )
    return Status(201 if new else 200, order)


@router.get(
    "/payments/orders/{order_id}",
    response=PaymentOrderDetailOut,
    operation_id="payment_order_detail",
    url_name="payment-order-detail",
)
@signed_in
def order_detail(request: HttpRequest, order_id: int) -> PaymentOrder:
    """An order and its transition log (its payer, or staff of its region)."""
    return _order(request, order_id)


@router.post(
    "/payments/orders/{order_id}/checkout",
    response=PaymentCheckoutOut,
    operation_id="payment_order_checkout",
    url_name="payment-order-checkout",
)
@signed_in
def order_checkout(request: HttpRequest, order_id: int) -> dict[str, object]:
    """Set off to pay: the order is paying; where the payer pays."""
    order = _order(request, order_id)
    url = services.payment_checkout(order=order, by=signed_in_user(request))
    return {"order": _order(request, order_id), "checkout_url": request.build_absolute_uri(url)}


@router.post(
    "/payments/orders/{order_id}/cancel",
    response=PaymentOrderDetailOut,
    operation_id="payment_order_cancel",
    url_name="payment-order-cancel",
)
@signed_in
def order_cancel(request: HttpRequest, order_id: int, payload: PaymentCancelIn) -> PaymentOrder:
    """Cancel an unpaid order (its payer, or staff who manage payments there)."""
    order = _order(request, order_id)
    services.payment_cancel(order=order, note=payload.note, by=signed_in_user(request))
    return _order(request, order_id)


@router.post(
    "/payments/orders/{order_id}/refund",
    response=PaymentOrderDetailOut,
    operation_id="payment_order_refund",
    url_name="payment-order-refund",
)
@signed_in
def order_refund(request: HttpRequest, order_id: int, payload: PaymentRefundIn) -> PaymentOrder:
    """Refund a paid order in full (staff who manage payments there): it is being
    refunded until the provider's signed notification confirms."""
    order = _order(request, order_id)
    services.payment_refund(order=order, reason=payload.reason, by=signed_in_user(request))
    return _order(request, order_id)


@router.get(
    "/payments/reconciliations",
    response=list[PaymentReconciliationOut],
    operation_id="payment_reconciliation_list",
    url_name="payment-reconciliation-list",
)
@requires(PAYMENT_VIEW)
@paginate
def reconciliation_list(request: HttpRequest) -> QuerySet[Reconciliation]:
    """Reconciliations of the caller's regions and their mismatches, newest first."""
    return selectors.reconciliations_visible(user=request.user)


@router.post(
    "/payments/reconciliations",
    response={201: PaymentReconciliationOut},
    operation_id="payment_reconcile",
    url_name="payment-reconcile",
)
@requires(PAYMENT_MANAGE)
def reconcile(request: HttpRequest, payload: PaymentReconcileIn) -> Status[Reconciliation]:
    """Compare the provider's statement of a day with the orders of a region."""
    region = (
        Region.objects.visible_to(request.user, PAYMENT_MANAGE).filter(code=payload.region).first()
    )
    if region is None:
        raise ValidationError({"region": _("Unknown region.")})
    run = services.reconcile(day=payload.day, region=region, by=signed_in_user(request))
    return Status(201, selectors.reconciliations_visible(user=request.user).get(pk=run.pk))
