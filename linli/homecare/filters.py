"""The filters of home services' lists: orders (the console, the API and the export)
and settlements (linli.core.lists)."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.core.lists import ListFilter
from linli.homecare.choices import Funding, HomecareState, ServiceCategory
from linli.regions.filters import InGrid


class HomecareOrderFilter(InGrid):
    labels = {
        "state": gettext_lazy("States"),
        "category": gettext_lazy("Service"),
        "funding": gettext_lazy("Funding"),
        "provider": gettext_lazy("Service provider"),
        "day_from": gettext_lazy("From day"),
        "day_to": gettext_lazy("To day"),
        "flagged": gettext_lazy("Flagged visits only"),
    }
    state: list[HomecareState] = Field(default_factory=list, description="Any of these states.")
    category: ServiceCategory | None = Field(None, description="A kind of service.")
    funding: Funding | None = Field(None, description="How orders are paid for.")
    provider: int | None = Field(None, ge=1, le=2**31 - 1, description="A provider's id.")
    day_from: date | None = Field(None, description="Slots starting on or after this day.")
    day_to: date | None = Field(None, description="Slots starting on or before this day.")
    flagged: bool = Field(False, description="Only visits flagged as away or too short.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.state:
            conditions &= Q(state__in=self.state)
        if self.category:
            conditions &= Q(category=self.category)
        if self.funding:
            conditions &= Q(funding=self.funding)
        if self.provider:
            conditions &= Q(provider_id=self.provider)
        if self.day_from:
            conditions &= Q(starts_at__date__gte=self.day_from)
        if self.day_to:
            conditions &= Q(starts_at__date__lte=self.day_to)
        if self.flagged:
            conditions &= Q(flag_away=True) | Q(flag_short=True) | Q(flag_unplaced=True)
        return self.in_region(found.filter(conditions))


class SettlementFilter(ListFilter):
    labels = {"provider": gettext_lazy("Service provider"), "year": gettext_lazy("Year")}
    provider: int | None = Field(None, ge=1, le=2**31 - 1, description="A provider's id.")
    year: int | None = Field(None, ge=2000, le=2100, description="Months of this year.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.provider:
            found = found.filter(provider_id=self.provider)
        if self.year:
            found = found.filter(month__year=self.year)
        return found
