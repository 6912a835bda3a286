"""A settlement's statement as a workbook (the exports writer: text never a formula),
one row per order, elders' names masked (the file leaves the platform), the totals
by funding at the end; each download audited as an export."""

from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.accounts.models import User
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.crypto import mask_name
from linli.exports.writer import Column, write_xlsx
from linli.homecare.choices import Funding
from linli.homecare.models import Order, Settlement


def _row(order: Order) -> list[object]:
    return [
        order.pk,
        timezone.localtime(order.starts_at).replace(tzinfo=None),
        order.get_category_display(),
        order.item.name,
        mask_name(order.elder.name),
        (order.worker.full_name or order.worker.username) if order.worker else "",
        order.served_minutes,
        order.get_funding_display(),
        order.price_fen / 100,
        "、".join(str(f.label) for f in order.flags),
        order.rating,
    ]


@transaction.atomic
def statement_workbook(settlement: Settlement, out: IO[bytes], *, by: User) -> int:
    orders = list(
        settlement.orders.select_related("item", "elder", "worker").order_by("starts_at", "pk")
    )
    rows: list[list[object]] = [_row(o) for o in orders]
    blank: list[object] = [""] * 8
    for funding in Funding:
        fen = sum(o.price_fen for o in orders if o.funding == funding)
        rows.append([*blank[:7], str(funding.label), fen / 100, "", ""])
    rows.append([*blank[:7], pgettext("amount", "Total"), settlement.total_fen / 100, "", ""])
    written = write_xlsx(
        out,
        sheet=f"{settlement.month:%Y-%m}",
        columns=[
            Column(_("Order no.")),
            Column(_("Starts at"), "yyyy-mm-dd hh:mm"),
            Column(_("Service")),
            Column(_("Service item")),
            Column(_("Elder")),
            Column(_("Care worker")),
            Column(_("Minutes served")),
            Column(_("Funding")),
            Column(_("Amount (yuan)"), "0.00"),
            Column(_("Flags")),
            Column(_("Rating")),
        ],
        rows=rows,
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=by,
        obj=settlement,
        region=settlement.provider.organisation.grid,
        object_label=str(settlement)[:100],
        details={"rows": len(orders), "format": "xlsx"},
    )
    return written
