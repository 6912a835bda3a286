"""The cases console: inboxes per role, the case page with the steps the user may
take, and reporting (grid workers' events, hotline calls)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.cases import origins, selectors, services
from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.filters import CaseFilter
from linli.cases.forms import (
    CaseReportForm,
    CategoryLimitsForm,
    CategoryQuestionsForm,
    DispatchForm,
    FinishForm,
    MergeForm,
    RateForm,
    RoutingRuleForm,
    StepForm,
)
from linli.cases.models import Case, Category
from linli.cases.permissions import (
    CASE_ACCEPT,
    CASE_CONFIGURE,
    CASE_DISPATCH,
    CASE_RECORD,
    CASE_VERIFY,
    CASE_VIEW,
)
from linli.cases.photos import photo_check, photo_served
from linli.cases.questions import posted_answers
from linli.core.access import requires, signed_in
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.core.maps import map_settings
from linli.core.problems import Conflict
from linli.regions.models import Region
from linli.regions.selectors import active_grids, district, may
from linli.registry import selectors as registry


@requires(CASE_VIEW)
@require_GET
def case_inbox(request: HttpRequest):
    user = request.user
    boxes = [
        (key, box.label) for key, box in selectors.BOXES.items() if user.has_action(box.action)
    ]
    box = request.GET.get("box") or boxes[0][0]
    if box not in dict(boxes):
        box = boxes[0][0]
    filters, errors = CaseFilter.from_query(request.GET)
    return render_list(
        request,
        "cases/case_inbox.html",
        page=page_of(request, selectors.inbox(user=user, box=box, filters=filters)),
        filters=filters,
        errors=errors,
        boxes=boxes,
        box=box,
        top_categories=Category.objects.filter(parent__isnull=True, active=True),
        now=timezone.now(),
        may_report=user.has_action(CASE_RECORD),
        may_configure=user.has_action(CASE_CONFIGURE),
    )


def _steps(request: HttpRequest, case, bind: str | None = None) -> dict:
    """The forms of the steps this user may take on this case now; the one named
    `bind` is bound to the posted data."""
    user, stage, region = request.user, case.stage, case.region

    def form(name: str, kind=StepForm, **extra):
        data = request.POST if name == bind else None
        return kind(data, initial={"version": case.version}, prefix=name, **extra)

    steps = {}
    if stage == Stage.REPORTED and may(user, region, CASE_ACCEPT):
        steps["accept"], steps["reject"] = form("accept"), form("reject")
        steps["merge"] = form("merge", MergeForm)
    if stage in (Stage.ACCEPTED, Stage.DISPATCHED) and may(user, region, CASE_DISPATCH):
        handlers = selectors.handlers_for(region)
        names = selectors.handler_names(handlers)
        steps["dispatch"] = form("dispatch", DispatchForm, handlers=handlers, names=names)
    if case.assignee_id == user.pk:
        if stage == Stage.DISPATCHED:
            steps["start"] = form("start")
        if stage in (Stage.DISPATCHED, Stage.HANDLING):
            steps["finish"] = form("finish", FinishForm)
    if stage == Stage.HANDLED and may(user, region, CASE_VERIFY):
        steps["close"], steps["return"] = form("close"), form("return")
    reporter = case.reporter_id == user.pk
    if stage == Stage.CLOSED and reporter:
        steps["rate"] = form("rate", RateForm)
    if stage in (Stage.CLOSED, Stage.EVALUATED) and (reporter or may(user, region, CASE_ACCEPT)):
        steps["reopen"] = form("reopen")
    return steps


STEP_LABELS = {
    "accept": gettext_lazy("Accept (立案)"),
    "reject": gettext_lazy("Reject"),
    "merge": gettext_lazy("Merge as a duplicate"),
    "dispatch": gettext_lazy("Dispatch"),
    "start": gettext_lazy("Start handling"),
    "finish": gettext_lazy("Report back (处置反馈)"),
    "close": gettext_lazy("Verify and close (结案)"),
    "return": gettext_lazy("Return for rework"),
    "rate": gettext_lazy("Rate"),
    "reopen": gettext_lazy("Reopen"),
}


@requires(CASE_VIEW)
@require_GET
def case_map(request: HttpRequest):
    """The cases of the list's filter (default: the open ones) on a map of the grids."""
    filters, errors = CaseFilter.from_query(request.GET)
    if not filters.stage:
        filters.stage = sorted(OPEN_STAGES)
    return render(
        request,
        "cases/case_map.html",
        {
            "map": {
                **map_settings(),
                **selectors.case_map(user=request.user, filters=filters),
            },
            "filters": filters,
            "errors": errors,
            "stages": Stage.choices,
            "limit": selectors.MAP_LIMIT,
            "top_categories": Category.objects.filter(parent__isnull=True, active=True),
        },
    )


