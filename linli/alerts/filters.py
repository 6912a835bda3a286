"""The filter of the alert list, shared by the console and the API (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.alerts.choices import AlertSeverity, Category, MsgType, State
from linli.regions.filters import InRegion


class AlertFilter(InRegion):
    labels = {
        "state": gettext_lazy("State"),
        "msg_type": gettext_lazy("Message type"),
        "category": gettext_lazy("Category"),
        "severity": gettext_lazy("Severity"),
        "q": gettext_lazy("Event or headline"),
    }
    state: State | None = None
    msg_type: MsgType | None = None
    category: Category | None = None
    severity: AlertSeverity | None = None
    q: str | None = Field(None, max_length=50, description="Part of an event or headline.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        for name in ("state", "msg_type", "category", "severity"):
            value = getattr(self, name)
            if value:
                conditions &= Q(**{name: value})
        if self.q and self.q.strip():
            words = self.q.strip()
            conditions &= Q(
                pk__in=found.model.objects.filter(
                    Q(infos__event__contains=words) | Q(infos__headline__contains=words)
                ).values("pk")
            )
        return self.in_region(found.filter(conditions))
