from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.permissions import USER_MANAGE
from linli.accounts.selectors import grants_visible
from linli.core.access import requires
from linli.core.routers import Router
from linli.core.schemas import Id
from linli.core.xlsx import xlsx_openapi
from linli.exports.api import export_answer
from linli.exports.schemas import ExportOut
from linli.exports.services import export_start
from linli.regions.models import Region
from linli.registry import selectors, services
from linli.registry.exports import RESIDENTS
from linli.registry.filters import (
    PLAIN_NUMBERS,
    BuildingFilter,
    HouseholdFilter,
    OrganisationFilter,
    ResidentFilter,
    ResidentSearch,
)
from linli.registry.models import Building, House, Label
from linli.registry.permissions import (
    REGISTRY_EDIT,
    REGISTRY_EXPORT,
    REGISTRY_REVEAL_PII,
    REGISTRY_VIEW,
)
from linli.registry.schemas import (
    AffiliationIn,
    AffiliationOut,
    BuildingIn,
    BuildingOut,
    ChangeOut,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdMergeIn,
    HouseholdOut,
    HouseIn,
    HouseOut,
    LabelOut,
    LabelsIn,
    LeaveIn,
    MoveIn,
    OrganisationIn,
    OrganisationOut,
    ResidentDetailOut,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    RevealIn,
    RevealOut,
    SplitIn,
)

router = Router(tags=["registry"])


def _resident(request, pk: int, action: str = REGISTRY_VIEW):
    return get_object_or_404(
        selectors.resident_list(
            user=request.user, filters=ResidentFilter(status=None), action=action
        ),
        pk=pk,
    )


def _household(request, pk: int, action: str = REGISTRY_VIEW):
    return get_object_or_404(
        selectors.households_visible(user=request.user, action=action),
        pk=pk,
        dissolved_at__isnull=True,
    )


def _grid(request, code: str, action: str = REGISTRY_EDIT) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user, action), code=code)


# --- residents ---


def _no_numbers_in_url(request: HttpRequest) -> None:
    """Plain ID and phone numbers are refused in query strings (they would end up in
    access logs and proxies): they go in the body of POST /residents/search."""
    given = [name for name in PLAIN_NUMBERS if name in request.GET]
    if given:
        message = _(
            "ID and phone numbers are not accepted in URLs: send them in the body of "
            "POST /api/v1/registry/residents/search, or give their blind indexes."
        )
        raise ValidationError(dict.fromkeys(given, message))


@router.get(
    "/residents", response=list[ResidentOut], operation_id="resident_list", url_name="resident-list"
)
@requires(REGISTRY_VIEW)
@paginate
def resident_list(request: HttpRequest, filters: Query[ResidentFilter]):
    """Residents in the caller's regions; ID and phone numbers are masked. To find
    someone by ID or phone number, use POST /residents/search."""
    _no_numbers_in_url(request)
    return selectors.resident_pages(user=request.user, filters=filters)


@router.post(
    "/residents/search",
    response=list[ResidentOut],
    operation_id="resident_search",
    url_name="resident-search",
)
@requires(REGISTRY_VIEW)
@paginate
def resident_search(request: HttpRequest, filters: ResidentSearch):
    """The residents list with the filter in the body, where exact ID and phone
    numbers may be given (found through their blind indexes); answers as the list."""
    return selectors.resident_pages(user=request.user, filters=filters)


@router.get(
    "/residents/export",
    response={200: None, 202: ExportOut},
    operation_id="resident_export",
    url_name="resident-export",
    openapi_extra=xlsx_openapi("The residents as an Excel ledger (.xlsx), numbers masked."),
)
@requires(REGISTRY_EXPORT)
def resident_export(request: HttpRequest, filters: Query[ResidentFilter]):
    """The residents list as an Excel ledger: the same filter, only residents the caller
    may export, ID and phone numbers masked; every export is audited. More than 5,000
    rows are written in the background: 202 and the export to follow
    (`/api/v1/exports/{id}`)."""
    _no_numbers_in_url(request)
    return export_answer(export_start(user=request.user, kind=RESIDENTS, filters=filters))


