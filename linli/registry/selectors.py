from collections.abc import Iterable
from itertools import batched

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from linli.accounts.models import RoleGrant
from linli.accounts.selectors import grants_visible
from linli.core.pagination import KeyedRows
from linli.registry.choices import (
    ACTING_KINDS,
    LedgerImportStatus,
    PoliticalStatus,
    ResidentStatus,
)
from linli.registry.filters import (
    BuildingFilter,
    HouseholdFilter,
    OrganisationFilter,
    ResidentFilter,
)
from linli.registry.labels import (
    DERIVED_NAMES,
    ELDERLY,
    ELDERLY_AGE,
    ELDERLY_ALONE,
    PARTY_MEMBER,
    years_ago,
)
from linli.registry.models import (
    Affiliation,
    Building,
    House,
    Household,
    LedgerImport,
    Organisation,
    RecordChange,
    Resident,
    ResidentLabel,
)
from linli.registry.permissions import REGISTRY_VIEW

RESIDENT_ORDER = ("name", "pk")


def residents_visible(*, user, action: str = REGISTRY_VIEW) -> QuerySet[Resident]:
    return Resident.objects.visible_to(user, action)


def _living_members_count():
    return Subquery(
        Resident.objects.filter(household=OuterRef("household"), status=ResidentStatus.LIVING)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


def _with_display_data(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    """What every page, API answer and export shows of a resident, in a fixed number of
    queries: address, grid, typed labels and the household's living count."""
    return (
        residents.select_related("household__house__building", "grid")
        .defer("grid__boundary")
        .prefetch_related(
            Prefetch(  # a list per resident, not a queryset each: cheaper for long pages
                "label_links",
                queryset=ResidentLabel.objects.select_related("label").order_by(
                    "label__order", "label__name"
                ),
                to_attr="typed_labels",
            )
        )
        .annotate(household_living=_living_members_count())
    )


def resident_list(*, user, filters: ResidentFilter, action: str = REGISTRY_VIEW):
    """Residents the user may see, filtered, with what list pages and exports show."""
    return _with_display_data(filters.apply(residents_visible(user=user, action=action))).order_by(
        *RESIDENT_ORDER
    )


def resident_pages(*, user, filters: ResidentFilter, action: str = REGISTRY_VIEW) -> KeyedRows:
    """The same list, to show a page at a time: pages are picked on the residents
    table alone, and only the rows of a page are loaded with their display data."""
    keys = filters.apply(residents_visible(user=user, action=action)).order_by(*RESIDENT_ORDER)
    return KeyedRows(
        keys.values_list("pk", flat=True),
        lambda pks: _with_display_data(Resident.objects.filter(pk__in=pks)).only(*LIST_FIELDS),
    )


# What list pages and the API list show of a resident (loading less costs less: a page
# of 50 builds some 250 model instances).
LIST_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "status",
    "residence_type",
    "relation",
    "political_status",
    "household__house__unit",
    "household__house__number",
    "household__house__building__name",
    "household__house__building__address",
    "grid__code",
    "grid__name",
)


def resident_get(*, user, pk: int, action: str = REGISTRY_VIEW) -> Resident:
    return resident_list(user=user, filters=ResidentFilter(status=None), action=action).get(pk=pk)


def labels_of(resident: Resident) -> list[str]:
    """Every label of a resident: typed ones and those derived from the data.

    Needs `typed_labels` prefetched and `household_living` annotated (resident_list does).
    """
    codes = []
    living = resident.status == ResidentStatus.LIVING
    if resident.birth_date <= years_ago(ELDERLY_AGE):
        codes.append(ELDERLY)
        if living and getattr(resident, "household_living", 0) == 1:
            codes.append(ELDERLY_ALONE)
    if resident.political_status in (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY):
        codes.append(PARTY_MEMBER)
    derived = [DERIVED_NAMES[code] for code in codes]
    return derived + [link.label.name for link in resident.typed_labels]


def households_visible(*, user, action: str = REGISTRY_VIEW) -> QuerySet[Household]:
    return Household.objects.visible_to(user, action)


def household_list(*, user, filters: HouseholdFilter):
    found = filters.apply(households_visible(user=user))
    if filters.stale_days:
        # Never verified first: explicitly, as PostgreSQL sorts NULLs last (SQLite first).
        order = [F("verified_at").asc(nulls_first=True), "pk"]
    else:
        order = ["house__building__name", "house__unit", "house__number", "pk"]
    return (
        found.select_related("house__building", "head", "grid")
        .annotate(living=Count("members", filter=Q(members__status=ResidentStatus.LIVING)))
        .order_by(*order)
    )


def houses_of_building(*, user, building: Building, action: str = REGISTRY_VIEW):
    return (
        House.objects.visible_to(user, action)
        .filter(building=building)
        .order_by("unit", "floor", "number")
    )


def households_of_building(*, user, building: Building, action: str = REGISTRY_VIEW):
    """The building's current households, with house and head (for choosing one)."""
    return (
        households_visible(user=user, action=action)
        .filter(house__building=building, dissolved_at__isnull=True)
        .select_related("house", "head")
        .order_by("house__unit", "house__number", "pk")
    )


def household_detail_queryset(*, user) -> QuerySet[Household]:
    """Households with their house, head and every member (living first)."""
    return (
        households_visible(user=user)
        .select_related("house__building", "grid__parent", "head")
        .prefetch_related(
            Prefetch(
                "members", queryset=_with_display_data(Resident.objects.order_by("status", "pk"))
            )
        )
    )


def buildings_visible(*, user, action: str = REGISTRY_VIEW) -> QuerySet[Building]:
    return Building.objects.visible_to(user, action)


def building_list(*, user, filters: BuildingFilter):
    return (
        filters.apply(buildings_visible(user=user))
        .select_related("grid")
        .annotate(house_count=Count("houses"))
        .order_by("grid__path", "name")
    )


def building_detail_queryset(*, user) -> QuerySet[Building]:
    """Buildings with their houses, each with its households and living count."""
    houses = (
        House.objects.order_by("unit", "floor", "number")
        .annotate(
            living=Count(
                "households__members", filter=Q(households__members__status=ResidentStatus.LIVING)
            )
        )
        .prefetch_related(
            Prefetch("households", queryset=Household.objects.filter(dissolved_at__isnull=True))
        )
    )
    return (
        buildings_visible(user=user)
        .select_related("grid__parent")
        .prefetch_related(Prefetch("houses", queryset=houses))
    )


def organisations_visible(*, user, action: str = REGISTRY_VIEW) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user, action).select_related("grid")


