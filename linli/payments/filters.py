"""The filter of the payment orders list, shared by the console, the API and the
export (linli.core.lists)."""

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.payments.choices import OrderState
from linli.regions.filters import InRegion


class OrderFilter(InRegion):
    labels = {
        "state": gettext_lazy("State"),
        "kind": gettext_lazy("Payable kind"),
        "days": gettext_lazy("Last days"),
        "q": gettext_lazy("Order number or subject"),
    }
    state: list[OrderState] = Field(
        default_factory=list, description="States (repeat the parameter for several)."
    )
    kind: str | None = Field(None, max_length=40, pattern=r"^[a-z0-9_.]+$")
    days: int | None = Field(None, ge=1, le=366, description="Created in the last days.")
    q: str | None = Field(None, max_length=50, description="Part of an order number or subject.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.state:
            conditions &= Q(state__in=self.state)
        if self.kind:
            conditions &= Q(kind=self.kind)
        if self.days:
            conditions &= Q(created_at__gte=timezone.now() - timedelta(days=self.days))
        if self.q and self.q.strip():
            words = self.q.strip()
            conditions &= Q(out_trade_no__startswith=words.upper()) | Q(subject__contains=words)
        return self.in_region(found.filter(conditions))
