"""The payments console (orders with their logs, export, reconciliations), the payer's
pay page, the demo provider's checkout page and the providers' callback endpoint."""

import logging
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import public, requires, signed_in
from linli.core.htmx import render_page
from linli.core.lists import page_of, query_without_page, render_list
from linli.exports.services import export_start
from linli.exports.views import export_answer
from linli.payments import demo_provider, payables, providers, selectors, services
from linli.payments.choices import OPEN, OrderState
from linli.payments.exports import ORDERS
from linli.payments.filters import OrderFilter
from linli.payments.models import DemoCharge, PaymentOrder
from linli.payments.permissions import PAYMENT_MANAGE, PAYMENT_VIEW
from linli.regions.models import Region
from linli.regions.selectors import may

logger = logging.getLogger(__name__)


# --- console -------------------------------------------------------------------------


@requires(PAYMENT_VIEW)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Payment orders by region, state, days and number or subject."""
    user = signed_in_user(request)
    filters, errors = OrderFilter.from_query(request.GET)
    found = filters.apply(selectors.orders_visible(user=user), user=user)
    return render_list(
        request,
        "payments/order_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        states=OrderState.choices,
    )


@requires(PAYMENT_VIEW)
@require_GET
def order_export(request: HttpRequest) -> HttpResponseBase:
    """The orders list as a workbook (the same filter as the page), audited."""
    filters, errors = OrderFilter.from_query(request.GET)
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse('payments:order-list')}?{query_without_page(request)}")
    return export_answer(export_start(user=request.user, kind=ORDERS, filters=filters))


def _order(request: HttpRequest, pk: int) -> PaymentOrder:
    found = selectors.order_with_log(selectors.orders_visible(user=request.user))
    order: PaymentOrder = get_object_or_404(found, pk=pk)
    return order


@requires(PAYMENT_VIEW)
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order: what it pays for, its amount and state, the transition log and the
    provider's notifications."""
    order = _order(request, pk)
    user = signed_in_user(request)
    return render(
        request,
        "payments/order_detail.html",
        {
            "order": order,
            "may_cancel": order.state in OPEN and may(user, order.region, PAYMENT_MANAGE),
            "may_refund": order.state == OrderState.PAID
            and may(user, order.region, PAYMENT_MANAGE),
        },
    )


@requires(PAYMENT_MANAGE)
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    try:
        services.payment_cancel(
            order=order, note=request.POST.get("note", "")[:200], by=signed_in_user(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("payments:order-detail", pk=order.pk)


@requires(PAYMENT_MANAGE)
@require_POST
def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    try:
        services.payment_refund(
            order=order, reason=request.POST.get("reason", "")[:200], by=signed_in_user(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The refund is asked for; the provider confirms it."))
    return redirect("payments:order-detail", pk=order.pk)


@requires(PAYMENT_VIEW)
@require_GET
def reconciliation_list(request: HttpRequest) -> HttpResponse:
    """Reconciliations and their mismatches; a form to run one."""
    user = signed_in_user(request)
    regions = (
        Region.objects.visible_to(user, PAYMENT_MANAGE)
        .filter(retired_at__isnull=True)
        .order_by("path")[:300]
        if user.has_action(PAYMENT_MANAGE)
        else []
    )
    return render(
        request,
        "payments/reconciliation_list.html",
        {
            "page": page_of(request, selectors.reconciliations_visible(user=user)),
            "regions": regions,
            "today": timezone.localdate(),
        },
    )


@requires(PAYMENT_MANAGE)
@require_POST
def reconcile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = (
        Region.objects.visible_to(user, PAYMENT_MANAGE)
        .filter(code=request.POST.get("region", ""))
        .first()
    )
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        day = None
    if region is None or day is None or day > timezone.localdate():
        messages.error(request, _("Choose a region of yours and a day that has begun."))
    else:
        run = services.reconcile(day=day, region=region, by=user)
        messages.success(
            request,
            _("Reconciled: %(lines)s payments in the statement, %(n)s mismatches.")
            % {"lines": run.lines, "n": len(run.items.all())},
        )
    return redirect("payments:reconciliation-list")


# --- the payer -----------------------------------------------------------------------


def _mine(request: HttpRequest, out_trade_no: str) -> PaymentOrder:
    order: PaymentOrder = get_object_or_404(
        selectors.orders_of_payer(user=request.user), out_trade_no=out_trade_no
    )
    return order


@signed_in
@require_GET
def pay(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """The payer's page of an order: what, how much, pay or cancel; while paying, its
    state is polled until the provider's notification has come."""
    order = _mine(request, out_trade_no)
    kind = payables.get(order.kind)
    back = kind.return_url(order.ref) if kind is not None and kind.return_url else None
    context = {"order": order, "back": back}
    return render_page(request, "payments/pay.html", context, partial="state")


@signed_in
@require_POST
def pay_go(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    order = _mine(request, out_trade_no)
    try:
        url = services.payment_checkout(order=order, by=signed_in_user(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("pay:order", out_trade_no=order.out_trade_no)
    return redirect(url)


@signed_in
@require_POST
def pay_cancel(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    order = _mine(request, out_trade_no)
    try:
        services.payment_cancel(order=order, note="", by=signed_in_user(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("pay:order", out_trade_no=order.out_trade_no)


@signed_in
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    """The payer's orders, newest first."""
    found = selectors.orders_of_payer(user=request.user).order_by("-created_at", "-pk")
    return render(request, "payments/my_orders.html", {"page": page_of(request, found)})


# --- the demo provider ---------------------------------------------------------------


def _demo_order(request: HttpRequest, out_trade_no: str) -> PaymentOrder:
    if providers.current().code != demo_provider.CODE:
        raise Http404
    order = _mine(request, out_trade_no)
    if order.provider != demo_provider.CODE:
        raise Http404
    return order


@signed_in
@require_http_methods(["GET", "POST"])
def demo_checkout(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """The demo provider's checkout (模拟支付): stands in for the payer's wallet app.
    Confirming records the payment on the provider's side, which then notifies this
    deployment's callback endpoint, signed."""
    order = _demo_order(request, out_trade_no)
    if request.method == "POST":
        success = request.POST.get("outcome") != "fail"
        try:
            services.demo_payer_confirm(order=order, success=success, by=signed_in_user(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("pay:order", out_trade_no=order.out_trade_no)
    return render(
        request,
        "payments/demo_checkout.html",
        {
            "order": order,
            "waiting": order.state == OrderState.PENDING
            and not DemoCharge.objects.filter(out_trade_no=order.out_trade_no).exists(),
        },
    )


# --- the providers' callback ---------------------------------------------------------


@public
@csrf_exempt
@require_POST
def notify(request: HttpRequest, code: str) -> HttpResponse:
    """A provider's notification of a payment (支付结果通知): answered in the
    provider's way, `{"code": "SUCCESS"}` (it stops retrying) or `{"code": "FAIL"}`."""
    answer = services.payment_notify(provider_code=code, body=request.body, headers=request.headers)
    return JsonResponse(
        {"code": "SUCCESS" if answer.ok else "FAIL", "message": answer.message},
        status=answer.status,
    )
