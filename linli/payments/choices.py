"""The payments app's vocabularies: an order's states and the moves between them,
what became of a provider's notification, and the kinds of reconciliation mismatch."""

from django.db import models
from django.utils.translation import gettext_lazy as _

CURRENCY = "CNY"


class OrderState(models.TextChoices):
    CREATED = "created", _("Awaiting payment")
    PENDING = "pending", _("Paying")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDING = "refunding", _("Being refunded")
    REFUNDED = "refunded", _("Refunded")


# The state machine: the moves each state allows. Failed, cancelled and refunded are
# final; a paid order may be refunded (in full), back to paid if the provider refuses.
MOVES: dict[str, frozenset[str]] = {
    OrderState.CREATED: frozenset({OrderState.PENDING, OrderState.PAID, OrderState.CANCELLED}),
    OrderState.PENDING: frozenset({OrderState.PAID, OrderState.FAILED, OrderState.CANCELLED}),
    OrderState.PAID: frozenset({OrderState.REFUNDING}),
    OrderState.REFUNDING: frozenset({OrderState.REFUNDED, OrderState.PAID}),
    OrderState.REFUNDED: frozenset(),
    OrderState.FAILED: frozenset(),
    OrderState.CANCELLED: frozenset(),
}
# An order a payable may have only one of at a time (a paid one included: paid once).
LIVE = (OrderState.CREATED, OrderState.PENDING, OrderState.PAID, OrderState.REFUNDING)
OPEN = (OrderState.CREATED, OrderState.PENDING)
# Orders whose money reached the provider (reconciliation counts them paid that day).
PAID_ONCE = (OrderState.PAID, OrderState.REFUNDING, OrderState.REFUNDED)


class Source(models.TextChoices):
    """Who moved an order."""

    PAYER = "payer", _("Payer")
    STAFF = "staff", _("Staff")
    PROVIDER = "provider", _("Payment provider's notification")
    SYSTEM = "system", _("System")


class Outcome(models.TextChoices):
    """What a signed notification from the provider did."""

    APPLIED = "applied", _("Applied")
    ALREADY = "already", _("Already applied (repeated)")
    REFUSED = "refused", _("Refused")


class Refusal(models.TextChoices):
    """Why a signed notification was refused."""

    UNKNOWN_ORDER = "unknown_order", _("Unknown order")
    AMOUNT = "amount", _("Amount or currency differs from the order")
    FINAL = "final", _("The order was already closed")
    NOT_REFUNDING = "not_refunding", _("A refund nobody asked for")


class Mismatch(models.TextChoices):
    """What reconciliation found between the provider's statement and the orders."""

    NOT_HERE = "not_here", _("In the statement, no such order")
    NOT_THERE = "not_there", _("Paid here, not in the statement")
    AMOUNT = "amount", _("Amounts differ")
    UNPAID_HERE = "unpaid_here", _("Paid at the provider, not paid here")
    REFUND = "refund", _("Refunded on one side only")
