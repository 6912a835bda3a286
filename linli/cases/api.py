from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.cases import origins, selectors, services
from linli.cases.filters import CaseFilter
from linli.cases.models import Case, Category
from linli.cases.permissions import (
    CASE_ACCEPT,
    CASE_DISPATCH,
    CASE_HANDLE,
    CASE_REPORT,
    CASE_VERIFY,
    CASE_VIEW,
)
from linli.cases.photos import FORMATS, photo_served
from linli.cases.schemas import (
    CaseDetailOut,
    CaseIn,
    CaseMergeIn,
    CaseOut,
    CategoryOut,
    DispatchIn,
    FinishIn,
    NoteIn,
    PhotoOut,
    RateIn,
    SimilarOut,
    SimilarQuery,
    StepIn,
)
from linli.core.access import requires, signed_in
from linli.core.problems import Problem
from linli.core.routers import Router
from linli.regions.models import Region

router = Router(tags=["cases"])
MAX_KEY = 64


def _case(request: HttpRequest, case_id: int):
    return get_object_or_404(selectors.case_detail_queryset(user=request.user), pk=case_id)


@router.get(
    "/categories",
    response=list[CategoryOut],
    operation_id="case_category_list",
    url_name="case-category-list",
)
@requires(CASE_REPORT)
def category_list(request: HttpRequest):
    """The category tree (top categories have no parent); cases take the lowest level."""
    return list(selectors.categories())


@router.get(
    "/cases/similar",
    response=list[SimilarOut],
    operation_id="case_similar",
    url_name="case-similar",
)
@requires(CASE_REPORT)
def case_similar(request: HttpRequest, near: Query[SimilarQuery]):
    """While reporting: open cases of the same category within about 200 m reported in
    the last 30 days, to "+1" one of them instead of filing a duplicate."""
    return list(
        selectors.similar_open_cases(
            category=get_object_or_404(Category, code=near.category),
            longitude=near.longitude,
            latitude=near.latitude,
        )
    )


@router.get("/cases", response=list[CaseOut], operation_id="case_list", url_name="case-list")
@requires(CASE_VIEW)
@paginate
def case_list(request: HttpRequest, filters: Query[CaseFilter]):
    """Cases in the caller's regions, newest first."""
    return selectors.case_list(user=request.user, filters=filters)


@router.post(
    "/cases",
    response={201: CaseDetailOut, 409: Problem},
    operation_id="case_report",
    url_name="case-report",
)
@requires(CASE_REPORT)
def case_report(request: HttpRequest, payload: CaseIn):
    """Report a case. Give a point (longitude/latitude) or a region code and an address;
    the reporter's phone is stored encrypted and shown masked. With an
    `Idempotency-Key` header, sending the same request again returns the case made
    the first time instead of a second one."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        raise ValidationError({"Idempotency-Key": _("At most %(n)s characters.") % {"n": MAX_KEY}})
    category = get_object_or_404(Category, code=payload.category)
    region = (
        get_object_or_404(
            Region.objects.visible_to(request.user, CASE_REPORT), code=payload.region_code
        )
        if payload.region_code
        else None
    )
    origin = None
    if payload.origin_type or payload.origin_id:
        origin = origins.visible(request.user, payload.origin_type, payload.origin_id)
        if origin is None:
            raise ValidationError({"origin_id": _("Unknown origin.")})
    case = services.case_report(
        category=category,
        region=region,
        by=request.user,
        request_key=key,
        origin=origin,
        **payload.dict(exclude={"category", "region_code", "origin_type", "origin_id"}),
    )
    return Status(201, _case(request, case.pk))


@router.post(
    "/cases/{case_id}/photos",
    response={201: PhotoOut, 409: Problem},
    operation_id="case_photo_add",
    url_name="case-photo-add",
)
@signed_in
def case_photo_add(request: HttpRequest, case_id: int, photo: File[UploadedFile]):
    """Add a photo (multipart field `photo`: JPEG, PNG or WebP, at most
    `LINLI_PHOTO_MAX_MB`, 40 megapixels; 9 a case) to a case not yet closed: its
    reporter, its handler, or staff who may report, handle or verify there. It is
    stored re-encoded without metadata; the camera's location is kept as data."""
    case = _case(request, case_id)
    return Status(201, services.case_photo_add(case=case, upload=photo, by=request.user))