@router.get(
    "/residents/{resident_id}",
    response=ResidentDetailOut,
    operation_id="resident_get",
    url_name="resident-detail",
)
@requires(REGISTRY_VIEW)
def resident_get(request: HttpRequest, resident_id: int):
    return _resident(request, resident_id)


@router.post(
    "/residents/{resident_id}/reveal",
    response=RevealOut,
    operation_id="resident_reveal",
    url_name="resident-reveal",
)
@requires(REGISTRY_REVEAL_PII)
def resident_reveal(request: HttpRequest, resident_id: int, payload: RevealIn):
    """The full ID or phone number, with a stated reason; every reveal is audited."""
    value = services.resident_reveal(
        resident=_resident(request, resident_id, REGISTRY_REVEAL_PII),
        field=payload.field,
        reason=payload.reason,
        by=request.user,
        request=request,
    )
    return {"field": payload.field, "value": value}


@router.patch(
    "/residents/{resident_id}",
    response=ResidentDetailOut,
    operation_id="resident_update",
    url_name="resident-update",
)
@requires(REGISTRY_EDIT)
def resident_update(request: HttpRequest, resident_id: int, payload: ResidentPatch):
    resident = services.resident_update(
        resident=_resident(request, resident_id, REGISTRY_EDIT),
        by=request.user,
        **payload.dict(exclude_unset=True),
    )
    return _resident(request, resident.pk)


@router.post(
    "/residents/{resident_id}/move-out",
    response=ResidentDetailOut,
    operation_id="resident_move_out",
    url_name="resident-move-out",
)
@requires(REGISTRY_EDIT)
def resident_move_out(request: HttpRequest, resident_id: int, payload: LeaveIn):
    return _leave(request, resident_id, payload, services.resident_move_out)


@router.post(
    "/residents/{resident_id}/death",
    response=ResidentDetailOut,
    operation_id="resident_record_death",
    url_name="resident-death",
)
@requires(REGISTRY_EDIT)
def resident_record_death(request: HttpRequest, resident_id: int, payload: LeaveIn):
    return _leave(request, resident_id, payload, services.resident_record_death)


def _leave(request: HttpRequest, resident_id: int, payload: LeaveIn, service):
    """Move out or record a death: the record stays, with its new status and date."""
    resident = service(
        resident=_resident(request, resident_id, REGISTRY_EDIT),
        on=payload.on,
        note=payload.note,
        by=request.user,
    )
    return _resident(request, resident.pk)


@router.post(
    "/residents/{resident_id}/move",
    response=ResidentDetailOut,
    operation_id="resident_move_within",
    url_name="resident-move",
)
@requires(REGISTRY_EDIT)
def resident_move_within(request: HttpRequest, resident_id: int, payload: MoveIn):
    """Move a resident to another household in the district."""
    resident = services.resident_move_within(
        resident=_resident(request, resident_id, REGISTRY_EDIT),
        household=_household(request, payload.household_id, REGISTRY_EDIT),
        by=request.user,
    )
    return _resident(request, resident.pk)


@router.put(
    "/residents/{resident_id}/labels",
    response=ResidentDetailOut,
    operation_id="resident_set_labels",
    url_name="resident-labels",
)
@requires(REGISTRY_EDIT)
def resident_set_labels(request: HttpRequest, resident_id: int, payload: LabelsIn):
    services.resident_set_labels(
        resident=_resident(request, resident_id, REGISTRY_EDIT),
        codes=payload.codes,
        by=request.user,
    )
    return _resident(request, resident_id)


@router.get(
    "/residents/{resident_id}/history",
    response=list[ChangeOut],
    operation_id="resident_history",
    url_name="resident-history",
)
@requires(REGISTRY_VIEW)
@paginate
def resident_history(request: HttpRequest, resident_id: int):
    return selectors.history_of(user=request.user, record=_resident(request, resident_id))