def organisation_list(*, user, filters: OrganisationFilter) -> QuerySet[Organisation]:
    return filters.apply(organisations_visible(user=user)).order_by("name", "pk")


def organisations_in(*, user, building: Building) -> QuerySet[Organisation]:
    """Organisations occupying the building or one of its houses."""
    return (
        organisations_visible(user=user)
        .filter(Q(buildings=building) | Q(houses__building=building))
        .distinct()
        .order_by("name", "pk")
    )


def history_of(*, user, record) -> QuerySet[RecordChange]:
    return (
        RecordChange.objects.visible_to(user)
        .filter(object_type=record._meta.model_name, object_id=record.pk)
        .select_related("actor")
    )


def buildings_at_addresses(addresses: Iterable[str]) -> dict[str, Building]:
    """The building each address names, by address: the one whose address the given
    one starts with, spaces aside (the longest such address: "丝绸路12号 3单元" finds
    "丝绸路12号"); addresses of no building are left out. How a report given by
    address alone is placed, and where it is shown. Building addresses are public,
    so this is not scoped."""
    wanted = {address: "".join(address.split())[:200] for address in set(addresses)}
    prefixes = sorted({text[:n] for text in wanted.values() for n in range(2, len(text) + 1)})
    known: dict[str, Building] = {}
    for chunk in batched(prefixes, 500):  # within every database's limit of parameters
        for building in (
            Building.objects.filter(address__in=chunk).select_related("grid").order_by("pk")
        ):
            known.setdefault(building.address, building)
    found = {}
    for address, text in wanted.items():
        longest = next((text[:n] for n in range(len(text), 1, -1) if text[:n] in known), None)
        if longest is not None:
            found[address] = known[longest]
    return found


def organisations_to_act_for(*, user) -> QuerySet[Organisation]:
    """Departments, property companies and service providers (social organisations,
    enterprises, clinics) the user sees in the registry: whom a person holding a role
    may act for."""
    return (
        organisations_visible(user=user)
        .filter(kind__in=ACTING_KINDS)
        .select_related("grid")
        .order_by("kind", "name")
    )


def acting_for(organisation: Organisation) -> QuerySet[RoleGrant]:
    """The active role grants whose holders act for `organisation` (for
    `accounts.selectors.people_who_may(…, among=…)`)."""
    return RoleGrant.objects.active().filter(affiliation__organisation=organisation)


def affiliations_of(*, user, person) -> list[RoleGrant]:
    """`person`'s active roles that `user` sees, each with the organisation it acts for
    (`grant.affiliation`, or none)."""
    return list(
        grants_visible(user=user)
        .filter(user=person, revoked_at__isnull=True)
        .select_related("affiliation__organisation")
        .order_by("region__path", "role")
    )


def affiliations_visible(*, user) -> QuerySet[Affiliation]:
    return Affiliation.objects.visible_to(user).select_related(
        "grant__user", "grant__region", "organisation"
    )


# The households to verify: not verified for this many days (unless asked otherwise).
STALE_DAYS = 90

# An import waits for its uploader (errors to read) or for the worker.
WAITING_IMPORTS = (
    LedgerImportStatus.QUEUED,
    LedgerImportStatus.VALIDATING,
    LedgerImportStatus.HAS_ERRORS,
    LedgerImportStatus.SAVE_QUEUED,
    LedgerImportStatus.SAVING,
)


def ledger_imports(*, user, waiting: bool = False) -> QuerySet[LedgerImport]:
    """The user's own ledger imports, newest first (`waiting`: only those not finished)."""
    found = LedgerImport.objects.of_user(user).defer("errors")
    if waiting:
        found = found.filter(status__in=WAITING_IMPORTS)
    return found
