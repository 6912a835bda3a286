"""Every read of the payments app that answers someone: orders and reconciliations
from `visible_to`; a resident's own orders."""

from django.db.models import Prefetch

from linli.accounts.models import User
from linli.core.scoping import AnyUser
from linli.payments.models import (
    PaymentOrder,
    PaymentOrderQuerySet,
    PaymentTransition,
    Reconciliation,
    ReconciliationItem,
    ReconciliationQuerySet,
)
from linli.payments.permissions import PAYMENT_VIEW


def orders_visible(*, user: AnyUser, action: str = PAYMENT_VIEW) -> PaymentOrderQuerySet:
    return PaymentOrder.objects.visible_to(user, action).select_related("region", "payer")


def order_with_log(found: PaymentOrderQuerySet) -> PaymentOrderQuerySet:
    return found.prefetch_related(
        Prefetch("transitions", queryset=PaymentTransition.objects.select_related("by")),
        "notifications",
    )


def orders_of_payer(*, user: AnyUser) -> PaymentOrderQuerySet:
    """A resident's own orders (their pay pages): the orders they are the payer of."""
    if not isinstance(user, User):
        return PaymentOrder.objects.none()
    return PaymentOrder.objects.filter(payer=user).select_related("region")


def reconciliations_visible(*, user: AnyUser, action: str = PAYMENT_VIEW) -> ReconciliationQuerySet:
    return (
        Reconciliation.objects.visible_to(user, action)
        .select_related("region", "by")
        .prefetch_related(
            Prefetch("items", queryset=ReconciliationItem.objects.select_related("order"))
        )
    )
