from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.permissions import USER_MANAGE, USER_VIEW
from linli.accounts.selectors import users_visible
from linli.core.access import requires
from linli.core.crypto import blind_index
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, render_list
from linli.regions import selectors as regions
from linli.regions.models import Region
from linli.registry import selectors, services
from linli.registry.choices import ResidentStatus
from linli.registry.filters import (
    BuildingFilter,
    HouseholdFilter,
    OrganisationFilter,
    ResidentFilter,
)
from linli.registry.forms import (
    AffiliationForm,
    BuildingForm,
    HouseForm,
    HouseholdForm,
    LabelsForm,
    LeaveForm,
    MergeForm,
    OrganisationForm,
    ResidentForm,
    RevealForm,
    SplitForm,
)
from linli.registry.models import House, Label, Resident
from linli.registry.permissions import (
    REGISTRY_EDIT,
    REGISTRY_EXPORT,
    REGISTRY_IMPORT,
    REGISTRY_REVEAL_PII,
    REGISTRY_VIEW,
)


def numbers_as_indexes(request: HttpRequest, data) -> str | None:
    """The list's (or export's) query with ID and phone numbers swapped for their
    blind indexes, or None when it carries no plain number."""
    if not (data.get("id_number") or data.get("phone")):
        return None
    query = data.copy()
    for plain, index, context in (
        ("id_number", "id_index", Resident.ID_NUMBER_CONTEXT),
        ("phone", "phone_index", Resident.PHONE_CONTEXT),
    ):
        value = query.pop(plain, [""])[-1].strip()
        if value:
            query[index] = blind_index(value, context)
    for key in ("csrfmiddlewaretoken", "page"):
        query.pop(key, None)
    return query.urlencode()


@requires(REGISTRY_VIEW)
@require_POST
def resident_search(request: HttpRequest):
    """The search form posts here, so that ID and phone numbers never reach a URL (nor
    browser history or access logs): they travel on as blind indexes."""
    query = numbers_as_indexes(request, request.POST)
    if query is None:
        query = request.POST.copy()
        query.pop("csrfmiddlewaretoken", None)
        query = query.urlencode()
    return redirect(f"{reverse('registry:resident-list')}?{query}")