@signed_in
@require_GET
def case_detail(request: HttpRequest, pk: int):
    """A case, its timeline and the steps the user may take (staff in scope, or the
    person who reported it; 404 for anyone else)."""
    case = get_object_or_404(selectors.case_detail_queryset(user=request.user), pk=pk)
    steps = _steps(request, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": [(name, STEP_LABELS[name], form) for name, form in steps.items()],
            "now": timezone.now(),
            "may_add_photo": selectors.may_add_photo(user=request.user, case=case),
            "similar": selectors.similar_to(user=request.user, case=case)
            if "merge" in steps
            else [],
            "map": _case_map(case),
            "may_support": case.stage in OPEN_STAGES and case.reporter_id != request.user.pk,
            "origin": origins.describe(case, request.user),
        },
    )


def _case_map(case) -> dict | None:
    """The case's point on its grid, for the case page (None: not located)."""
    if case.longitude is None:
        return None
    return {
        **map_settings(),
        "boundaries": selectors.grid_boundaries(Region.objects.filter(pk=case.region_id)),
        "cases": selectors.case_points(Case.objects.filter(pk=case.pk), limit=1),
    }


@signed_in
@require_POST
def case_support(request: HttpRequest, pk: int):
    """+1 from the case page: the user met the same problem (counted once)."""
    case = get_object_or_404(selectors.case_detail_queryset(user=request.user), pk=pk)
    try:
        services.case_support(case=case, by=request.user)
    except Conflict as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("+1 counted."))
    return redirect("cases:case-detail", pk=pk)


@signed_in
@require_POST
def case_step(request: HttpRequest, pk: int, step: str):
    case = get_object_or_404(selectors.case_detail_queryset(user=request.user), pk=pk)
    bound = _steps(request, case, bind=step).get(step)
    if bound is None:  # not possible for this user now (a stale page, another's step)
        messages.error(request, _("That step is not possible on this case now: reload it."))
        return redirect("cases:case-detail", pk=pk)
    if not bound.is_valid():
        messages.error(request, " ".join(e for errs in bound.errors.values() for e in errs))
        return redirect("cases:case-detail", pk=pk)
    data = dict(bound.cleaned_data)
    if step == "dispatch":
        data["to"] = data.pop("assignee")
    if step == "rate":
        data["comment"] = data.pop("note")
    if step == "merge":
        code = data.pop("into").strip().upper()
        data["into"] = selectors.cases_visible(user=request.user).filter(code=code).first()
        if data["into"] is None:
            messages.error(request, _("No case %(code)s in your regions.") % {"code": code})
            return redirect("cases:case-detail", pk=pk)
    try:
        getattr(services, f"case_{step}")(case=case, by=request.user, **data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Permission denied.")])))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": STEP_LABELS[step]})
    return redirect("cases:case-detail", pk=pk)


@requires(CASE_RECORD)
@require_http_methods(["GET", "POST"])
def case_report(request: HttpRequest):
    grids = active_grids(user=request.user, action=CASE_RECORD)
    posted = request.method == "POST"
    form = CaseReportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        grids=grids,
        initial={"origin": request.GET.get("origin", "")[:101]},
    )
    valid = form.is_valid()
    category, answers = posted_answers(form, request.POST)
    origin_key = (form.cleaned_data.get("origin") if valid else form["origin"].value()) or ""
    origin = origins.visible(request.user, *origin_key.partition(":")[::2])
    if valid and origin_key and origin is None:
        form.add_error(None, _("What this report was raised by is not yours to name."))
        valid = False
    if valid:
        data = dict(form.cleaned_data)
        del data["origin"]
        region = get_object_or_404(
            Region.objects.visible_to(request.user, CASE_RECORD), code=data.pop("region_code")
        )
        try:
            data["photos"] = [photo_check(upload) for upload in data["photos"]]
            case = services.case_report(
                region=region, by=request.user, answers=answers, origin=origin, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(code)s reported.") % {"code": case.code})
            return redirect("cases:case-detail", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "questions": category.questions if category else [],
            "answers": answers,
            "origin": origins.kind_of(origin).label if origin is not None else None,
            "origin_label": str(origin) if origin is not None else "",
            "map": {
                **map_settings(),
                "boundaries": selectors.grid_boundaries(
                    Region.objects.visible_to(request.user, CASE_RECORD)
                ),
            },
        },
        status=422 if form.errors else 200,
    )


