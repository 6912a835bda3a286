"""The console of ability assessment: the list (by region, level, scale, reason, due
re-assessment), picking an elder, the form with every item on one page, the result
page with the second assessor's confirmation, the printable report, and the panel on
the elder's profile (care.elder). Everything is fetched from `visible_to`: outside
the user's regions is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.accounts.selectors import people_who_may
from linli.assessment import selectors, services
from linli.assessment.choices import AssessmentReason, AssessmentState, CareLevel
from linli.assessment.filters import AssessmentFilter
from linli.assessment.forms import AssessmentForm
from linli.assessment.models import Assessment, Scale
from linli.assessment.permissions import ASSESSMENT_PERFORM, ASSESSMENT_VIEW
from linli.assessment.report import Report, report_of
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, render_list
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY, derived_label_q
from linli.registry.models import Resident


@requires(ASSESSMENT_VIEW)
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Assessments in the user's regions: by level, scale, reason, state, due date."""
    user = signed_in_user(request)
    filters, errors = AssessmentFilter.from_query(request.GET)
    found = filters.apply(selectors.assessments_visible(user=user), user=user)
    return render_list(
        request,
        "assessment/assessment_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        levels=CareLevel.choices,
        reasons=AssessmentReason.choices,
        states=AssessmentState.choices,
        scales=Scale.objects.order_by("code", "-loaded_at"),
        may_perform=user.has_action(ASSESSMENT_PERFORM),
    )


@requires(ASSESSMENT_PERFORM)
@require_GET
def elder_pick(request: HttpRequest) -> HttpResponse:
    """Find the elder to assess: by name, among the residents aged 60 or over of the
    user's regions."""
    user = signed_in_user(request)
    q = request.GET.get("q", "").strip()[:50]
    found = Resident.objects.none()
    if q:
        found = (
            Resident.objects.visible_to(user, ASSESSMENT_PERFORM)
            .filter(derived_label_q(ELDERLY), status=ResidentStatus.LIVING, name__startswith=q)
            .select_related("grid", "grid__parent")
            .order_by("name", "pk")[:30]
        )
    return render(request, "assessment/elder_pick.html", {"q": q, "residents": found})


@requires(ASSESSMENT_PERFORM)
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """The assessment form: every item on one page, grouped by section."""
    user = signed_in_user(request)
    resident = get_object_or_404(
        Resident.objects.visible_to(user, ASSESSMENT_PERFORM).select_related("grid"),
        pk=resident_pk,
    )
    offered = list(selectors.scales_offered())
    if not offered:
        raise Http404
    chosen = request.POST.get("scale") or request.GET.get("scale")
    scale = selectors.default_scale(offered, chosen)
    if scale is None:
        raise Http404
    assessors = people_who_may(ASSESSMENT_PERFORM, resident.grid).exclude(pk=user.pk)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        definition=scale.parsed,
        assessors=assessors,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                resident=resident,
                scale=scale,
                reason=form.cleaned_data["reason"],
                assessed_on=form.cleaned_data["assessed_on"],
                place=form.cleaned_data["place"],
                second_assessor=form.cleaned_data["second_assessor"],
                answers=form.answers(),
                factors=form.chosen_factors(),
                risk_events=form.risk_events(),
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Assessment recorded: the second assessor confirms it now.")
            )
            return redirect("assessment:assessment-detail", assessment.pk)
    return render(
        request,
        "assessment/assessment_form.html",
        {
            "resident": resident,
            "scale": scale,
            "scales": offered,
            "form": form,
            "current": selectors.current_level(resident),
        },
        status=422 if form.errors else 200,
    )


def _assessment(request: HttpRequest, pk: int, action: str = ASSESSMENT_VIEW) -> Assessment:
    user = signed_in_user(request)
    try:
        return selectors.assessments_visible(user=user, action=action).get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


@requires(ASSESSMENT_VIEW)
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The result: total, sections, level by the score, overrides with why, final
    level; the answers; the confirmation by the second assessor."""
    user = signed_in_user(request)
    assessment = _assessment(request, pk)
    report: Report = report_of(assessment)
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "a": assessment,
            "report": report,
            "may_confirm": assessment.state == AssessmentState.PENDING
            and assessment.second_assessor_id == user.pk,
            "may_withdraw": assessment.state == AssessmentState.PENDING
            and user.pk in (assessment.assessor_id, assessment.second_assessor_id),
        },
    )


@requires(ASSESSMENT_VIEW)
@require_GET
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment report (老年人能力评估报告), for printing on A4."""
    assessment = _assessment(request, pk)
    return render(
        request,
        "assessment/assessment_report.html",
        {"a": assessment, "report": report_of(assessment)},
    )


@requires(ASSESSMENT_PERFORM)
@require_POST
def assessment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The second assessor confirms the assessment."""
    assessment = _assessment(request, pk, ASSESSMENT_PERFORM)
    try:
        services.assessment_confirm(assessment=assessment, by=signed_in_user(request))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not confirm this assessment."))
        return redirect("assessment:assessment-detail", assessment.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:assessment-detail", assessment.pk)
    messages.success(request, _("Assessment confirmed: it is now the elder's care level."))
    return redirect("assessment:assessment-detail", assessment.pk)


@requires(ASSESSMENT_PERFORM)
@require_POST
def assessment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Either assessor withdraws the assessment before it is confirmed."""
    assessment = _assessment(request, pk, ASSESSMENT_PERFORM)
    try:
        services.assessment_withdraw(
            assessment=assessment,
            reason=request.POST.get("reason", ""),
            by=signed_in_user(request),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not withdraw this assessment."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Assessment withdrawn: it counts nowhere."))
    return redirect("assessment:assessment-detail", assessment.pk)


@requires(ASSESSMENT_VIEW)
@require_GET
def elder_panel(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """The 能力评估 panel of an elder's profile (care.elder): the current level, its
    date and re-assessment due date, the latest assessments."""
    user = signed_in_user(request)
    resident = get_object_or_404(Resident.objects.visible_to(user, ASSESSMENT_VIEW), pk=resident_pk)
    return render_page(
        request,
        "assessment/elder_panel.html",
        {
            "resident": resident,
            "level": selectors.current_level(resident),
            "recent": selectors.history(user=user, resident=resident)[:5],
            "may_perform": user.has_action(ASSESSMENT_PERFORM),
        },
        partial="panel",
    )
