import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.regions import selectors, services
from linli.regions.choices import Level
from linli.regions.filters import RegionListFilter
from linli.regions.forms import GridForm
from linli.regions.models import Region
from linli.regions.permissions import GRID_MANAGE, REGION_VIEW

SEARCH_LIMIT = 50


def _search(request: HttpRequest, within: Region | None = None) -> dict[str, Any]:
    """The search box of the tree's pages (the regions list's `q`): its first results,
    and what was wrong in the query."""
    filters, errors = RegionListFilter.from_query(request.GET)
    q = (filters.q or "").strip()
    found = None
    if q:
        hits = selectors.region_search(user=request.user, q=q, within=within)
        found = list(hits.select_related("parent")[: SEARCH_LIMIT + 1])
    return {"q": q, "found": found, "errors": errors, "limit": SEARCH_LIMIT}


@requires(REGION_VIEW)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roots = list(selectors.region_roots(user=request.user))
    search = _search(request)
    if len(roots) == 1 and not search["q"] and not search["errors"]:
        return redirect("regions:detail", code=roots[0].code)
    return render_page(
        request,
        "regions/index.html",
        {
            "roots": roots,
            **search,
        },
    )


@requires(REGION_VIEW)
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(selectors.regions_visible(user=request.user), code=code)
    search = _search(request, within=region)
    may_manage = (
        request.user.is_authenticated
        and request.user.has_action(GRID_MANAGE)
        and selectors.regions_visible(user=request.user, action=GRID_MANAGE)
        .filter(pk=region.pk)
        .exists()
    )
    return render_page(
        request,
        "regions/detail.html",
        {
            "region": region,
            "breadcrumbs": selectors.region_breadcrumbs(user=request.user, region=region),
            "children": selectors.region_children(
                user=request.user, region=region, include_retired=region.level == Level.COMMUNITY
            ),
            **search,
            "may_manage": may_manage,
            "boundary_json": json.dumps(region.boundary, ensure_ascii=False, indent=1)
            if region.boundary
            else "",
        },
    )


def _managed(request: HttpRequest, code: str, **filters: Any) -> Region:
    return get_object_or_404(
        selectors.regions_visible(user=request.user, action=GRID_MANAGE), code=code, **filters
    )


@requires(GRID_MANAGE)
@require_http_methods(["GET", "POST"])
def grid_create(request: HttpRequest, code: str) -> HttpResponse:
    community = _managed(request, code, level=Level.COMMUNITY)
    form = GridForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grid = services.grid_create(community=community, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Grid %(name)s created.") % {"name": grid.name})
            return redirect("regions:detail", code=grid.code)
    return render(request, "regions/grid_form.html", {"form": form, "community": community})


@requires(GRID_MANAGE)
@require_http_methods(["GET", "POST"])
def grid_edit(request: HttpRequest, code: str) -> HttpResponse:
    grid = _managed(request, code, level=Level.GRID, retired_at__isnull=True)
    initial = {
        "name": grid.name,
        "boundary": json.dumps(grid.boundary, ensure_ascii=False) if grid.boundary else "",
    }
    form = GridForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.grid_update(grid=grid, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Grid saved."))
            return redirect("regions:detail", code=grid.code)
    return render(
        request, "regions/grid_form.html", {"form": form, "community": grid.parent, "grid": grid}
    )


@requires(GRID_MANAGE)
@require_POST
def grid_retire(request: HttpRequest, code: str) -> HttpResponse:
    grid = _managed(request, code, level=Level.GRID)
    try:
        services.grid_retire(grid=grid, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Grid %(name)s retired.") % {"name": grid.name})
    return redirect("regions:detail", code=grid.code)
