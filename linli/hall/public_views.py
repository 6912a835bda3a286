"""The residents' side of the hall, mobile first: the public catalogue and its
printable guides (办事指南, no sign-in), applying online, and a resident's own
applications — their steps and deadlines, the one-time notice, supplements,
withdrawal and the rating (好差评)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import public, signed_in
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.hall import selectors, services
from linli.hall.choices import ApplicationChannel, ApplicationState, MatterCategory
from linli.hall.filters import MatterFilter
from linli.hall.forms import ApplicationForm, RateForm
from linli.hall.models import Application, Matter
from linli.hall.payables import KIND
from linli.hall.posted import provided_from
from linli.notices.content import EXTENSIONS
from linli.payments.services import payment_order_create


def _guide(code: str) -> Matter:
    try:
        return selectors.matter_guide(code)
    except Matter.DoesNotExist:
        raise Http404 from None


def _mine(request: HttpRequest, code: str) -> Application:
    try:
        return selectors.my_application(user=signed_in_user(request), code=code)
    except Application.DoesNotExist:
        raise Http404 from None


@public
@require_GET
def matter_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: search by words, category and the flags."""
    filters, errors = MatterFilter.from_query(request.GET)
    found = filters.apply(selectors.matters_published())
    return render_list(
        request,
        "hall/matter_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        categories=MatterCategory.choices,
    )


@public
@require_GET
def matter_guide(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南: everything to know before coming, printable."""
    return render(request, "hall/matter_guide.html", {"matter": _guide(code)})


@signed_in
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply online: the form prefilled from the registry, materials uploaded."""
    matter = _guide(code)
    user = signed_in_user(request)
    if not matter.online:
        messages.info(request, _("This matter is applied for at the front desk."))
        return redirect("matters:matter-guide", code)
    person = selectors.registry_person_of(user)
    community = selectors.community_of(person)
    communities = selectors.communities_for(matter)
    initial = {
        "name": person.name if person else user.full_name,
        "id_number": person.id_number if person else "",
        "phone": user.phone or "",
        "region": community.pk if community else None,
        **{
            f"answer_{k}": v
            for k, v in selectors.prefill(list(matter.fields.all()), person).items()
        },
    }
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        matter=matter,
        communities=communities,
        initial=initial,
        identity_from_registry=person is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                matter=matter,
                channel=ApplicationChannel.ONLINE,
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                answers=form.answers(),
                delivery_mode=form.delivery,
                express_address=form.cleaned_data["express_address"],
                provided=provided_from(request, matter, desk=False),
                region=form.cleaned_data["region"],
                request_key=form.cleaned_data["request_key"] or "",
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Application %(code)s submitted: the community checks it within a working day.")
                % {"code": application.code},
            )
            return redirect("matters:mine-detail", application.code)
    return render(
        request,
        "hall/apply.html",
        {"matter": matter, "form": form, "prefilled": person is not None},
        status=422 if form.errors else 200,
    )


@signed_in
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    found = selectors.applications_of(user=signed_in_user(request))
    return render(request, "hall/mine.html", {"applications": found[:100]})


@signed_in
@require_GET
def mine_detail(request: HttpRequest, code: str) -> HttpResponse:
    application = _mine(request, code)
    return render(
        request,
        "hall/mine_detail.html",
        {
            "application": application,
            "answers": selectors.answers_shown(application),
            "rate": RateForm() if _may_rate(application) else None,
        },
    )


def _may_rate(application: Application) -> bool:
    return (
        application.state in (ApplicationState.DELIVERED, ApplicationState.DENIED)
        and application.rating is None
    )


@signed_in
@require_GET
def mine_notice(request: HttpRequest, code: str) -> HttpResponse:
    """The one-time notice (一次性告知书), printable."""
    application = _mine(request, code)
    if not application.missing and not application.notice_note:
        raise Http404
    return render(request, "hall/notice.html", {"application": application})


@signed_in
@require_POST
def mine_supplement(request: HttpRequest, code: str) -> HttpResponse:
    application = _mine(request, code)
    try:
        services.application_supplement(
            application=application,
            provided=provided_from(request, application.matter, desk=False),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Materials sent."))
    return redirect("matters:mine-detail", code)


@signed_in
@require_POST
def mine_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Pay the fee: the payment order (the same one if asked twice), then its page."""
    application = _mine(request, code)
    try:
        order, _new = payment_order_create(
            kind=KIND, ref=str(application.pk), by=signed_in_user(request)
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("matters:mine-detail", code)
    return redirect("pay:order", order.out_trade_no)


@signed_in
@require_POST
def mine_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    application = _mine(request, code)
    try:
        services.application_withdraw(application=application, by=signed_in_user(request))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("matters:mine-detail", code)


@signed_in
@require_POST
def mine_rate(request: HttpRequest, code: str) -> HttpResponse:
    application = _mine(request, code)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate from 1 to 5."))
        return redirect("matters:mine-detail", code)
    try:
        services.application_rate(
            application=application,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("matters:mine-detail", code)


@public
@require_GET
def material_template(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A material's blank form (PDF, Word or Excel) to fill in: public, like its guide."""
    matter = _guide(code)
    material = get_object_or_404(matter.materials.all(), pk=pk)
    if not material.template:
        raise Http404
    extension = (material.template.name or "").rsplit(".", 1)[-1]
    kind = next((k for k, e in EXTENSIONS.items() if e == extension), "application/octet-stream")
    response = FileResponse(
        material.template.open("rb"),
        content_type=kind,
        as_attachment=True,
        filename=material.template_name or f"{material.name}.{extension}",
    )
    response["Cache-Control"] = "public, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