@router.get("/labels", response=list[LabelOut], operation_id="label_list", url_name="label-list")
@requires(REGISTRY_VIEW)
@paginate
def label_list(request: HttpRequest):
    return Label.objects.all()


# --- households ---


@router.get(
    "/households",
    response=list[HouseholdOut],
    operation_id="household_list",
    url_name="household-list",
)
@requires(REGISTRY_VIEW)
@paginate
def household_list(request: HttpRequest, filters: Query[HouseholdFilter]):
    """Households; `stale_days` lists those not verified for that long (oldest first)."""
    return selectors.household_list(user=request.user, filters=filters)


@router.get(
    "/households/{household_id}",
    response=HouseholdDetailOut,
    operation_id="household_get",
    url_name="household-detail",
)
@requires(REGISTRY_VIEW)
def household_get(request: HttpRequest, household_id: int):
    return get_object_or_404(
        selectors.household_detail_queryset(user=request.user), pk=household_id
    )


@router.post(
    "/houses/{house_id}/households",
    response={201: HouseholdOut},
    operation_id="household_create",
    url_name="household-create",
)
@requires(REGISTRY_EDIT)
def household_create(request: HttpRequest, house_id: int, payload: HouseholdIn):
    house = get_object_or_404(House.objects.visible_to(request.user, REGISTRY_EDIT), pk=house_id)
    household = services.household_create(house=house, by=request.user, **payload.dict())
    return Status(
        201,
        selectors.household_list(user=request.user, filters=HouseholdFilter()).get(pk=household.pk),
    )


@router.post(
    "/households/{household_id}/residents",
    response={201: ResidentDetailOut},
    operation_id="resident_move_in",
    url_name="resident-move-in",
)
@requires(REGISTRY_EDIT)
def resident_move_in(request: HttpRequest, household_id: int, payload: ResidentIn):
    """Register a person in a household (birth, newcomer, new registration)."""
    fields = payload.dict(exclude_none=True)
    resident = services.resident_move_in(
        household=_household(request, household_id, REGISTRY_EDIT), by=request.user, **fields
    )
    return Status(201, _resident(request, resident.pk))


@router.post(
    "/households/{household_id}/verify",
    response=HouseholdOut,
    operation_id="household_verify",
    url_name="household-verify",
)
@requires(REGISTRY_EDIT)
def household_verify(request: HttpRequest, household_id: int):
    """Confirm that a household's data is current."""
    household = services.household_verify(
        household=_household(request, household_id, REGISTRY_EDIT), by=request.user
    )
    return selectors.household_list(user=request.user, filters=HouseholdFilter()).get(
        pk=household.pk
    )


@router.post(
    "/households/{household_id}/split",
    response={201: HouseholdDetailOut},
    operation_id="household_split",
    url_name="household-split",
)
@requires(REGISTRY_EDIT)
def household_split(request: HttpRequest, household_id: int, payload: SplitIn):
    house = get_object_or_404(
        House.objects.visible_to(request.user, REGISTRY_EDIT), pk=payload.house_id
    )
    new = services.household_split(
        household=_household(request, household_id, REGISTRY_EDIT),
        member_ids=payload.member_ids,
        head_id=payload.head_id,
        house=house,
        by=request.user,
    )
    return Status(201, selectors.household_detail_queryset(user=request.user).get(pk=new.pk))


@router.post(
    "/households/{household_id}/merge",
    response=HouseholdDetailOut,
    operation_id="household_merge",
    url_name="household-merge",
)
@requires(REGISTRY_EDIT)
def household_merge(request: HttpRequest, household_id: int, payload: HouseholdMergeIn):
    """Move everyone in this household into another one, and dissolve this one."""
    target = services.household_merge(
        source=_household(request, household_id, REGISTRY_EDIT),
        target=_household(request, payload.into_household_id, REGISTRY_EDIT),
        by=request.user,
    )
    return selectors.household_detail_queryset(user=request.user).get(pk=target.pk)


