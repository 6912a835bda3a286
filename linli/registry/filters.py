"""The registry's lists' filters (linli.core.lists), shared by the console pages, the
API and the export."""

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field
from pydantic import field_validator

from linli.core.crypto import blind_index
from linli.regions.filters import InGrid
from linli.registry.choices import HouseholdType, ResidenceType, ResidentStatus
from linli.registry.labels import DERIVED_LABELS, derived_label_q, years_ago
from linli.registry.models import Resident


class InGridRenamed(InGrid):
    """The registry's lists called their region field `grid` until December 2026: a
    request still giving `grid=` is refused with a word rather than left unfiltered
    (an export would take the whole scope)."""

    labels = {"grid": gettext_lazy("Grid")}
    grid: str | None = Field(None, description="Renamed: give `region` instead.")

    @field_validator("grid")
    @classmethod
    def _renamed(cls, value: str | None) -> str | None:
        if value:
            raise ValueError(_("This filter is now called region: give the region's code there."))
        return value


class ResidentFilter(InGridRenamed):
    """The residents list's filter, as it travels in URLs: ID and phone numbers only
    as their blind indexes (see ResidentSearch for the numbers themselves)."""

    labels = {
        "q": gettext_lazy("Name starts with"),
        "id_index": gettext_lazy("ID number"),
        "phone_index": gettext_lazy("Phone"),
        "address": gettext_lazy("Address contains"),
        "label": gettext_lazy("Label"),
        "age_min": gettext_lazy("Age from"),
        "age_max": gettext_lazy("Age up to"),
        "residence_type": gettext_lazy("Residence type"),
        "status": gettext_lazy("Status"),
    }

    q: str | None = Field(
        None, max_length=50, description="Start of the name (letters case-sensitive)."
    )
    id_index: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="The ID number's blind index (what the search form sends on).",
    )
    phone_index: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="The mobile number's blind index.",
    )
    address: str | None = Field(None, max_length=100, description="Part of the address.")
    label: list[str] = Field(default_factory=list, description="Label codes (all must match).")
    age_min: int | None = Field(None, ge=0, le=130)
    age_max: int | None = Field(None, ge=0, le=130)
    residence_type: ResidenceType | None = None
    status: ResidentStatus | None = Field(
        ResidentStatus.LIVING, description='Default: living; "all" for every status.'
    )

    @field_validator("status", mode="before")
    @classmethod
    def _all(cls, value: Any) -> Any:
        return None if value == "all" else value

    def number_indexes(self) -> tuple[str | None, str | None]:
        """The blind indexes of the ID and phone numbers searched for."""
        return self.id_index, self.phone_index

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        residents = self.in_region(found)
        conditions = Q()
        if self.q:
            conditions &= Q(name__prefix=self.q.strip())
        id_index, phone_index = self.number_indexes()
        if id_index:
            conditions &= Q(id_number_index=id_index)
        if phone_index:
            conditions &= Q(phone_index=phone_index)
        if self.address:
            conditions &= Q(household__house__building__address__contains=self.address.strip())
        if self.age_min is not None:
            conditions &= Q(birth_date__lte=years_ago(self.age_min))
        if self.age_max is not None:
            conditions &= Q(birth_date__gt=years_ago(self.age_max + 1))
        if self.residence_type:
            conditions &= Q(residence_type=self.residence_type)
        if self.status:
            conditions &= Q(status=self.status)
        residents = residents.filter(conditions)
        for code in self.label:
            if code in DERIVED_LABELS:
                residents = residents.filter(derived_label_q(code))
            else:
                residents = residents.filter(label_links__label__code=code)
        return residents


class HouseholdFilter(InGridRenamed):
    labels = {
        "kind": gettext_lazy("Household type"),
        "stale_days": gettext_lazy("Not verified for (days)"),
    }
    kind: HouseholdType | None = None
    stale_days: int | None = Field(
        None, ge=1, le=3650, description="Only households not verified for this many days."
    )

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        found = self.in_region(found.filter(dissolved_at__isnull=True))
        if self.kind:
            found = found.filter(kind=self.kind)
        if self.stale_days:
            cutoff = timezone.now() - timedelta(days=self.stale_days)
            found = found.filter(Q(verified_at__isnull=True) | Q(verified_at__lt=cutoff))
        return found


class BuildingFilter(InGridRenamed):
    labels = {"q": gettext_lazy("Name or address")}
    q: str | None = Field(None, max_length=50, description="Part of the name or address.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        found = self.in_region(found)
        if self.q:
            found = found.filter(Q(name__contains=self.q) | Q(address__contains=self.q))
        return found


class OrganisationFilter(InGrid):
    labels = {"q": gettext_lazy("Name")}
    q: str | None = Field(None, max_length=50, description="Part of the name.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        found = self.in_region(found)
        return found.filter(name__contains=self.q) if self.q else found


class ResidentSearch(ResidentFilter):
    """The filter with the plain numbers, for request bodies only (the API's POST
    search, the console's search form), so that numbers stay out of URLs, browser
    history and access logs."""

    labels = {
        "id_number": gettext_lazy("ID number (exact)"),
        "phone": gettext_lazy("Phone (exact)"),
    }

    id_number: str | None = Field(None, max_length=18, description="Exact ID number.")
    phone: str | None = Field(None, max_length=11, description="Exact mobile number.")

    def number_indexes(self) -> tuple[str | None, str | None]:
        id_index, phone_index = super().number_indexes()
        if self.id_number:
            id_index = blind_index(self.id_number, Resident.ID_NUMBER_CONTEXT)
        if self.phone:
            phone_index = blind_index(self.phone, Resident.PHONE_CONTEXT)
        return id_index, phone_index


PLAIN_NUMBERS = ("id_number", "phone")  # never accepted in a query string
