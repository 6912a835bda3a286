"""The assessment API: scales (read), assessments (record, list, detail, confirm).
Assessments outside the caller's regions are 404."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.accounts.models import User
from linli.assessment import selectors, services
from linli.assessment.filters import AssessmentFilter
from linli.assessment.models import Assessment, Scale
from linli.assessment.permissions import ASSESSMENT_PERFORM, ASSESSMENT_VIEW
from linli.assessment.schemas import (
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    AssessmentScaleDetailOut,
    AssessmentScaleOut,
    WithdrawIn,
)
from linli.core.access import requires
from linli.core.problems import Problem
from linli.core.routers import Router
from linli.registry.models import Resident

router = Router(tags=["assessment"])


@router.get(
    "/assessment/scales",
    response=list[AssessmentScaleOut],
    operation_id="scale_list",
    url_name="scale-list",
)
@requires(ASSESSMENT_VIEW)
def scale_list(request: HttpRequest) -> QuerySet[Scale]:
    """Every scale version loaded, the ones offered for new assessments first."""
    return Scale.objects.order_by("-active", "code", "-loaded_at")


@router.get(
    "/assessment/scales/{scale_id}",
    response=AssessmentScaleDetailOut,
    operation_id="scale_get",
    url_name="scale-detail",
)
@requires(ASSESSMENT_VIEW)
def scale_get(request: HttpRequest, scale_id: int) -> Scale:
    """One scale version with its whole definition (items, options, scores, bands, rules)."""
    return get_object_or_404(Scale, pk=scale_id)


@router.get(
    "/assessment/assessments",
    response=list[AssessmentOut],
    operation_id="assessment_list",
    url_name="assessment-list",
)
@requires(ASSESSMENT_VIEW)
@paginate
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilter]) -> QuerySet[Assessment]:
    """Assessments in the caller's regions, newest first."""
    return filters.apply(selectors.assessments_visible(user=request.user), user=request.user)


def _detail(assessment: Assessment) -> Assessment:
    """The assessment with its findings where the detail schema reads them."""
    findings = assessment.findings
    extra: dict[str, Any] = {
        "factors": findings.get("factors", []),
        "risk_events": findings.get("events", {}),
        "overrides": findings.get("applied", []),
    }
    assessment.__dict__.update(extra)
    return assessment


@router.get(
    "/assessment/assessments/{assessment_id}",
    response=AssessmentDetailOut,
    operation_id="assessment_get",
    url_name="assessment-detail",
)
@requires(ASSESSMENT_VIEW)
def assessment_get(request: HttpRequest, assessment_id: int) -> Assessment:
    """One assessment with its answers, section scores, diagnoses and care-risk events,
    and the override rules applied with why."""
    assessment = get_object_or_404(
        selectors.assessments_visible(user=request.user), pk=assessment_id
    )
    return _detail(assessment)


@router.post(
    "/assessment/assessments",
    response={201: AssessmentDetailOut, 409: Problem},
    operation_id="assessment_create",
    url_name="assessment-create",
)
@requires(ASSESSMENT_PERFORM)
def assessment_create(request: HttpRequest, payload: AssessmentIn) -> Status[Assessment]:
    """Record an assessment as its first assessor: every item answered with one of its
    options (422 naming each item otherwise, nothing saved); the result is computed.
    The second assessor confirms it. 409 while the resident has one awaiting that."""
    user = signed_in_user(request)
    resident = get_object_or_404(
        Resident.objects.visible_to(user, ASSESSMENT_PERFORM), pk=payload.resident
    )
    scale = selectors.scales_offered().filter(pk=payload.scale).first()
    if scale is None:
        raise ValidationError({"scale": _("Unknown scale, or one no longer offered.")})
    second = User.objects.filter(pk=payload.second_assessor, is_active=True).first()
    if second is None:
        raise ValidationError({"second_assessor": _("Unknown user.")})
    assessment = services.assessment_create(
        resident=resident,
        scale=scale,
        reason=payload.reason,
        assessed_on=payload.assessed_on,
        place=payload.place,
        second_assessor=second,
        answers=payload.answers,
        factors=payload.factors,
        risk_events=payload.risk_events,
        by=user,
    )
    return Status(201, _detail(assessment))


@router.post(
    "/assessment/assessments/{assessment_id}/withdraw",
    response={200: AssessmentDetailOut, 409: Problem},
    operation_id="assessment_withdraw",
    url_name="assessment-withdraw",
)
@requires(ASSESSMENT_PERFORM)
def assessment_withdraw(
    request: HttpRequest, assessment_id: int, payload: WithdrawIn
) -> Assessment:
    """Either assessor withdraws an assessment awaiting confirmation (403 for anyone
    else; 409 once confirmed or withdrawn): it counts nowhere."""
    assessment = get_object_or_404(
        selectors.assessments_visible(user=request.user, action=ASSESSMENT_PERFORM),
        pk=assessment_id,
    )
    done = services.assessment_withdraw(
        assessment=assessment, reason=payload.reason, by=signed_in_user(request)
    )
    return _detail(selectors.assessments_visible(user=request.user).get(pk=done.pk))


@router.post(
    "/assessment/assessments/{assessment_id}/confirm",
    response={200: AssessmentDetailOut, 409: Problem},
    operation_id="assessment_confirm",
    url_name="assessment-confirm",
)
@requires(ASSESSMENT_PERFORM)
def assessment_confirm(request: HttpRequest, assessment_id: int) -> Assessment:
    """The second assessor named confirms (403 for anyone else; 409 if already done):
    the level becomes the elder's care level and the re-assessment falls due."""
    assessment = get_object_or_404(
        selectors.assessments_visible(user=request.user, action=ASSESSMENT_PERFORM),
        pk=assessment_id,
    )
    done = services.assessment_confirm(assessment=assessment, by=signed_in_user(request))
    return _detail(selectors.assessments_visible(user=request.user).get(pk=done.pk))