@requires(REGISTRY_VIEW)
@require_GET
def resident_list(request: HttpRequest):
    clean = numbers_as_indexes(request, request.GET)
    if clean is not None:  # a hand-typed URL with a number: do not keep it in history
        return redirect(f"{request.path}?{clean}")
    filters, errors = ResidentFilter.from_query(request.GET)
    return render_list(
        request,
        "registry/resident_list.html",
        page=page_of(request, selectors.resident_pages(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        labels=Label.objects.all(),
        may_import=request.user.has_action(REGISTRY_IMPORT),
        may_export=request.user.has_action(REGISTRY_EXPORT),
    )


def _resident(request: HttpRequest, pk: int, action: str = REGISTRY_VIEW):
    return get_object_or_404(
        selectors.resident_list(
            user=request.user, filters=ResidentFilter(status=None), action=action
        ),
        pk=pk,
    )


def _resident_page(request: HttpRequest, resident, **extra):
    return render(
        request,
        "registry/resident_detail.html",
        {
            "resident": resident,
            "labels": selectors.labels_of(resident),
            "history": selectors.history_of(user=request.user, record=resident)[:50],
            "may_edit": _may(request, resident.grid, REGISTRY_EDIT),
            "may_reveal": _may(request, resident.grid, REGISTRY_REVEAL_PII),
            "reveal_form": extra.pop("reveal_form", RevealForm()),
            "leave_form": extra.pop("leave_form", LeaveForm()),
            "labels_form": extra.pop(
                "labels_form",
                LabelsForm(initial={"codes": [link.label.code for link in resident.typed_labels]}),
            ),
            **extra,
        },
        status=extra.pop("status", 200),
    )


def _may(request: HttpRequest, grid: Region, action: str) -> bool:
    return regions.may(request.user, grid, action)


@requires(REGISTRY_VIEW)
@require_GET
def resident_detail(request: HttpRequest, pk: int):
    return _resident_page(request, _resident(request, pk))


@requires(REGISTRY_REVEAL_PII)
@require_POST
def resident_reveal(request: HttpRequest, pk: int):
    """Show one full value on this page, once; it never goes into a URL or a log."""
    resident = _resident(request, pk, REGISTRY_REVEAL_PII)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.resident_reveal(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    return _resident_page(
        request,
        resident,
        reveal_form=form,
        revealed=revealed,
        revealed_field=form.cleaned_data.get("field") if revealed else None,
        status=200 if revealed is not None else 422,
    )


@requires(REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, pk: int):
    resident = _resident(request, pk, REGISTRY_EDIT)
    initial = {f: getattr(resident, f) for f in ResidentForm.base_fields if f != "phone"}
    form = ResidentForm(
        request.POST or None, initial=initial, editing=True, masked_phone=resident.masked_phone
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(resident=resident, by=request.user, **form.cleaned_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:resident-detail", pk=pk)
    return render(
        request,
        "registry/resident_form.html",
        {"form": form, "resident": resident, "household": resident.household},
    )


@requires(REGISTRY_EDIT)
@require_POST
def resident_leave(request: HttpRequest, pk: int, event: str):
    """Move out or record a death: the record stays, with its status and date."""
    resident = _resident(request, pk, REGISTRY_EDIT)
    form = LeaveForm(request.POST)
    if form.is_valid():
        service = {"move-out": services.resident_move_out, "death": services.resident_record_death}[
            event
        ]
        try:
            service(resident=resident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("registry:resident-detail", pk=pk)
    return _resident_page(request, resident, leave_form=form, status=422)


@requires(REGISTRY_EDIT)
@require_POST
def resident_labels(request: HttpRequest, pk: int):
    resident = _resident(request, pk, REGISTRY_EDIT)
    form = LabelsForm(request.POST)
    if form.is_valid():
        try:
            services.resident_set_labels(
                resident=resident, codes=form.cleaned_data["codes"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Labels saved."))
            return redirect("registry:resident-detail", pk=pk)
    return _resident_page(request, resident, labels_form=form, status=422)


# The household page's forms: built (their choices read) only when opened, as the
# page's fragments (htmx) or, without JavaScript, on the page itself (?form=…).
HOUSEHOLD_FORMS = ("move_in", "split", "merge")


@requires(REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def household_detail(request: HttpRequest, pk: int):
    """A household and its members; staff who may edit move people in here."""
    household = get_object_or_404(selectors.household_detail_queryset(user=request.user), pk=pk)
    may_edit = _may(request, household.grid, REGISTRY_EDIT) and not household.dissolved_at
    if request.method == "POST":
        if not may_edit:
            return redirect("registry:household-detail", pk=pk)
        form = ResidentForm(request.POST)
        if form.is_valid():
            try:
                resident = services.resident_move_in(
                    household=household, by=request.user, **form.cleaned_fields()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(name)s moved in.") % {"name": resident.name})
                return redirect("registry:household-detail", pk=pk)
        return _household_page(request, household, may_edit=may_edit, move_in=form)
    wanted = request.GET.get("form")
    if not may_edit or wanted not in HOUSEHOLD_FORMS:
        return _household_page(request, household, may_edit=may_edit)
    return _household_page(
        request, household, may_edit=True, **{wanted: _blank_form(request, household, wanted)}
    )


def _blank_form(request: HttpRequest, household, name: str):
    if name == "split":
        return _split_form(request, household)
    if name == "merge":
        return _merge_form(request, household)
    return ResidentForm()


def _household_page(request: HttpRequest, household, *, may_edit: bool, **forms):
    """The household page with the forms given (`move_in`, `split`, `merge`), open;
    the others closed, to be fetched when opened. A bound form with errors makes the
    answer 422. An htmx request for one form gets that form alone."""
    context = {
        "household": household,
        "members": household.members.all(),
        "may_edit": may_edit,
        "history": selectors.history_of(user=request.user, record=household)[:20],
        **{f"{name}_form": form for name, form in forms.items()},
    }
    failed = any(f.is_bound and f.errors for f in forms.values())
    status = 422 if failed else 200
    if len(forms) == 1 and not failed:
        return render_page(
            request, "registry/household_detail.html", context, partial=next(iter(forms))
        )
    return render(request, "registry/household_detail.html", context, status=status)


def _split_form(request: HttpRequest, household, data=None) -> SplitForm:
    living = [m for m in household.members.all() if m.status == ResidentStatus.LIVING]
    houses = selectors.houses_of_building(
        user=request.user, building=household.house.building, action=REGISTRY_EDIT
    )
    return SplitForm(data, members=living, houses=houses, initial={"house": household.house_id})


def _merge_form(request: HttpRequest, household, data=None) -> MergeForm:
    others = selectors.households_of_building(
        user=request.user, building=household.house.building, action=REGISTRY_EDIT
    ).exclude(pk=household.pk)
    return MergeForm(data, households=others)


def _editable_household(request: HttpRequest, pk: int):
    household = get_object_or_404(selectors.household_detail_queryset(user=request.user), pk=pk)
    if household.dissolved_at or not _may(request, household.grid, REGISTRY_EDIT):
        raise Http404
    return household


@requires(REGISTRY_EDIT)
@require_POST
def household_split(request: HttpRequest, pk: int):
    household = _editable_household(request, pk)
    form = _split_form(request, household, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.household_split(
                household=household,
                member_ids=data["members"],
                head_id=data["head"],
                house=get_object_or_404(
                    House.objects.visible_to(request.user, REGISTRY_EDIT), pk=data["house"]
                ),
                kind=data["kind"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The new household is registered."))
            return redirect("registry:household-detail", pk=new.pk)
    return _household_page(request, household, may_edit=True, split=form)


@requires(REGISTRY_EDIT)
@require_POST
def household_merge(request: HttpRequest, pk: int):
    household = _editable_household(request, pk)
    form = _merge_form(request, household, request.POST)
    if form.is_valid():
        target = get_object_or_404(
            selectors.households_visible(user=request.user, action=REGISTRY_EDIT),
            pk=form.cleaned_data["target"],
        )
        try:
            services.household_merge(source=household, target=target, by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Merged: this household is dissolved."))
            return redirect("registry:household-detail", pk=target.pk)
    return _household_page(request, household, may_edit=True, merge=form)


@requires(REGISTRY_EDIT)
@require_POST
def household_verify(request: HttpRequest, pk: int):
    household = get_object_or_404(
        selectors.households_visible(user=request.user, action=REGISTRY_EDIT), pk=pk
    )
    services.household_verify(household=household, by=request.user)
    messages.success(request, _("Marked as verified today."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)  # back to the to-do list it was ticked off from
    return redirect("registry:household-detail", pk=pk)


@requires(REGISTRY_VIEW)
@require_GET
def freshness(request: HttpRequest):
    """Households not verified for N days: the grid workers' to-do list."""
    filters, errors = HouseholdFilter.from_query(request.GET)
    if not filters.stale_days:
        filters.stale_days = selectors.STALE_DAYS
    return render_list(
        request,
        "registry/freshness.html",
        page=page_of(request, selectors.household_list(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
    )


def _posted_grid(request: HttpRequest) -> Region:
    return get_object_or_404(
        Region.objects.visible_to(request.user, REGISTRY_EDIT),
        code=request.POST.get("grid_code", ""),
        level="grid",
    )


@requires(REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def building_list(request: HttpRequest):
    filters, errors = BuildingFilter.from_query(request.GET)
    form = BuildingForm(request.POST or None)
    if request.method == "POST":
        grid = _posted_grid(request)
        if form.is_valid():
            try:
                building = services.building_create(grid=grid, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("registry:building-detail", pk=building.pk)
    return render_list(
        request,
        "registry/building_list.html",
        page=page_of(request, selectors.building_list(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        grids=regions.active_grids(user=request.user, action=REGISTRY_EDIT),
        form=form,
        may_edit=request.user.has_action(REGISTRY_EDIT),
    )


@requires(REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def building_detail(request: HttpRequest, pk: int):
    building = get_object_or_404(selectors.building_detail_queryset(user=request.user), pk=pk)
    may_edit = _may(request, building.grid, REGISTRY_EDIT)
    form = HouseForm(request.POST or None) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.house_create(building=building, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("House added."))
            return redirect("registry:building-detail", pk=pk)
    return render(
        request,
        "registry/building_detail.html",
        {
            "building": building,
            "form": form,
            "may_edit": may_edit,
            "household_form": HouseholdForm(),
            "occupants": selectors.organisations_in(user=request.user, building=building),
        },
    )


@requires(REGISTRY_EDIT)
@require_POST
def household_create(request: HttpRequest, house_pk: int):
    house = get_object_or_404(House.objects.visible_to(request.user, REGISTRY_EDIT), pk=house_pk)
    form = HouseholdForm(request.POST)
    if form.is_valid():
        household = services.household_create(house=house, by=request.user, **form.cleaned_data)
        return redirect("registry:household-detail", pk=household.pk)
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("registry:building-detail", pk=house.building_id)


@requires(REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def organisation_list(request: HttpRequest):
    """Organisations in scope; those who may edit register new ones here."""
    filters, errors = OrganisationFilter.from_query(request.GET)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        grid = _posted_grid(request)
        if form.is_valid():
            try:
                organisation = services.organisation_create(
                    grid=grid, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(name)s registered.") % {"name": organisation.name})
                return redirect("registry:organisation-list")
    return render_list(
        request,
        "registry/organisation_list.html",
        page=page_of(request, selectors.organisation_list(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        form=form,
        grids=regions.active_grids(user=request.user, action=REGISTRY_EDIT),
        may_edit=request.user.has_action(REGISTRY_EDIT),
        status=422 if form.errors else 200,
    )


@requires(USER_VIEW)
@require_http_methods(["GET", "POST"])
def user_affiliations(request: HttpRequest, pk: int):
    """The organisations a person acts for, one per role (a section of their page in
    the accounts console); who manages users there changes them."""
    person = get_object_or_404(users_visible(user=request.user), pk=pk)
    grants = selectors.affiliations_of(user=request.user, person=person)
    organisations = selectors.organisations_to_act_for(user=request.user)
    manageable = {g.pk for g in grants if regions.may(request.user, g.region, USER_MANAGE)}
    if request.method == "POST":
        form = AffiliationForm(request.POST, organisations=organisations)
        if not form.is_valid() or form.cleaned_data["grant"] not in manageable:
            raise Http404
        grant = next(g for g in grants if g.pk == form.cleaned_data["grant"])
        if form.cleaned_data["organisation"] is None:
            services.affiliation_remove(grant=grant, by=request.user)
        else:
            services.affiliation_set(
                grant=grant, organisation=form.cleaned_data["organisation"], by=request.user
            )
        messages.success(request, _("Saved."))
        return redirect("accounts:user-detail", pk=pk)
    acting = {g.pk: g.affiliation.organisation_id for g in grants if hasattr(g, "affiliation")}
    rows = [
        {
            "grant": grant,
            "form": AffiliationForm(
                initial={"grant": grant.pk, "organisation": acting.get(grant.pk)},
                organisations=organisations,
                auto_id=f"id_g{grant.pk}_%s",
            )
            if grant.pk in manageable
            else None,
        }
        for grant in grants
    ]
    return render_page(
        request, "registry/user_affiliations.html", {"person": person, "rows": rows}, partial="rows"
    )
