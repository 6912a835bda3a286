"""One filter definition per list, shared by the console page, the API and the export."""

from django.db.models import Q, QuerySet
from ninja import Field, Schema

from linli.core.crypto import blind_index
from linli.registry.choices import HouseholdType, ResidenceType, ResidentStatus
from linli.registry.labels import DERIVED_LABELS, derived_label_q, years_ago
from linli.registry.models import Resident


class ResidentFilter(Schema):
    """The residents list's filter, as it travels in URLs: ID and phone numbers only
    as their blind indexes (see ResidentSearch for the numbers themselves)."""

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
    status: ResidentStatus | None = ResidentStatus.LIVING
    grid: str | None = Field(
        None,
        pattern=r"^\d{12}(\d{3})?$",
        description="Community or grid code: only residents below it.",
    )

    def number_indexes(self) -> tuple[str | None, str | None]:
        """The blind indexes of the ID and phone numbers searched for."""
        return self.id_index, self.phone_index

    def apply(self, residents: QuerySet) -> QuerySet:
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
        if self.grid:
            conditions &= Q(grid__path__startswith=self.grid)
        residents = residents.filter(conditions)
        for code in self.label:
            if code in DERIVED_LABELS:
                residents = residents.filter(derived_label_q(code))
            else:
                residents = residents.filter(label_links__label__code=code)
        return residents


class HouseholdFilter(Schema):
    kind: HouseholdType | None = None
    stale_days: int | None = Field(
        None, ge=1, le=3650, description="Only households not verified for this many days."
    )
    grid: str | None = Field(None, pattern=r"^\d{12}(\d{3})?$")


class ResidentSearch(ResidentFilter):
    """The filter with the plain numbers, for request bodies only (the API's POST
    search, the console's search form), so that numbers stay out of URLs, browser
    history and access logs."""

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
