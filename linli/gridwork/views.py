"""Grid work in the console, mobile first: a grid worker's day (patrol under way,
routes, households to verify, visits), a patrol's map, and the planning of
checkpoints and routes."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.cases.selectors import cases_raised_by
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, render_list
from linli.core.maps import map_settings
from linli.gridwork import selectors, services
from linli.gridwork.choices import TaskState
from linli.gridwork.filters import GridWorkFilter, PatrolFilter, TaskFilter, VisitFilter
from linli.gridwork.forms import (
    CheckInForm,
    CheckpointForm,
    PatrolStartForm,
    RouteForm,
    VisitForm,
)
from linli.gridwork.permissions import (
    PATROL_PLAN,
    PATROL_RUN,
    PATROL_VIEW,
    TASK_DO,
    TASK_VIEW,
    VISIT_RECORD,
)
from linli.gridwork.task_kinds import all_kinds
from linli.regions.filters import InGrid
from linli.regions.models import Region
from linli.regions.selectors import active_grids, may
from linli.registry.permissions import REGISTRY_VIEW
from linli.registry.selectors import households_visible


def _start_form(request: HttpRequest, data=None) -> PatrolStartForm:
    return PatrolStartForm(
        data,
        grids=active_grids(user=request.user, action=PATROL_RUN),
        routes=selectors.my_routes(user=request.user),
    )


@requires(PATROL_VIEW)
@require_GET
def home(request: HttpRequest):
    """A grid worker's day: the patrol under way or a start, their routes, and links
    to the households to verify and the visits."""
    user = signed_in_user(request)
    runs = user.has_action(PATROL_RUN)
    return render(
        request,
        "gridwork/home.html",
        {
            "patrol": selectors.open_patrol(user=user) if runs else None,
            "start": _start_form(request) if runs else None,
            "routes": selectors.my_routes(user=user) if runs else [],
            "may_plan": user.has_action(PATROL_PLAN),
            "may_visit": user.has_action(VISIT_RECORD),
            "may_see_visits": user.has_action(REGISTRY_VIEW),
            "may_see_tasks": user.has_action(TASK_VIEW),
        },
    )


@requires(PATROL_VIEW)
@require_GET
def patrol_list(request: HttpRequest):
    return _filtered_list(request, "gridwork/patrol_list.html", PatrolFilter, selectors.patrol_list)


def _filtered_list(request: HttpRequest, template: str, kind: type[GridWorkFilter], select):
    """A list of the last days' patrols or visits (`select`)."""
    filters, errors = kind.from_query(request.GET)
    return render_list(
        request,
        template,
        page=page_of(request, select(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
    )


@requires(PATROL_RUN)
@require_POST
def patrol_start(request: HttpRequest):
    form = _start_form(request, request.POST)
    if form.is_valid():
        grid = get_object_or_404(
            Region.objects.visible_to(request.user, PATROL_RUN),
            code=form.cleaned_data["grid_code"],
        )
        route_id = form.cleaned_data["route"]
        route = (
            get_object_or_404(selectors.my_routes(user=request.user), pk=route_id)
            if route_id
            else None
        )
        try:
            patrol = services.patrol_start(grid=grid, route=route, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("gridwork:patrol-detail", pk=patrol.pk)
    else:
        messages.error(request, _("Choose a grid (and a route of it, if any)."))
    return redirect("gridwork:home")


def _patrol(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.patrols_visible(user=request.user).select_related("grid", "worker", "route"),
        pk=pk,
    )


@requires(PATROL_VIEW)
@require_GET
def patrol_detail(request: HttpRequest, pk: int):
    """A patrol on a map: its trajectory, its grid's checkpoints and its check-ins;
    the worker's own patrol under way records their position from this page."""
    patrol = _patrol(request, pk)
    own = patrol.under_way and patrol.worker_id == request.user.pk
    check_ins = list(selectors.patrol_check_ins(patrol=patrol))
    checkpoints = selectors.checkpoints_visible(user=request.user).filter(
        grid=patrol.grid, active=True
    )
    return render(
        request,
        "gridwork/patrol_detail.html",
        {
            "patrol": patrol,
            "own": own,
            "check_ins": check_ins,
            "progress": selectors.route_progress(patrol=patrol),
            "confirm_end": own and request.GET.get("end") == "confirm",
            "left": selectors.checkpoints_left(patrol=patrol) if own else None,
            "cases": cases_raised_by(patrol, user=request.user).select_related("category"),
            "map": {
                **map_settings(),
                "track": selectors.patrol_trajectory(patrol=patrol),
                "boundary": patrol.grid.boundary,
                "checkpoints": [
                    {
                        "name": c.name,
                        "at": [float(c.longitude), float(c.latitude)],
                        "radius": c.radius,
                        "done": any(ci.checkpoint_id == c.pk for ci in check_ins),
                    }
                    for c in checkpoints
                ],
                "points_url": reverse("api:patrol-track", args=[patrol.pk]) if own else "",
            },
        },
    )


@requires(PATROL_RUN)
@require_POST
def patrol_check_in(request: HttpRequest, pk: int):
    """Check in: by location (the page's script fills in the position) or with the
    token of a scanned QR code."""
    patrol = _patrol(request, pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your position could not be read: try again."))
        return redirect("gridwork:patrol-detail", pk=patrol.pk)
    try:
        check_in = services.patrol_check_in(patrol=patrol, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked in at %(name)s.") % {"name": check_in.checkpoint.name})
    return redirect("gridwork:patrol-detail", pk=patrol.pk)


@requires(PATROL_RUN)
@require_POST
def patrol_end(request: HttpRequest, pk: int):
    """Ends the patrol; while checkpoints are left, only once the worker confirms."""
    patrol = _patrol(request, pk)
    left, _total = selectors.checkpoints_left(patrol=patrol)
    if left and patrol.under_way and request.POST.get("confirm") != "yes":
        return redirect(reverse("gridwork:patrol-detail", args=[patrol.pk]) + "?end=confirm")
    try:
        services.patrol_end(patrol=patrol, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Patrol ended."))
    return redirect("gridwork:patrol-detail", pk=patrol.pk)


@requires(PATROL_RUN)
@require_GET
def checkpoint_scan(request: HttpRequest, token: str):
    """Where a checkpoint's QR code leads: one tap checks the patrol under way in."""
    checkpoint = get_object_or_404(
        selectors.checkpoints_visible(user=request.user, action=PATROL_RUN).select_related("grid"),
        token=token,
        active=True,
    )
    patrol = selectors.open_patrol(user=request.user)
    return render(
        request,
        "gridwork/checkpoint_scan.html",
        {
            "checkpoint": checkpoint,
            "patrol": patrol if patrol and patrol.grid_id == checkpoint.grid_id else None,
            "elsewhere": patrol if patrol and patrol.grid_id != checkpoint.grid_id else None,
        },
    )


def _plan_grids(request: HttpRequest):
    return active_grids(user=request.user, action=PATROL_PLAN)


@requires(PATROL_VIEW)
@require_http_methods(["GET", "POST"])
def checkpoint_list(request: HttpRequest):
    """Checkpoints, with a form to add one (planners) and their QR codes to print."""
    may_plan = request.user.has_action(PATROL_PLAN)
    form = CheckpointForm(request.POST or None, grids=_plan_grids(request)) if may_plan else None
    if request.method == "POST":
        if form is None:
            return redirect("gridwork:checkpoint-list")
        if form.is_valid():
            data = form.cleaned_data
            grid = get_object_or_404(
                Region.objects.visible_to(request.user, PATROL_PLAN), code=data.pop("grid_code")
            )
            try:
                services.checkpoint_create(grid=grid, by=request.user, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Checkpoint added."))
                return redirect("gridwork:checkpoint-list")
    return _plan_list(request, "gridwork/checkpoint_list.html", selectors.checkpoint_list, form)


def _plan_list(request: HttpRequest, template: str, select, form):
    """Checkpoints or routes (`select`), by region, with the planning form (planners)."""
    filters, errors = InGrid.from_query(request.GET)
    page = page_of(request, select(user=request.user, filters=filters))
    return render_list(
        request,
        template,
        page=page,
        filters=filters,
        errors=errors,
        form=form,
        plannable=_plannable(request, [row.grid_id for row in page]),
    )


def _plannable(request: HttpRequest, grid_ids: list[int]) -> set[int]:
    """Which of these grids the user plans (the rows whose buttons they may use)."""
    return set(
        Region.objects.visible_to(request.user, PATROL_PLAN)
        .filter(pk__in=grid_ids)
        .values_list("pk", flat=True)
    )


@requires(PATROL_PLAN)
@require_GET
def checkpoint_qr(request: HttpRequest, pk: int):
    """A checkpoint's QR code as a printable page: it leads to the check-in page."""
    checkpoint = get_object_or_404(
        selectors.checkpoints_visible(user=request.user, action=PATROL_PLAN).select_related(
            "grid__parent"
        ),
        pk=pk,
    )
    path = reverse("gridwork:checkpoint-scan", args=[checkpoint.token])
    url = settings.LINLI_SITE_URL + path  # the public address, as in notifications
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, title=checkpoint.name)
    return render(
        request, "gridwork/checkpoint_qr.html", {"checkpoint": checkpoint, "svg": svg, "url": url}
    )


@requires(PATROL_PLAN)
@require_POST
def checkpoint_deactivate(request: HttpRequest, pk: int):
    checkpoint = get_object_or_404(
        selectors.checkpoints_visible(user=request.user, action=PATROL_PLAN), pk=pk
    )
    try:
        services.checkpoint_deactivate(checkpoint=checkpoint, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checkpoint switched off."))
    return redirect("gridwork:checkpoint-list")


@requires(PATROL_VIEW)
@require_http_methods(["GET", "POST"])
def route_list(request: HttpRequest):
    """Active routes, with a form to plan one (planners)."""
    user = request.user
    form = None
    if user.has_action(PATROL_PLAN):
        form = RouteForm(
            request.POST or None,
            grids=_plan_grids(request),
            workers=selectors.patrol_workers(user=user),
            checkpoints=selectors.checkpoint_list(user=user, action=PATROL_PLAN),
        )
    if request.method == "POST":
        if form is None:
            return redirect("gridwork:route-list")
        if form.is_valid():
            data = form.cleaned_data
            grid = get_object_or_404(
                Region.objects.visible_to(user, PATROL_PLAN), code=data.pop("grid_code")
            )
            data["checkpoints"] = list(data["checkpoints"])
            try:
                services.route_create(grid=grid, by=user, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Route planned."))
                return redirect("gridwork:route-list")
    return _plan_list(request, "gridwork/route_list.html", selectors.route_list, form)


@requires(PATROL_PLAN)
@require_POST
def route_end(request: HttpRequest, pk: int):
    route = get_object_or_404(
        selectors.routes_visible(user=request.user, action=PATROL_PLAN), pk=pk
    )
    services.route_end(route=route, by=request.user)
    messages.success(request, _("The route is no longer planned."))
    return redirect("gridwork:route-list")


@requires(REGISTRY_VIEW)
@require_GET
def visit_list(request: HttpRequest):
    return _filtered_list(request, "gridwork/visit_list.html", VisitFilter, selectors.visit_list)


@requires(REGISTRY_VIEW)
@require_GET
def household_visits(request: HttpRequest, household_pk: int):
    """A household's visits (the household page loads them as a fragment)."""
    household = get_object_or_404(households_visible(user=request.user), pk=household_pk)
    return render_page(
        request,
        "gridwork/household_visits.html",
        {
            "household": household,
            "visits": selectors.visits_of_household(user=request.user, household=household)[:50],
            "may_visit": may(request.user, household.grid, VISIT_RECORD)
            and household.dissolved_at is None,
        },
        partial="visits",
    )


@requires(VISIT_RECORD)
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, household_pk: int):
    household = get_object_or_404(
        households_visible(user=request.user, action=VISIT_RECORD).select_related(
            "house__building", "head"
        ),
        pk=household_pk,
    )
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Visit logged."))
            return redirect("registry:household-detail", pk=household.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "gridwork/visit_form.html",
        {"household": household, "form": form},
        status=status,
    )


@requires(TASK_VIEW)
@require_GET
def task_list(request: HttpRequest):
    """The grid tasks other apps hand to grid workers, soonest due first, each linking
    to its app's object; a worker marks one done (or cancelled, with a reason)."""
    filters, errors = TaskFilter.from_query(request.GET)
    return render_list(
        request,
        "gridwork/task_list.html",
        page=page_of(request, selectors.task_list(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        kinds=all_kinds(),
        states=TaskState.choices,
        may_do=signed_in_user(request).has_action(TASK_DO),
    )


@requires(TASK_DO)
@require_POST
def task_close(request: HttpRequest, pk: int):
    """Done (`note`: what was found) or, with `cancel`, cancelled (`note`: why)."""
    task = get_object_or_404(selectors.tasks_visible(user=request.user, action=TASK_DO), pk=pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("cancel"):
            services.grid_task_cancel(task=task, reason=note, by=request.user)
        else:
            services.grid_task_done(task=task, note=note, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Task closed: %(title)s") % {"title": task.title})
    return redirect("gridwork:task-list")
