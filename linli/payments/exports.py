"""What the payments app exports (linli.exports.kinds): the payment orders list, for
the finance office's books."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from linli.exports.kinds import ExportKind, register
from linli.exports.writer import Column
from linli.payments import selectors
from linli.payments.filters import OrderFilter
from linli.payments.models import PaymentOrder
from linli.payments.permissions import PAYMENT_VIEW


def _columns(filters: OrderFilter) -> list[Column]:
    return [
        Column("订单号"),
        Column("事项类别"),
        Column("内容"),
        Column("金额（元）"),
        Column("状态"),
        Column("区域"),
        Column("支付渠道"),
        Column("渠道交易号"),
        Column("创建时间"),
        Column("支付时间"),
    ]


def _rows(user: Any, filters: OrderFilter) -> QuerySet[PaymentOrder]:
    found: QuerySet[PaymentOrder] = filters.apply(selectors.orders_visible(user=user), user=user)
    return found


def _cells(o: PaymentOrder, filters: OrderFilter) -> list[Any]:
    return [
        o.out_trade_no,
        o.kind_label,
        o.subject,
        o.amount_yuan,
        o.get_state_display(),
        o.region.name,
        o.provider,
        o.trade_no,
        o.created_at,
        o.paid_at,
    ]


ORDERS = register(
    ExportKind(
        code="payments.orders",
        title=gettext_lazy("Payment orders"),
        file_stem="支付订单",
        sheet="支付订单",
        action=PAYMENT_VIEW,
        filter=OrderFilter,
        object_type="payments.paymentorder",
        columns=_columns,
        rows=_rows,
        row=_cells,
    )
)