# --- buildings, houses, organisations ---


@router.get(
    "/buildings", response=list[BuildingOut], operation_id="building_list", url_name="building-list"
)
@requires(REGISTRY_VIEW)
@paginate
def building_list(request: HttpRequest, filters: Query[BuildingFilter]):
    """Buildings in the caller's regions, by grid and name."""
    return selectors.building_list(user=request.user, filters=filters)


@router.post(
    "/buildings",
    response={201: BuildingOut},
    operation_id="building_create",
    url_name="building-create",
)
@requires(REGISTRY_EDIT)
def building_create(request: HttpRequest, payload: BuildingIn):
    fields = payload.dict()
    grid = _grid(request, fields.pop("grid_code"))
    return Status(201, services.building_create(grid=grid, by=request.user, **fields))


@router.get(
    "/buildings/{building_id}/houses",
    response=list[HouseOut],
    operation_id="house_list",
    url_name="house-list",
)
@requires(REGISTRY_VIEW)
@paginate
def house_list(request: HttpRequest, building_id: int):
    building = get_object_or_404(selectors.buildings_visible(user=request.user), pk=building_id)
    return building.houses.order_by("unit", "floor", "number")


@router.post(
    "/buildings/{building_id}/houses",
    response={201: HouseOut},
    operation_id="house_create",
    url_name="house-create",
)
@requires(REGISTRY_EDIT)
def house_create(request: HttpRequest, building_id: int, payload: HouseIn):
    building = get_object_or_404(
        Building.objects.visible_to(request.user, REGISTRY_EDIT), pk=building_id
    )
    return Status(201, services.house_create(building=building, by=request.user, **payload.dict()))


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    operation_id="organisation_list",
    url_name="organisation-list",
)
@requires(REGISTRY_VIEW)
@paginate
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilter]):
    """Organisations in the caller's regions, by name."""
    return selectors.organisation_list(user=request.user, filters=filters)


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    operation_id="organisation_create",
    url_name="organisation-create",
)
@requires(REGISTRY_EDIT)
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    fields = payload.dict()
    grid = _grid(request, fields.pop("grid_code"))
    return Status(201, services.organisation_create(grid=grid, by=request.user, **fields))


@router.get(
    "/affiliations",
    response=list[AffiliationOut],
    operation_id="affiliation_list",
    url_name="affiliation-list",
)
@requires(REGISTRY_VIEW)
@paginate
def affiliation_list(request: HttpRequest, organisation: Id | None = None):
    """Who acts for the organisations the caller sees (optionally one of them)."""
    found = selectors.affiliations_visible(user=request.user).order_by("organisation", "pk")
    return found.filter(organisation=organisation) if organisation else found


def _active_grant(request: HttpRequest, grant_id: int):
    return get_object_or_404(
        grants_visible(user=request.user, action=USER_MANAGE).filter(revoked_at__isnull=True),
        pk=grant_id,
    )


@router.put(
    "/affiliations/{grant_id}",
    response=AffiliationOut,
    operation_id="affiliation_set",
    url_name="affiliation-set",
)
@requires(USER_MANAGE)
def affiliation_set(request: HttpRequest, grant_id: int, payload: AffiliationIn):
    """The holder of the role grant acts for the organisation (a department or a
    property company): routing rules to the organisation reach them."""
    grant = _active_grant(request, grant_id)
    organisation = get_object_or_404(
        selectors.organisations_to_act_for(user=request.user), pk=payload.organisation
    )
    return services.affiliation_set(grant=grant, organisation=organisation, by=request.user)


@router.delete(
    "/affiliations/{grant_id}",
    response={204: None},
    operation_id="affiliation_remove",
    url_name="affiliation-remove",
)
@requires(USER_MANAGE)
def affiliation_remove(request: HttpRequest, grant_id: int):
    services.affiliation_remove(grant=_active_grant(request, grant_id), by=request.user)
    return Status(204, None)
