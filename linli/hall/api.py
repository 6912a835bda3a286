"""The hall's API: the catalogue, the staff's applications and their steps (the
front desk's and the back office's), a resident's own applications. Applications
outside the caller's regions are 404."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires, signed_in
from linli.core.problems import Problem
from linli.core.routers import Router
from linli.hall import selectors, services
from linli.hall.choices import ApplicationChannel
from linli.hall.filters import ApplicationFilter, MatterFilter
from linli.hall.models import Application, ApplicationStep, Matter
from linli.hall.permissions import APPLICATION_ACCEPT, APPLICATION_HANDLE, APPLICATION_VIEW
from linli.hall.schemas import (
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationNoteIn,
    ApplicationOut,
    DecideIn,
    DeliverIn,
    MatterDetailOut,
    MatterOut,
    MissingIn,
    RefuseIn,
)
from linli.regions.choices import Level
from linli.regions.models import Region

router = Router(tags=["hall"])


@router.get(
    "/hall/matters", response=list[MatterOut], operation_id="matter_list", url_name="matter-list"
)
@signed_in
@paginate
def matter_list(request: HttpRequest, filters: Query[MatterFilter]) -> QuerySet[Matter]:
    """The published catalogue of service matters (the same as the public pages)."""
    return filters.apply(selectors.matters_published())


@router.get(
    "/hall/matters/{code}",
    response=MatterDetailOut,
    operation_id="matter_get",
    url_name="matter-detail",
)
@signed_in
def matter_get(request: HttpRequest, code: str) -> Matter:
    """A matter's guide: conditions, materials, form fields, steps."""
    matter = get_object_or_404(selectors.matters_published(), code=code)
    extra: dict[str, Any] = {
        "material_list": list(matter.materials.all()),
        "field_list": list(matter.fields.all()),
        "step_list": list(matter.steps.all()),
    }
    matter.__dict__.update(extra)
    return matter


def _application(
    request: HttpRequest, application_id: int, action: str = APPLICATION_VIEW
) -> Application:
    return get_object_or_404(
        selectors.applications_visible(user=request.user, action=action), pk=application_id
    )


@router.get(
    "/hall/applications",
    response=list[ApplicationOut],
    operation_id="application_list",
    url_name="application-list",
)
@requires(APPLICATION_VIEW)
@paginate
def application_list(
    request: HttpRequest, filters: Query[ApplicationFilter]
) -> QuerySet[Application]:
    """Applications of the caller's regions (by the applicant's community, or the desk
    that took a 全区通办 one in), newest first."""
    return filters.apply(selectors.applications_visible(user=request.user), user=request.user)


@router.post(
    "/hall/applications",
    response={201: ApplicationDetailOut},
    operation_id="application_create",
    url_name="application-create",
)
@requires(APPLICATION_ACCEPT)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[Application]:
    """Take in an application at a front desk, on the applicant's behalf (originals
    seen at the desk; scans are added with `…/materials/{material_id}`). The same `request_key` sent
    again answers the application made the first time."""
    user = signed_in_user(request)
    matter = Matter.objects.published().filter(code=payload.matter).first()
    if matter is None:
        raise ValidationError({"matter": _("Unknown matter %(code)s.") % {"code": payload.matter}})
    desk = get_object_or_404(
        Region.objects.visible_to(user, APPLICATION_ACCEPT).filter(level=Level.COMMUNITY),
        code=payload.desk_code,
    )
    region = desk
    if payload.region_code and payload.region_code != desk.code:
        found = Region.objects.filter(code=payload.region_code, level=Level.COMMUNITY).first()
        if found is None:
            raise ValidationError({"region_code": _("Unknown community.")})
        region = found
    certificates: dict[int, str] = {}
    for key, number in payload.certificates.items():
        if not key.isdigit():
            raise ValidationError({"certificates": _("Name materials by their ids.")})
        certificates[int(key)] = number
    application = services.application_submit(
        matter=matter,
        channel=ApplicationChannel.DESK,
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        answers=payload.answers,
        delivery_mode=payload.delivery_mode,
        express_address=payload.express_address,
        provided=services.Provided(originals=payload.originals, certificates=certificates),
        region=region,
        desk=desk,
        request_key=payload.request_key,
        by=user,
    )
    return Status(201, _with_parts(application))


@router.post(
    "/hall/applications/{application_id}/materials/{material_id}",
    response={201: ApplicationDetailOut},
    operation_id="application_files_add",
    url_name="application-files-add",
)
@requires(APPLICATION_ACCEPT)
def application_files_add(
    request: HttpRequest,
    application_id: int,
    material_id: int,
    files: File[list[UploadedFile]],
) -> Status[Application]:
    """Add a material's scans (multipart, field `files`: JPEG, PNG, WebP or PDF, judged
    by content; at most 5 a material, 20 an application) to an application taken in at
    the desk and not yet checked."""
    application = _application(request, application_id, APPLICATION_ACCEPT)
    material = get_object_or_404(application.matter.materials.all(), pk=material_id)
    services.application_files_add(
        application=application, material=material, files=files, by=signed_in_user(request)
    )
    return Status(201, _with_parts(application))


def _with_parts(application: Application) -> Application:
    extra: dict[str, Any] = {
        "step_list": list(application.steps.all()),
        "material_list": list(application.materials.select_related("material")),
        "transition_list": list(application.transitions.all()),
    }
    application.__dict__.update(extra)
    return application


