"""The dispatch API: calls (list, detail, actions), responders, return visits, care
calls. Every object is the caller's (`visible_to`): 404 outside."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.routers import Router
from linli.dispatch import selectors, services
from linli.dispatch.filters import CallFilter
from linli.dispatch.models import Call, CareCall, Responder, ReturnVisit
from linli.dispatch.permissions import CALL_HANDLE, CALL_VIEW
from linli.dispatch.schemas import (
    CallCloseIn,
    CallContactIn,
    CallDetailOut,
    CallEscalateIn,
    CallNoteIn,
    CallOut,
    CallSendIn,
    CareCallIn,
    CareCallOut,
    ResponderDutyIn,
    ResponderIn,
    ResponderOut,
    ReturnVisitIn,
    ReturnVisitOut,
)
from linli.regions.models import Region

router = Router(tags=["dispatch"])


def _call(request: HttpRequest, call_id: int, action: str = CALL_VIEW) -> Call:
    return get_object_or_404(selectors.calls_visible(user=request.user, action=action), pk=call_id)


def _detail(call: Call) -> Call:
    call.step_list = list(selectors.call_steps(call=call))  # type: ignore[attr-defined]
    return call


@router.get(
    "/dispatch/calls", response=list[CallOut], operation_id="call_list", url_name="call-list"
)
@requires(CALL_VIEW)
@paginate
def call_list(request: HttpRequest, filters: Query[CallFilter]) -> QuerySet[Call]:
    """Calls in the caller's scope: open ones (default), newest first."""
    return selectors.call_list(user=request.user, filters=filters)


@router.get(
    "/dispatch/calls/{call_id}",
    response=CallDetailOut,
    operation_id="call_get",
    url_name="call-detail",
)
@requires(CALL_VIEW)
def call_get(request: HttpRequest, call_id: int) -> Call:
    """A call with its log."""
    return _detail(_call(request, call_id))


@router.post(
    "/dispatch/calls/{call_id}/answer",
    response=CallDetailOut,
    operation_id="call_answer",
    url_name="call-answer",
)
@requires(CALL_HANDLE)
def call_answer(request: HttpRequest, call_id: int, payload: CallNoteIn) -> Call:
    """The dispatcher takes the call (new → answered)."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(services.call_answer(call=call, note=payload.note, by=signed_in_user(request)))


@router.post(
    "/dispatch/calls/{call_id}/contact",
    response=CallDetailOut,
    operation_id="call_contact",
    url_name="call-contact",
)
@requires(CALL_HANDLE)
def call_contact(request: HttpRequest, call_id: int, payload: CallContactIn) -> Call:
    """An emergency contact reached (a step; the state stays)."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(services.call_contact(call=call, note=payload.note, by=signed_in_user(request)))


@router.post(
    "/dispatch/calls/{call_id}/send",
    response=CallDetailOut,
    operation_id="call_send",
    url_name="call-send",
)
@requires(CALL_HANDLE)
def call_send(request: HttpRequest, call_id: int, payload: CallSendIn) -> Call:
    """Send the responder named, or the nearest on duty (answered → responder sent)."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(
        services.call_send(
            call=call, responder=payload.responder, note=payload.note, by=signed_in_user(request)
        )
    )


@router.post(
    "/dispatch/calls/{call_id}/arrive",
    response=CallDetailOut,
    operation_id="call_arrive",
    url_name="call-arrive",
)
@requires(CALL_HANDLE)
def call_arrive(request: HttpRequest, call_id: int, payload: CallNoteIn) -> Call:
    """The responder is on site (responder sent → on site)."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(services.call_arrive(call=call, note=payload.note, by=signed_in_user(request)))


