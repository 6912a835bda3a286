"""The filter of the calls list, shared by the board and the API (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.dispatch.choices import OPEN_STATES, CallKind, CallState
from linli.regions.filters import InGrid


class CallFilter(InGrid):
    """Calls by region (the device's grid), state and kind; open ones by default."""

    labels = {
        "state": gettext_lazy("States"),
        "kind": gettext_lazy("Kinds"),
        "closed": gettext_lazy("Closed too"),
    }
    state: list[CallState] = Field(default_factory=list, description="Any of these states.")
    kind: list[CallKind] = Field(default_factory=list, description="Any of these kinds.")
    closed: bool = Field(False, description="Closed calls too (default: open calls only).")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.state:
            conditions &= Q(state__in=self.state)
        elif not self.closed:
            conditions &= Q(state__in=OPEN_STATES)
        if self.kind:
            conditions &= Q(kind__in=self.kind)
        return self.in_region(found.filter(conditions))
