"""The care API: elders in the caller's regions (list, detail, patch), their
emergency contacts, and the audited reveal of health data. Elders outside the
caller's regions are 404."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.care import selectors, services
from linli.care.filters import ElderFilter
from linli.care.models import EmergencyContact
from linli.care.permissions import ELDER_MANAGE, ELDER_REVEAL_HEALTH, ELDER_VIEW
from linli.care.schemas import (
    ContactIn,
    ContactOut,
    ElderDetailOut,
    ElderOut,
    ElderPatch,
    HealthRevealIn,
    HealthRevealOut,
)
from linli.core.access import requires
from linli.core.routers import Router
from linli.registry.models import Resident

router = Router(tags=["care"])


def _elder(request: HttpRequest, resident_id: int, action: str = ELDER_VIEW) -> Resident:
    return get_object_or_404(
        selectors.elders_visible(user=request.user, action=action), pk=resident_id
    )


def _detail(resident: Resident) -> Resident:
    """The elder with what the detail shows attached (a fresh profile, if any)."""
    resident = Resident.objects.select_related(
        "grid", "household__house__building", "care_profile"
    ).get(pk=resident.pk)
    resident.contacts = list(selectors.contacts_of(resident))  # type: ignore[attr-defined]
    resident.devices = list(selectors.devices_at_home(resident))  # type: ignore[attr-defined]
    return resident


@router.get(
    "/care/elders", response=list[ElderOut], operation_id="elder_list", url_name="elder-list"
)
@requires(ELDER_VIEW)
@paginate
def elder_list(request: HttpRequest, filters: Query[ElderFilter]) -> QuerySet[Resident]:
    """Residents aged 60 or over in the caller's regions, with their living situation."""
    return selectors.elder_list(user=request.user, filters=filters)


@router.get(
    "/care/elders/{resident_id}",
    response=ElderDetailOut,
    operation_id="elder_get",
    url_name="elder-detail",
)
@requires(ELDER_VIEW)
def elder_get(request: HttpRequest, resident_id: int) -> Resident:
    """An elder's profile: health data and phones masked."""
    return _detail(_elder(request, resident_id))


@router.patch(
    "/care/elders/{resident_id}",
    response=ElderDetailOut,
    operation_id="elder_update",
    url_name="elder-update",
)
@requires(ELDER_MANAGE)
def elder_update(request: HttpRequest, resident_id: int, payload: ElderPatch) -> Resident:
    """Change the living situation, conditions or allergies (fields left out: unchanged;
    an empty living situation: not recorded)."""
    resident = _elder(request, resident_id, ELDER_MANAGE)
    data = payload.dict(exclude_unset=True)
    if "living_situation" in data and data["living_situation"] is None:
        data["living_situation"] = ""
    services.elder_update(resident=resident, by=request.user, **data)
    return _detail(resident)


@router.post(
    "/care/elders/{resident_id}/reveal",
    response=HealthRevealOut,
    operation_id="elder_reveal",
    url_name="elder-reveal",
)
@requires(ELDER_REVEAL_HEALTH)
def elder_reveal(request: HttpRequest, resident_id: int, payload: HealthRevealIn) -> dict[str, str]:
    """The full conditions or allergies, with a stated reason; every reveal is audited."""
    resident = _elder(request, resident_id, ELDER_REVEAL_HEALTH)
    value = services.health_reveal(
        resident=resident,
        field=payload.field,
        reason=payload.reason,
        by=request.user,
        request=request,
    )
    return {"field": payload.field, "value": value}


@router.get(
    "/care/elders/{resident_id}/contacts",
    response=list[ContactOut],
    operation_id="elder_contact_list",
    url_name="elder-contact-list",
)
@requires(ELDER_VIEW)
def contact_list(request: HttpRequest, resident_id: int) -> QuerySet[EmergencyContact]:
    """The elder's emergency contacts, phones masked."""
    return selectors.contacts_of(_elder(request, resident_id))


@router.post(
    "/care/elders/{resident_id}/contacts",
    response={201: ContactOut},
    operation_id="elder_contact_add",
    url_name="elder-contact-add",
)
@requires(ELDER_MANAGE)
def contact_add(
    request: HttpRequest, resident_id: int, payload: ContactIn
) -> Status[EmergencyContact]:
    resident = _elder(request, resident_id, ELDER_MANAGE)
    return Status(
        201,
        services.contact_add(
            resident=resident,
            name=payload.name,
            relation=payload.relation,
            phone=payload.phone,
            by=request.user,
        ),
    )


@router.delete(
    "/care/contacts/{contact_id}",
    response={204: None},
    operation_id="elder_contact_remove",
    url_name="elder-contact-remove",
)
@requires(ELDER_MANAGE)
def contact_remove(request: HttpRequest, contact_id: int) -> Status[None]:
    contact = get_object_or_404(
        EmergencyContact.objects.visible_to(request.user, ELDER_MANAGE).select_related(
            "profile__resident__grid"
        ),
        pk=contact_id,
    )
    services.contact_remove(contact=contact, by=request.user)
    return Status(204, None)