@router.get(
    "/cases/{case_id}/photos/{photo_id}",
    response={200: None},
    operation_id="case_photo_get",
    url_name="case-photo",
    openapi_extra={
        "responses": {
            200: {
                "description": "The photo.",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in FORMATS.values()
                },
            }
        }
    },
)
@signed_in
def case_photo_get(request: HttpRequest, case_id: int, photo_id: int):
    """A photo of a case the caller may see (404 otherwise)."""
    return photo_served(
        selectors.photo_visible(user=request.user, case_pk=case_id, photo_pk=photo_id)
    )


@router.get(
    "/cases/{case_id}", response=CaseDetailOut, operation_id="case_get", url_name="case-detail"
)
@signed_in
def case_get(request: HttpRequest, case_id: int):
    """A case with its timeline: for staff whose regions hold it, and for whoever
    reported it (404 for anyone else)."""
    return _case(request, case_id)


def _step(name: str, action: str, schema, doc: str, *, lookup: str | None = None):
    """A route for one stage change: POST /cases/{id}/<name>, for those with `action`;
    the case is looked up among those visible for `lookup` (default: `action`)."""

    @router.post(
        f"/cases/{{case_id}}/{name}",
        response={200: CaseDetailOut, 409: Problem},
        operation_id=f"case_{name}",
        url_name=f"case-{name}",
        summary=doc,
    )
    @requires(action)
    def step(request: HttpRequest, case_id: int, payload: schema):
        case = get_object_or_404(
            selectors.cases_visible(user=request.user, action=lookup or action), pk=case_id
        )
        data = payload.dict()
        if "assignee" in data:  # only among those who may handle cases there
            username = data.pop("assignee")
            data["to"] = selectors.handlers_for(case.region).filter(username=username).first()
            if data["to"] is None:
                raise ValidationError(
                    {"assignee": _("%(name)s cannot handle cases here.") % {"name": username}}
                )
        if "into" in data:  # the case it repeats, among those the caller sees
            code = data.pop("into").strip().upper()
            data["into"] = selectors.cases_visible(user=request.user).filter(code=code).first()
            if data["into"] is None:
                raise ValidationError(
                    {"into": _("No case %(code)s in your regions.") % {"code": code}}
                )
        getattr(services, f"case_{name}")(case=case, by=request.user, **data)
        return _case(request, case_id)

    return step


case_accept = _step("accept", CASE_ACCEPT, StepIn, "Accept (立案) a reported case")
case_reject = _step("reject", CASE_ACCEPT, NoteIn, "Reject a reported case, with the reason")
case_merge = _step(
    "merge", CASE_ACCEPT, CaseMergeIn, "Merge a reported case into the open case it repeats"
)
case_dispatch = _step("dispatch", CASE_DISPATCH, DispatchIn, "Dispatch (派遣) or reassign")
case_start = _step("start", CASE_HANDLE, StepIn, "The assignee takes the case in hand")
case_finish = _step(
    "finish",
    CASE_HANDLE,
    FinishIn,
    "The assignee reports what was done, and what the reporter is told",
)
case_close = _step("close", CASE_VERIFY, StepIn, "Verify the work and close (结案)")
case_return = _step("return", CASE_VERIFY, NoteIn, "Return for rework, saying what is left")
# The reporter, or staff on their behalf (a hotline call-back).
case_reopen = _step(
    "reopen", CASE_REPORT, NoteIn, "Reopen a closed case within the window", lookup=CASE_VIEW
)


@router.post(
    "/cases/{case_id}/support",
    response={200: SimilarOut, 409: Problem},
    operation_id="case_support",
    url_name="case-support",
)
@requires(CASE_REPORT)
def case_support(request: HttpRequest, case_id: int):
    """+1 an open public case (found through /cases/similar): once per person."""
    case = get_object_or_404(Case.objects.public().select_related("category"), pk=case_id)
    return services.case_support(case=case, by=request.user)


case_rate = _step(
    "rate", CASE_REPORT, RateIn, "Record the reporter's rating (1–5)", lookup=CASE_VIEW
)
