"""The filter of the centres' list, shared by the console and the API."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.regions.filters import InRegion


class CentreFilter(InRegion):
    labels = {"q": gettext_lazy("Name")}
    q: str | None = Field(None, max_length=50, description="Part of the name or address.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.q and self.q.strip():
            q = self.q.strip()
            found = found.filter(Q(name__contains=q) | Q(address__contains=q))
        return self.in_region(found)