@router.get(
    "/hall/applications/{application_id}",
    response=ApplicationDetailOut,
    operation_id="application_get",
    url_name="application-detail",
)
@requires(APPLICATION_VIEW)
def application_get(request: HttpRequest, application_id: int) -> Application:
    """An application with its steps, materials and history."""
    return _with_parts(_application(request, application_id))


CONFLICT = {200: ApplicationDetailOut, 409: Problem}


@router.post(
    "/hall/applications/{application_id}/accept",
    response=CONFLICT,
    operation_id="application_accept",
    url_name="application-accept",
)
@requires(APPLICATION_ACCEPT)
def application_accept(
    request: HttpRequest, application_id: int, payload: ApplicationNoteIn
) -> Application:
    """受理: every required material is there; the first stage starts (409 unless it
    awaits acceptance)."""
    application = _application(request, application_id, APPLICATION_ACCEPT)
    return _with_parts(
        services.application_accept(
            application=application, note=payload.note, by=signed_in_user(request)
        )
    )


@router.post(
    "/hall/applications/{application_id}/incomplete",
    response=CONFLICT,
    operation_id="application_incomplete",
    url_name="application-incomplete",
)
@requires(APPLICATION_ACCEPT)
def application_incomplete(
    request: HttpRequest, application_id: int, payload: MissingIn
) -> Application:
    """The one-time notice (一次性告知书): everything missing at once."""
    application = _application(request, application_id, APPLICATION_ACCEPT)
    materials = application.matter.materials.filter(pk__in=payload.materials)
    return _with_parts(
        services.application_incomplete(
            application=application,
            materials=list(materials),
            note=payload.note,
            by=signed_in_user(request),
        )
    )


@router.post(
    "/hall/applications/{application_id}/refuse",
    response=CONFLICT,
    operation_id="application_refuse",
    url_name="application-refuse",
)
@requires(APPLICATION_ACCEPT)
def application_refuse(request: HttpRequest, application_id: int, payload: RefuseIn) -> Application:
    """不予受理, with the reason the applicant is told."""
    application = _application(request, application_id, APPLICATION_ACCEPT)
    return _with_parts(
        services.application_refuse(
            application=application, reason=payload.reason, by=signed_in_user(request)
        )
    )


@router.post(
    "/hall/applications/{application_id}/steps/{step_id}/done",
    response=CONFLICT,
    operation_id="application_step_done",
    url_name="application-step-done",
)
@requires(APPLICATION_HANDLE)
def application_step_done(
    request: HttpRequest, application_id: int, step_id: int, payload: ApplicationNoteIn
) -> Application:
    """A department's step done; the next stage starts when its stage's steps all are."""
    application = _application(request, application_id, APPLICATION_HANDLE)
    step = get_object_or_404(ApplicationStep, pk=step_id, application=application)
    services.step_complete(step=step, note=payload.note, by=signed_in_user(request))
    application.refresh_from_db()
    return _with_parts(application)


@router.post(
    "/hall/applications/{application_id}/supplement-request",
    response=CONFLICT,
    operation_id="application_supplement_request",
    url_name="application-supplement-request",
)
@requires(APPLICATION_HANDLE)
def application_supplement_request(
    request: HttpRequest, application_id: int, payload: MissingIn
) -> Application:
    """Ask the applicant for more; the promise's clock stops until it comes."""
    application = _application(request, application_id, APPLICATION_HANDLE)
    materials = application.matter.materials.filter(pk__in=payload.materials)
    return _with_parts(
        services.application_request_supplement(
            application=application,
            materials=list(materials),
            note=payload.note,
            by=signed_in_user(request),
        )
    )


@router.post(
    "/hall/applications/{application_id}/decide",
    response=CONFLICT,
    operation_id="application_decide",
    url_name="application-decide",
)
@requires(APPLICATION_HANDLE)
def application_decide(request: HttpRequest, application_id: int, payload: DecideIn) -> Application:
    """Approve (then the fee, if any, is awaited) or not (with the reason)."""
    application = _application(request, application_id, APPLICATION_HANDLE)
    return _with_parts(
        services.application_decide(
            application=application,
            approved=payload.approved,
            note=payload.note,
            by=signed_in_user(request),
        )
    )


@router.post(
    "/hall/applications/{application_id}/deliver",
    response=CONFLICT,
    operation_id="application_deliver",
    url_name="application-deliver",
)
@requires(APPLICATION_HANDLE)
def application_deliver(
    request: HttpRequest, application_id: int, payload: DeliverIn
) -> Application:
    """送达: against the pickup code, with the express tracking number, or the
    electronic certificate's number — by the application's delivery mode."""
    application = _application(request, application_id, APPLICATION_HANDLE)
    return _with_parts(
        services.application_deliver(
            application=application,
            pickup_code=payload.pickup_code,
            tracking_number=payload.tracking_number,
            by=signed_in_user(request),
        )
    )


@router.get(
    "/hall/mine",
    response=list[ApplicationOut],
    operation_id="my_application_list",
    url_name="my-application-list",
)
@signed_in
@paginate
def my_application_list(request: HttpRequest) -> QuerySet[Application]:
    """The caller's own applications (made online with their account)."""
    return selectors.applications_of(user=signed_in_user(request))