@requires(CASE_CONFIGURE)
@require_GET
def case_settings(request: HttpRequest):
    """Categories with their time limits (editable by who configures the whole
    district) and the routing rules of the user's regions."""
    return _settings_page(request)


def _settings_page(request: HttpRequest, *, rule_form=None, category_forms=None, status=200):
    user = request.user
    may_edit_categories = may(user, district(), CASE_CONFIGURE)
    categories = Category.objects.select_related("parent").order_by("order", "code")
    forms = category_forms or {}
    rows = [
        (
            category,
            forms.get(category.pk)
            or (
                CategoryLimitsForm(instance=category, prefix=f"c{category.pk}")
                if may_edit_categories and category.parent_id
                else None
            ),
        )
        for category in categories
    ]
    return render(
        request,
        "cases/case_settings.html",
        {
            "rows": rows,
            "rules": selectors.rules_visible(user=user),
            "rule_form": rule_form or _rule_form(request),
        },
        status=status,
    )


def _rule_form(request: HttpRequest, data=None) -> RoutingRuleForm:
    return RoutingRuleForm(
        data,
        regions=selectors.configurable_regions(user=request.user),
        handlers=selectors.handlers_in_scope(user=request.user),
        organisations=registry.organisations_to_act_for(user=request.user),
    )


@requires(CASE_CONFIGURE)
@require_POST
def category_limits(request: HttpRequest, pk: int):
    category = get_object_or_404(Category, pk=pk, parent__isnull=False)
    form = CategoryLimitsForm(request.POST, instance=category, prefix=f"c{pk}")
    if form.is_valid():
        try:
            services.category_update(category=category, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": category})
            return redirect("cases:case-settings")
    return _settings_page(request, category_forms={pk: form}, status=422)


@requires(CASE_CONFIGURE)
@require_http_methods(["GET", "POST"])
def category_questions(request: HttpRequest, pk: int):
    """A category's extra questions, edited as JSON by who configures the district."""
    category = get_object_or_404(Category, pk=pk, parent__isnull=False)
    if not may(request.user, district(), CASE_CONFIGURE):
        raise PermissionDenied
    form = CategoryQuestionsForm(request.POST or None, initial={"questions": category.questions})
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(
                category=category, by=request.user, questions=form.cleaned_data["questions"] or []
            )
        except ValidationError as exc:
            form.add_error("questions", exc.messages)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": category})
            return redirect("cases:case-settings")
    return render(
        request,
        "cases/category_questions.html",
        {"category": category, "form": form},
        status=422 if form.errors else 200,
    )


@requires(CASE_CONFIGURE)
@require_POST
def rule_create(request: HttpRequest):
    form = _rule_form(request, request.POST)
    if form.is_valid():
        try:
            services.routing_rule_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Routing rule added."))
            return redirect("cases:case-settings")
    return _settings_page(request, rule_form=form, status=422)


@requires(CASE_CONFIGURE)
@require_POST
def rule_deactivate(request: HttpRequest, pk: int):
    rule = get_object_or_404(selectors.rules_visible(user=request.user), pk=pk)
    services.routing_rule_deactivate(rule=rule, by=request.user)
    messages.success(request, _("Routing rule %(name)s switched off.") % {"name": rule.name})
    return redirect("cases:case-settings")


@signed_in
@require_POST
def case_photo_add(request: HttpRequest, pk: int):
    case = get_object_or_404(selectors.case_detail_queryset(user=request.user), pk=pk)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo to add."))
        return redirect("cases:case-detail", pk=pk)
    try:
        services.case_photo_add(case=case, upload=upload, by=request.user)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.error(request, _problem_text(exc))
    else:
        messages.success(request, _("Photo added."))
    return redirect("cases:case-detail", pk=pk)


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return _("You may not add photos to this case.")
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@signed_in
@require_GET
def case_photo(request: HttpRequest, pk: int, photo_pk: int):
    """A photo of a case, to those who may see the case (404 for anyone else)."""
    return photo_served(selectors.photo_visible(user=request.user, case_pk=pk, photo_pk=photo_pk))
