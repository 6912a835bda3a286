"""The console of the hall: the front desk (taking in an application on someone's
behalf, the completeness check with its one-time notice, accepting or refusing)
and the back office (steps with their departments and deadlines, supplement
requests, the decision, delivery). Everything is fetched from `visible_to`:
an application outside the user's regions is a 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.hall import selectors, services
from linli.hall.choices import ApplicationChannel, ApplicationState, MaterialSource
from linli.hall.filters import ApplicationFilter
from linli.hall.forms import (
    ApplicationForm,
    DecideForm,
    DeliverForm,
    FieldRows,
    MaterialRows,
    MaterialsNoticeForm,
    MatterGuideForm,
    MatterNewForm,
    NoteForm,
    RefuseForm,
    StepRows,
    split_options,
)
from linli.hall.models import Application, ApplicationMaterial, ApplicationStep, Matter
from linli.hall.payables import KIND
from linli.hall.permissions import (
    APPLICATION_ACCEPT,
    APPLICATION_HANDLE,
    APPLICATION_VIEW,
    MATTER_MANAGE,
)
from linli.hall.posted import provided_from
from linli.payments.services import payment_order_create
from linli.regions.choices import Level
from linli.regions.models import Region


def _application(request: HttpRequest, pk: int, action: str = APPLICATION_VIEW) -> Application:
    try:
        return selectors.application_detail(user=signed_in_user(request), pk=pk, action=action)
    except Application.DoesNotExist:
        raise Http404 from None


@requires(APPLICATION_VIEW)
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """Applications of the user's regions: by state, matter, number, region, overdue."""
    user = signed_in_user(request)
    filters, errors = ApplicationFilter.from_query(request.GET)
    found = filters.apply(selectors.applications_visible(user=user), user=user)
    return render_list(
        request,
        "hall/application_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        states=ApplicationState.choices,
        matters=Matter.objects.published().order_by("name"),
        may_accept=user.has_action(APPLICATION_ACCEPT),
        may_manage=user.has_action(MATTER_MANAGE),
    )


@requires(APPLICATION_ACCEPT)
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The front desk: pick the matter someone comes for."""
    return render(
        request,
        "hall/desk.html",
        {"matters": selectors.matters_published().order_by("category", "name")},
    )


def _desks(request: HttpRequest) -> list[Region]:
    user = signed_in_user(request)
    return list(
        Region.objects.visible_to(user, APPLICATION_ACCEPT)
        .filter(level=Level.COMMUNITY)
        .order_by("path")[:200]
    )


@requires(APPLICATION_ACCEPT)
@require_http_methods(["GET", "POST"])
def desk_apply(request: HttpRequest, code: str) -> HttpResponse:
    """Take in an application on someone's behalf: originals seen, files scanned."""
    user = signed_in_user(request)
    matter = get_object_or_404(Matter.objects.published(), code=code)
    desks = _desks(request)
    if not desks:
        raise Http404
    chosen = request.POST.get("desk") or request.GET.get("desk")
    desk_region = next((d for d in desks if str(d.pk) == chosen), None) if chosen else desks[0]
    if desk_region is None:  # a desk outside the user's regions
        raise Http404
    communities = (
        selectors.communities_for(matter).filter(path__startswith=desk_region.path[:6])
        if matter.district_wide
        else selectors.communities_for(matter).filter(pk=desk_region.pk)
    )
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        matter=matter,
        communities=communities,
        initial={"region": desk_region.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                matter=matter,
                channel=ApplicationChannel.DESK,
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                answers=form.answers(),
                delivery_mode=form.delivery,
                express_address=form.cleaned_data["express_address"],
                provided=provided_from(request, matter, desk=True),
                region=form.cleaned_data["region"],
                desk=desk_region,
                request_key=form.cleaned_data["request_key"] or "",
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Application %(code)s taken in: check its materials now.")
                % {"code": application.code},
            )
            return redirect("hall:application-detail", application.pk)
    return render(
        request,
        "hall/desk_apply.html",
        {"matter": matter, "form": form, "desks": desks, "desk": desk_region},
        status=422 if form.errors else 200,
    )


@requires(APPLICATION_VIEW)
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = signed_in_user(request)
    return render(
        request,
        "hall/application_detail.html",
        _detail_context(application, user),
    )


def _detail_context(application: Application, user: object, **forms: object) -> dict[str, object]:
    matter = application.matter
    return {
        "application": application,
        "answers": selectors.answers_shown(application),
        "missing": services.missing_materials(application),
        "notice_form": forms.get("notice_form") or MaterialsNoticeForm(matter=matter),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "note_form": NoteForm(),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "deliver_form": forms.get("deliver_form") or DeliverForm(),
        "may_accept": services.may_act(application, user, APPLICATION_ACCEPT),
        "may_handle": services.may_act(application, user, APPLICATION_HANDLE),
    }