@router.post(
    "/dispatch/calls/{call_id}/escalate",
    response=CallDetailOut,
    operation_id="call_escalate",
    url_name="call-escalate",
)
@requires(CALL_HANDLE)
def call_escalate(request: HttpRequest, call_id: int, payload: CallEscalateIn) -> Call:
    """Handed to 120 or 110 (a recorded step)."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(
        services.call_escalate(
            call=call, to=payload.to, note=payload.note, by=signed_in_user(request)
        )
    )


@router.post(
    "/dispatch/calls/{call_id}/close",
    response=CallDetailOut,
    operation_id="call_close",
    url_name="call-close",
)
@requires(CALL_HANDLE)
def call_close(request: HttpRequest, call_id: int, payload: CallCloseIn) -> Call:
    """Closed with its outcome; a return visit falls due the next day."""
    call = _call(request, call_id, CALL_HANDLE)
    return _detail(
        services.call_close(
            call=call, outcome=payload.outcome, note=payload.note, by=signed_in_user(request)
        )
    )


@router.get(
    "/dispatch/responders",
    response=list[ResponderOut],
    operation_id="responder_list",
    url_name="responder-list",
)
@requires(CALL_VIEW)
@paginate
def responder_list(request: HttpRequest) -> QuerySet[Responder]:
    return selectors.responders_visible(user=request.user)


@router.post(
    "/dispatch/responders",
    response={201: ResponderOut},
    operation_id="responder_create",
    url_name="responder-create",
)
@requires(CALL_HANDLE)
def responder_create(request: HttpRequest, payload: ResponderIn) -> Status[Responder]:
    """A grid worker or a provider's care worker joins the responders of a region."""
    region = (
        Region.objects.visible_to(request.user, CALL_HANDLE)
        .filter(code=payload.region_code)
        .first()
    )
    if region is None:
        raise ValidationError({"region_code": _("Unknown region.")})
    user: Any = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": _("Unknown person.")})
    responder = services.responder_register(
        user=user, region=region, kind=payload.kind, by=signed_in_user(request)
    )
    return Status(201, responder)


@router.post(
    "/dispatch/responders/{responder_id}/duty",
    response=ResponderOut,
    operation_id="responder_duty",
    url_name="responder-duty",
)
@requires(CALL_HANDLE)
def responder_duty(request: HttpRequest, responder_id: int, payload: ResponderDutyIn) -> Responder:
    """On or off duty, and the position now."""
    responder = get_object_or_404(
        selectors.responders_visible(user=request.user, action=CALL_HANDLE), pk=responder_id
    )
    return services.responder_update(
        responder=responder,
        on_duty=payload.on_duty,
        longitude=payload.longitude,
        latitude=payload.latitude,
        by=signed_in_user(request),
    )


@router.get(
    "/dispatch/return-visits",
    response=list[ReturnVisitOut],
    operation_id="return_visit_list",
    url_name="return-visit-list",
)
@requires(CALL_VIEW)
@paginate
def return_visit_list(request: HttpRequest) -> QuerySet[ReturnVisit]:
    return selectors.return_visits_visible(user=request.user)


@router.post(
    "/dispatch/return-visits/{visit_id}/record",
    response=ReturnVisitOut,
    operation_id="return_visit_record",
    url_name="return-visit-record",
)
@requires(CALL_HANDLE)
def return_visit_record(request: HttpRequest, visit_id: int, payload: ReturnVisitIn) -> ReturnVisit:
    visit = get_object_or_404(
        selectors.return_visits_visible(user=request.user, action=CALL_HANDLE), pk=visit_id
    )
    return services.return_visit_record(
        visit=visit, result=payload.result, note=payload.note, by=signed_in_user(request)
    )


@router.get(
    "/dispatch/care-calls",
    response=list[CareCallOut],
    operation_id="care_call_list",
    url_name="care-call-list",
)
@requires(CALL_VIEW)
@paginate
def care_call_list(request: HttpRequest) -> QuerySet[CareCall]:
    """The care calls to make (due today or before)."""
    return selectors.care_calls_to_make(user=request.user)


@router.post(
    "/dispatch/care-calls/{care_call_id}/record",
    response=CareCallOut,
    operation_id="care_call_record",
    url_name="care-call-record",
)
@requires(CALL_HANDLE)
def care_call_record(request: HttpRequest, care_call_id: int, payload: CareCallIn) -> CareCall:
    """Answered or not; the second unanswered in a row is escalated."""
    care_call = get_object_or_404(
        selectors.care_calls_visible(user=request.user, action=CALL_HANDLE), pk=care_call_id
    )
    return services.care_call_record(
        care_call=care_call,
        answered=payload.answered,
        note=payload.note,
        by=signed_in_user(request),
    )
