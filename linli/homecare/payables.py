"""Self-paid home services through the payments app: a self-pay order checked out
or confirmed and not yet paid is a payable of kind `homecare.order` (its id as the
reference), registered in `HomecareConfig.ready()`. The amount is the price the order
was booked at; the payer is whoever booked it with a resident account (at the
community's desk, staff create the payment order for the family in front of them).
Once paid, the order records it (`order_paid`, once)."""

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.homecare.choices import Funding, HomecareState
from linli.homecare.models import Order
from linli.payments.payables import Payable

if TYPE_CHECKING:
    from linli.payments.models import PaymentOrder

KIND = "homecare.order"
PAYABLE_STATES = (HomecareState.CHECKED_OUT, HomecareState.CONFIRMED, HomecareState.SETTLED)


def _order(ref: str) -> Order | None:
    if not ref.isdigit():
        return None
    found: Order | None = (
        Order.objects.select_related("item", "grid", "booked_by").filter(pk=int(ref)).first()
    )
    return found


def describe(ref: str) -> Payable | None:
    """The price of a self-paid visit that took place and is unpaid; None otherwise."""
    order = _order(ref)
    if (
        order is None
        or order.funding != Funding.SELF_PAY
        or order.state not in PAYABLE_STATES
        or order.paid_at is not None
        or order.price_fen <= 0
    ):
        return None
    booker = order.booked_by
    payer = booker if booker is not None and booker.has_action("order.request") else None
    return Payable(
        description=_("Home service %(item)s, order #%(pk)s")
        % {"item": order.item.name, "pk": order.pk},
        amount_fen=order.price_fen,
        region=order.grid,
        payer=payer,
    )


def on_paid(order: "PaymentOrder") -> None:
    from linli.homecare.services import order_paid

    found = _order(order.ref)
    if found is not None:
        order_paid(order=found, payment_ref=order.out_trade_no)


def return_url(ref: str) -> str | None:
    return reverse("homecare:family") if _order(ref) is not None else None