def _after(request: HttpRequest, pk: int, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("hall:application-detail", pk)


def _refused(request: HttpRequest, pk: int, exc: ValidationError) -> HttpResponse:
    for error in exc.messages:
        messages.error(request, error)
    return redirect("hall:application-detail", pk)


@requires(APPLICATION_ACCEPT)
@require_POST
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.application_accept(
            application=application,
            note=form.cleaned_data.get("note", ""),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Application accepted."))


@requires(APPLICATION_ACCEPT)
@require_POST
def application_incomplete(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = MaterialsNoticeForm(request.POST, matter=application.matter)
    if not form.is_valid():
        return _refused(request, pk, ValidationError(_("Choose the missing materials.")))
    try:
        services.application_incomplete(
            application=application,
            materials=form.cleaned_data["materials"],
            note=form.cleaned_data["note"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("One-time notice issued: print it for the applicant."))
    return redirect("hall:application-notice", pk)


@requires(APPLICATION_ACCEPT)
@require_POST
def application_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, ValidationError(_("Give the reason the applicant is told.")))
    try:
        services.application_refuse(
            application=application, reason=form.cleaned_data["reason"], by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Application not accepted."))


@requires(APPLICATION_ACCEPT)
@require_POST
def application_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant brings the missing materials to the desk."""
    application = _application(request, pk)
    try:
        services.application_supplement(
            application=application,
            provided=provided_from(request, application.matter, desk=True),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Materials supplemented."))


@requires(APPLICATION_HANDLE)
@require_POST
def step_done(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    application = _application(request, pk, APPLICATION_HANDLE)
    step = get_object_or_404(ApplicationStep, pk=step_pk, application=application)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.step_complete(
            step=step, note=form.cleaned_data.get("note", ""), by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Step done."))


@requires(APPLICATION_HANDLE)
@require_POST
def application_request_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, APPLICATION_HANDLE)
    form = MaterialsNoticeForm(request.POST, matter=application.matter)
    if not form.is_valid():
        return _refused(request, pk, ValidationError(_("Choose the missing materials.")))
    try:
        services.application_request_supplement(
            application=application,
            materials=form.cleaned_data["materials"],
            note=form.cleaned_data["note"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Supplement requested: the applicant is told."))


@requires(APPLICATION_HANDLE)
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, APPLICATION_HANDLE)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, ValidationError(_("Choose approve or not.")))
    try:
        services.application_decide(
            application=application,
            approved=form.cleaned_data["approved"],
            note=form.cleaned_data["note"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Decision recorded."))


@requires(APPLICATION_VIEW)
@require_POST
def application_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The fee at the desk: the payment order for the person in front of the window
    (the same one if asked twice), then its page with the payment code."""
    application = _application(request, pk)
    try:
        order, _new = payment_order_create(
            kind=KIND, ref=str(application.pk), by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return redirect("pay:order", order.out_trade_no)


@requires(APPLICATION_HANDLE)
@require_POST
def application_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, APPLICATION_HANDLE)
    form = DeliverForm(request.POST)
    form.is_valid()
    try:
        services.application_deliver(
            application=application,
            pickup_code=form.cleaned_data.get("pickup_code", ""),
            tracking_number=form.cleaned_data.get("tracking_number", ""),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    return _after(request, pk, _("Delivered: the application is completed."))


@requires(APPLICATION_VIEW)
@require_GET
def application_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-time notice (一次性告知书), printable."""
    application = _application(request, pk)
    if not application.missing and not application.notice_note:
        raise Http404
    return render(request, "hall/notice.html", {"application": application})


@requires(APPLICATION_VIEW)
@require_GET
def material_file(request: HttpRequest, pk: int, material_pk: int) -> FileResponse:
    application = _application(request, pk)
    row = get_object_or_404(ApplicationMaterial, pk=material_pk, application=application)
    if not row.file:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=600"
    response["Content-Disposition"] = "inline"
    return response


# ---- The catalogue editor ------------------------------------------------------------


@requires(MATTER_MANAGE)
@require_GET
def matter_list(request: HttpRequest) -> HttpResponse:
    """The matters the user keeps (those of their regions), published or not."""
    found = selectors.matters_managed(user=signed_in_user(request))
    return render(request, "hall/matter_manage_list.html", {"matters": found})


def _matter_regions(user: Any) -> Any:
    return (
        Region.objects.visible_to(user, MATTER_MANAGE)
        .filter(
            level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY],
            retired_at__isnull=True,
        )
        .order_by("path")
    )


@requires(MATTER_MANAGE)
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest) -> HttpResponse:
    """A new matter of one of the user's regions (a community's own, say): its code and
    the guide's essentials, then on to the editor for the rest, unpublished."""
    user = signed_in_user(request)
    form = MatterNewForm(request.POST or None, regions=_matter_regions(user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            matter = services.matter_create(
                code=data.pop("code"), region=data.pop("region"), by=user, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is made: add its materials, form and steps, then publish it.")
                % {"name": matter.name},
            )
            return redirect("hall:matter-edit", matter.code)
    return render(
        request,
        "hall/matter_new.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@requires(MATTER_MANAGE)
@require_POST
def matter_delete(request: HttpRequest, code: str) -> HttpResponse:
    """Delete a matter nobody has applied for."""
    user = signed_in_user(request)
    matter = get_object_or_404(selectors.matters_managed(user=user), code=code)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm the deletion."))
        return redirect("hall:matter-edit", matter.code)
    try:
        services.matter_delete(matter=matter, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("hall:matter-edit", matter.code)
    messages.success(request, _("%(name)s is deleted.") % {"name": matter.name})
    return redirect("hall:matter-manage-list")


def _rows(formset: forms.BaseFormSet) -> list[tuple[int, Any]]:  # type: ignore[type-arg]
    """(form index, cleaned data) of the formset's rows that are not blank."""
    return [
        (n, {**form.cleaned_data, "DELETE": form.cleaned_data.get("DELETE", False)})
        for n, form in enumerate(formset.forms)
        if form.cleaned_data and not form.blank
    ]


@requires(MATTER_MANAGE)
@require_http_methods(["GET", "POST"])
def matter_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a matter's guide, materials (with templates), form and steps on one page,
    saved together or not at all."""
    user = signed_in_user(request)
    matter = get_object_or_404(selectors.matters_managed(user=user), code=code)
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    guide = MatterGuideForm(post, instance=matter, prefix="guide")
    material_rows = MaterialRows(
        post,
        files,
        prefix="materials",
        initial=[
            {
                "id": m.pk,
                "name": m.name,
                "form": m.form,
                "copies": m.copies,
                "required": m.required,
                "note": m.note,
                "source": m.source,
                "certificate_kind": m.certificate_kind,
            }
            for m in matter.materials.all()
        ],
    )
    field_rows = FieldRows(
        post,
        prefix="fields",
        initial=[
            {
                "id": f.pk,
                "key": f.key,
                "label": f.label,
                "type": f.type,
                "required": f.required,
                "options": "、".join(f.options),
                "prefill": f.prefill,
                "help": f.help,
            }
            for f in matter.fields.all()
        ],
    )
    step_rows = StepRows(
        post,
        prefix="steps",
        initial=[
            {
                "id": s.pk,
                "stage": s.stage,
                "name": s.name,
                "department": s.department,
                "days": s.days,
            }
            for s in matter.steps.all()
        ],
    )
    problems: list[str] = []
    sets = (material_rows, field_rows, step_rows)
    if post is not None and guide.is_valid() and all(s.is_valid() for s in sets):
        materials = _rows(material_rows)
        fields = _rows(field_rows)
        steps = _rows(step_rows)
        try:
            services.matter_update(
                matter=matter,
                guide=guide.cleaned_data,
                materials=[
                    services.MaterialRow(
                        pk=d["id"],
                        name=d["name"],
                        form=d["form"],
                        copies=d["copies"] or 1,
                        required=d["required"],
                        note=d["note"],
                        source=d["source"] or MaterialSource.APPLICANT,
                        certificate_kind=d["certificate_kind"],
                        template=d["template"] or None,
                        drop_template=d["drop_template"],
                        delete=d["DELETE"],
                    )
                    for _n, d in materials
                ],
                fields=[
                    services.FieldRow(
                        pk=d["id"],
                        key=d["key"].strip(),
                        label=d["label"],
                        type=d["type"],
                        required=d["required"],
                        options=split_options(d["options"]),
                        prefill=d["prefill"],
                        help=d["help"],
                        delete=d["DELETE"],
                    )
                    for _n, d in fields
                ],
                steps=[
                    services.StepRow(
                        pk=d["id"],
                        stage=d["stage"] or 0,
                        name=d["name"],
                        department=d["department"],
                        days=d["days"] or 0,
                        delete=d["DELETE"],
                    )
                    for _n, d in steps
                ],
                by=user,
            )
        except ValidationError as exc:
            rows = {"materials": materials, "fields": fields, "steps": steps}
            by_prefix: dict[str, forms.BaseFormSet] = {  # type: ignore[type-arg]
                "materials": material_rows,
                "fields": field_rows,
                "steps": step_rows,
            }
            for key, errors in exc.message_dict.items():
                part, _sep, rest = key.partition("-")
                if part in rows and rest:
                    index, _sep, name = rest.partition("-")
                    form = by_prefix[part].forms[rows[part][int(index)][0]]
                    form.add_error(name if name in form.fields else None, errors)
                elif key in guide.fields:
                    guide.add_error(key, errors)
                else:
                    problems.extend(errors)
        else:
            messages.success(request, _("The matter %(name)s is saved.") % {"name": matter.name})
            return redirect("hall:matter-edit", matter.code)
    invalid = post is not None
    return render(
        request,
        "hall/matter_edit.html",
        {
            "matter": matter,
            "guide": guide,
            "material_rows": material_rows,
            "field_rows": field_rows,
            "step_rows": step_rows,
            "problems": problems,
            "in_use": matter.applications.exists(),
        },
        status=422 if invalid else 200,
    )
