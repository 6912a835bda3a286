"""The filters of the screens' lists, shared by the console and the API."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.regions.filters import InRegion
from linli.screens.choices import OFFLINE_AFTER_S, ScreenKind


class ScreenFilter(InRegion):
    labels = {
        "kind": gettext_lazy("Kind"),
        "online": gettext_lazy("Online"),
        "retired": gettext_lazy("Retired too"),
        "q": gettext_lazy("Name"),
    }
    kind: ScreenKind | None = Field(None, description="Display screens or TV boxes only.")
    online: bool | None = Field(None, description="Online (true) or offline (false) only.")
    retired: bool = Field(False, description="Retired screens too.")
    q: str | None = Field(None, max_length=50, description="Part of the name.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if not self.retired:
            conditions &= Q(retired_at__isnull=True)
        if self.kind:
            conditions &= Q(kind=self.kind)
        if self.online is not None:
            recent = Q(last_seen_at__gte=timezone.now() - timedelta(seconds=OFFLINE_AFTER_S))
            conditions &= recent if self.online else ~recent | Q(last_seen_at__isnull=True)
        if self.q and self.q.strip():
            conditions &= Q(name__contains=self.q.strip())
        return self.in_region(found.filter(conditions))


class PlaylistFilter(InRegion):
    pass


class ForecastFilter(InRegion):
    labels = {"since": gettext_lazy("From")}
    since: date | None = Field(
        None, description="Forecasts of this day and later (default: today)."
    )

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        return self.in_region(found.filter(day__gte=self.since or timezone.localdate()))
