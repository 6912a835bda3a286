"""The time-bank accounts list's filter, shared by the console and the API."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.regions.filters import InRegion


class AccountFilter(InRegion):
    labels = {
        "q": gettext_lazy("Holder's name"),
        "holding": gettext_lazy("Holding hours"),
    }
    q: str | None = Field(None, max_length=50, description="The holder's name (prefix).")
    holding: bool | None = Field(None, description="Only accounts holding some hours.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.q and self.q.strip():
            conditions &= Q(holder__name__prefix=self.q.strip())
        if self.holding:
            conditions &= Q(balance__gt=0)
        return self.in_region(found.filter(conditions))
