"""The console of home services: orders (list, booking, an order's page with its
moves), providers (items, areas, workers), monthly settlements and their statements;
the care worker's phone page (today's visits, check in and out with the phone's
position); the family's page (book, confirm, rate, complain); the panels on care's
pages. Everything is fetched from `visible_to` (an order outside the user's regions,
or of another provider for a provider's people, is a 404)."""

from datetime import date, timedelta
from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.accounts.models import User
from linli.cases.photos import photo_check
from linli.cases.selectors import cases_raised_by
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.core.permissions import Role
from linli.core.xlsx import xlsx_download
from linli.homecare import selectors, services
from linli.homecare.choices import Funding, HomecareState, ServiceCategory
from linli.homecare.filters import HomecareOrderFilter, SettlementFilter
from linli.homecare.forms import (
    AreasForm,
    AssignForm,
    BookForm,
    ComplaintForm,
    ConfirmForm,
    ItemForm,
    PositionForm,
    ProviderForm,
    ReasonForm,
    SettleForm,
)
from linli.homecare.models import Order, Provider, Settlement
from linli.homecare.payables import KIND, PAYABLE_STATES
from linli.homecare.permissions import (
    ORDER_ASSIGN,
    ORDER_BOOK,
    ORDER_REQUEST,
    ORDER_SERVE,
    ORDER_VIEW,
    PROVIDER_MANAGE,
    SETTLEMENT_MANAGE,
)
from linli.homecare.statements import statement_workbook
from linli.payments.services import payment_order_create
from linli.regions.models import Region
from linli.registry.models import Organisation, Resident


def _order(request: HttpRequest, pk: int, action: str = ORDER_VIEW) -> Order:
    try:
        return selectors.order_get(user=signed_in_user(request), pk=pk, action=action)
    except Order.DoesNotExist:
        raise Http404 from None


def _refused(request: HttpRequest, exc: ValidationError, to: str, *args: object) -> HttpResponse:
    for error in exc.messages:
        messages.error(request, error)
    return redirect(to, *args)


# --- orders ---------------------------------------------------------------------------


@requires(ORDER_VIEW)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders of the user's regions (a provider's people: of their provider)."""
    user = signed_in_user(request)
    filters, errors = HomecareOrderFilter.from_query(request.GET)
    found = filters.apply(selectors.orders_visible(user=user), user=user)
    return render_list(
        request,
        "homecare/order_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        states=HomecareState.choices,
        categories=ServiceCategory.choices,
        fundings=Funding.choices,
        providers=selectors.providers_visible(user=user),
        may_book=user.has_action(ORDER_BOOK),
    )


def _elders_found(user: User, q: str) -> QuerySet[Resident]:
    return (
        selectors.elders_visible(user=user, action=ORDER_BOOK)
        .filter(name__prefix=q)
        .select_related("grid", "household__house__building")
        .order_by("name", "pk")[:20]
    )


@requires(ORDER_BOOK)
@require_http_methods(["GET", "POST"])
def order_book(request: HttpRequest) -> HttpResponse:
    """Book for an elder: find them by name, then the service, slot and funding."""
    user = signed_in_user(request)
    q = request.GET.get("q", "").strip()[:20]
    elder_key = request.GET.get("elder", "")
    elder = None
    if elder_key.isdigit():
        elder = (
            selectors.elders_visible(user=user, action=ORDER_BOOK)
            .select_related("grid", "household__house__building")
            .filter(pk=int(elder_key))
            .first()
        )
        if elder is None:
            raise Http404
    form = None
    if elder is not None:
        form = BookForm(
            request.POST if request.method == "POST" else None,
            items=selectors.items_for(elder),
            staff=True,
        )
        if request.method == "POST" and form.is_valid():
            try:
                order = services.order_book(
                    elder=elder,
                    item=form.cleaned_data["item"],
                    starts_at=form.cleaned_data["starts_at"],
                    funding=form.cleaned_data["funding"],
                    channel=form.cleaned_data["channel"],
                    note=form.cleaned_data["note"],
                    by=user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Order #%(pk)s booked.") % {"pk": order.pk})
                return redirect("homecare:order-detail", order.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "homecare/order_book.html",
        {
            "q": q,
            "found": _elders_found(user, q) if q and elder is None else [],
            "elder": elder,
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


@requires(ORDER_VIEW)
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    user = signed_in_user(request)
    in_scope = {
        action: selectors.orders_visible(user=user, action=action).filter(pk=order.pk).exists()
        for action in (ORDER_ASSIGN, ORDER_BOOK)
    }
    return render(
        request,
        "homecare/order_detail.html",
        {
            "order": order,
            "home": order.elder.household.house,
            "moves": order.transitions.select_related("actor"),
            "complaints": cases_raised_by(order, user=user),
            "assign_form": AssignForm(workers=selectors.workers_of(order.provider)),
            "may_assign": in_scope[ORDER_ASSIGN],
            "may_book": in_scope[ORDER_BOOK],
            "payable": order.funding == Funding.SELF_PAY
            and order.state in PAYABLE_STATES
            and order.paid_at is None,
            "confirm_form": ConfirmForm(),
            "complaint_form": ComplaintForm(),
            "reason_form": ReasonForm(),
        },
    )


@requires(ORDER_ASSIGN)
@require_POST
def order_assign(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, ORDER_ASSIGN)
    form = AssignForm(request.POST, workers=selectors.workers_of(order.provider))
    if not form.is_valid():
        return _refused(
            request,
            ValidationError(_("Choose a care worker of the order's provider.")),
            "homecare:order-detail",
            pk,
        )
    try:
        services.order_assign(
            order=order, worker=form.cleaned_data["worker"], by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:order-detail", pk)
    messages.success(request, _("Order assigned."))
    return redirect("homecare:order-detail", pk)


@requires(ORDER_ASSIGN)
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, ORDER_ASSIGN)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            ValidationError(_("Say why the order is cancelled.")),
            "homecare:order-detail",
            pk,
        )
    try:
        services.order_cancel(
            order=order, reason=form.cleaned_data["reason"], by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:order-detail", pk)
    messages.success(request, _("Order cancelled."))
    return redirect("homecare:order-detail", pk)


@requires(ORDER_BOOK)
@require_POST
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record the elder's confirmation (given by phone or at the door)."""
    order = _order(request, pk, ORDER_BOOK)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        services.order_confirm(
            order=order,
            rating=form.cleaned_data.get("rating"),
            note=form.cleaned_data.get("note", ""),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:order-detail", pk)
    messages.success(request, _("Visit confirmed."))
    return redirect("homecare:order-detail", pk)


@requires(ORDER_BOOK)
@require_POST
def order_complain(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, ORDER_BOOK)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            ValidationError(_("Describe the complaint in 5 to 500 characters.")),
            "homecare:order-detail",
            pk,
        )
    try:
        case = services.order_complain(
            order=order, text=form.cleaned_data["text"], by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:order-detail", pk)
    messages.success(request, _("Complaint filed as case %(code)s.") % {"code": case.code})
    return redirect("homecare:order-detail", pk)


@requires(ORDER_BOOK)
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A self-paid visit's payment order, for the family at the desk (the same one if
    asked twice), then its page with the payment code."""
    order = _order(request, pk, ORDER_BOOK)
    try:
        payment, _new = payment_order_create(
            kind=KIND, ref=str(order.pk), by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:order-detail", pk)
    return redirect("pay:order", payment.out_trade_no)


@requires(ORDER_VIEW)
@require_GET
def order_photo(request: HttpRequest, pk: int) -> FileResponse:
    order = _order(request, pk)
    if not order.photo:
        raise Http404
    response = FileResponse(order.photo.open("rb"), content_type=order.photo_type)
    response["Cache-Control"] = "private, max-age=600"
    return response


# --- the care worker's phone page -----------------------------------------------------


@requires(ORDER_SERVE)
@require_GET
def worker_today(request: HttpRequest) -> HttpResponse:
    """今日服务: the worker's visits of today, big buttons to check in and out (the
    phone's position is taken by static/linli/homecare.js)."""
    user = signed_in_user(request)
    orders = list(selectors.worker_day(user=user, day=timezone.localdate()))
    return render(
        request,
        "homecare/worker_today.html",
        {"orders": orders, "form": PositionForm(), "today": timezone.localdate()},
    )


def _position(request: HttpRequest) -> PositionForm:
    form = PositionForm(request.POST, request.FILES)
    form.is_valid()
    return form


@requires(ORDER_SERVE)
@require_POST
def worker_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, ORDER_SERVE)
    form = _position(request)
    try:
        upload = request.FILES.get("photo")
        services.order_check_in(
            order=order,
            longitude=form.cleaned_data.get("longitude"),
            latitude=form.cleaned_data.get("latitude"),
            photo=photo_check(upload) if upload else None,
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:worker-today")
    messages.success(
        request, _("Checked in at %(time)s.") % {"time": f"{timezone.localtime():%H:%M}"}
    )
    return redirect("homecare:worker-today")


@requires(ORDER_SERVE)
@require_POST
def worker_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, ORDER_SERVE)
    form = _position(request)
    try:
        order = services.order_check_out(
            order=order,
            longitude=form.cleaned_data.get("longitude"),
            latitude=form.cleaned_data.get("latitude"),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:worker-today")
    if order.flags:
        messages.warning(
            request,
            _("Checked out; the visit is flagged: %(flags)s.")
            % {"flags": "、".join(str(f.label) for f in order.flags)},
        )
    else:
        messages.success(
            request, _("Checked out after %(minutes)s minutes.") % {"minutes": order.served_minutes}
        )
    return redirect("homecare:worker-today")


# --- the family's page ----------------------------------------------------------------


def _family_order(request: HttpRequest, pk: int) -> Order:
    found = selectors.family_orders(signed_in_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@requires(ORDER_REQUEST)
@require_GET
def family(request: HttpRequest) -> HttpResponse:
    """居家服务: the elders of the resident's household, their orders, booking."""
    user = signed_in_user(request)
    elders = list(selectors.family_elders(user))
    forms = {e.pk: BookForm(items=selectors.items_for(e), prefix=f"e{e.pk}") for e in elders}
    return render(
        request,
        "homecare/family.html",
        {
            "elders": [(e, forms[e.pk]) for e in elders],
            "orders": selectors.family_orders(user).order_by("-starts_at", "-pk")[:30],
            "confirm_form": ConfirmForm(),
            "complaint_form": ComplaintForm(),
            # A 家属 account (ADR 0027) books only for the elders whose consent it holds.
            "resident": any(g.role == Role.RESIDENT for g in user.active_grants()),
        },
    )


@requires(ORDER_REQUEST)
@require_POST
def family_book(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    elder = selectors.family_elders(user).filter(pk=pk).first()
    if elder is None:
        raise Http404
    form = BookForm(request.POST, items=selectors.items_for(elder), prefix=f"e{elder.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("homecare:family")
    try:
        order = services.order_book(
            elder=elder,
            item=form.cleaned_data["item"],
            starts_at=form.cleaned_data["starts_at"],
            funding=form.cleaned_data["funding"],
            note=form.cleaned_data["note"],
            by=user,
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:family")
    messages.success(
        request,
        _("Booked: %(item)s on %(when)s.")
        % {
            "item": order.item.name,
            "when": f"{timezone.localtime(order.starts_at):%m-%d %H:%M}",
        },
    )
    return redirect("homecare:family")


@requires(ORDER_REQUEST)
@require_POST
def family_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    order = _family_order(request, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        if order.state == HomecareState.CHECKED_OUT:
            services.order_confirm(
                order=order,
                rating=form.cleaned_data.get("rating"),
                note=form.cleaned_data.get("note", ""),
                by=signed_in_user(request),
            )
        else:
            rating = form.cleaned_data.get("rating")
            if rating is None:
                raise ValidationError({"rating": _("Choose 1 to 5 stars.")})
            services.order_rate(
                order=order,
                rating=rating,
                note=form.cleaned_data.get("note", ""),
                by=signed_in_user(request),
            )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:family")
    messages.success(request, _("Thank you: your confirmation is recorded."))
    return redirect("homecare:family")


@requires(ORDER_REQUEST)
@require_POST
def family_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _family_order(request, pk)
    try:
        services.order_cancel(
            order=order, reason=_("Cancelled by the family."), by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:family")
    messages.success(request, _("Order cancelled."))
    return redirect("homecare:family")


@requires(ORDER_REQUEST)
@require_POST
def family_complain(request: HttpRequest, pk: int) -> HttpResponse:
    order = _family_order(request, pk)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            ValidationError(_("Describe the complaint in 5 to 500 characters.")),
            "homecare:family",
        )
    try:
        case = services.order_complain(
            order=order, text=form.cleaned_data["text"], by=signed_in_user(request)
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:family")
    messages.success(request, _("Complaint filed as case %(code)s.") % {"code": case.code})
    return redirect("homecare:family")


# --- providers ------------------------------------------------------------------------


def _regions(codes: str, user: User) -> list[Region]:
    found = []
    for code in codes.split()[:20]:
        region = Region.objects.visible_to(user, PROVIDER_MANAGE).filter(code=code).first()
        if region is None:
            raise ValidationError(
                {"areas": _("Unknown region code: %(code)s.") % {"code": code[:20]}}
            )
        found.append(region)
    return found


def _candidates(user: User) -> QuerySet[Organisation]:
    return (
        Organisation.objects.visible_to(user, PROVIDER_MANAGE)
        .filter(kind__in=services.PROVIDER_KINDS, homecare_provider__isnull=True)
        .order_by("name")
    )


@requires(ORDER_VIEW)
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    may_manage = user.has_action(PROVIDER_MANAGE)
    form = ProviderForm(
        request.POST if request.method == "POST" else None, organisations=_candidates(user)
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                provider = services.provider_register(
                    organisation=form.cleaned_data["organisation"],
                    areas=_regions(form.cleaned_data["areas"], user),
                    by=user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s now takes home-service orders.") % {"name": provider}
                )
                return redirect("homecare:provider-detail", provider.pk)
    return render(
        request,
        "homecare/provider_list.html",
        {
            "providers": selectors.providers_visible(user=user).prefetch_related(
                "areas__region", "items"
            ),
            "form": form if may_manage else None,
        },
        status=422 if form.errors else 200,
    )


def _provider(request: HttpRequest, pk: int, action: str = ORDER_VIEW) -> Provider:
    return get_object_or_404(
        selectors.providers_visible(user=signed_in_user(request), action=action), pk=pk
    )


@requires(ORDER_VIEW)
@require_GET
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    user = signed_in_user(request)
    return render(
        request,
        "homecare/provider_detail.html",
        {
            "provider": provider,
            "items": provider.items.order_by("category", "name"),
            "areas": provider.areas.select_related("region"),
            "workers": selectors.workers_of(provider),
            "month_orders": selectors.orders_visible(user=user)
            .filter(provider=provider, starts_at__gte=timezone.now() - timedelta(days=30))
            .count(),
            "may_manage": selectors.providers_visible(user=user, action=PROVIDER_MANAGE)
            .filter(pk=provider.pk)
            .exists(),
            "item_form": ItemForm(),
            "areas_form": AreasForm(
                initial={
                    "areas": " ".join(
                        a.region.code for a in provider.areas.select_related("region")
                    )
                }
            ),
        },
    )


@requires(PROVIDER_MANAGE)
@require_POST
def provider_item(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk, PROVIDER_MANAGE)
    form = ItemForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("homecare:provider-detail", pk)
    data = form.cleaned_data
    try:
        services.item_save(
            provider=provider,
            code=data["code"],
            name=data["name"],
            category=data["category"],
            unit=data["unit"],
            price_fen=int(data["price"] * 100),
            minutes=data["minutes"],
            active=data["active"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:provider-detail", pk)
    messages.success(request, _("Service item saved."))
    return redirect("homecare:provider-detail", pk)


@requires(PROVIDER_MANAGE)
@require_POST
def provider_areas(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk, PROVIDER_MANAGE)
    form = AreasForm(request.POST)
    user = signed_in_user(request)
    try:
        if not form.is_valid():
            raise ValidationError({"areas": _("Name at least one region the provider serves.")})
        services.provider_areas_set(
            provider=provider, areas=_regions(form.cleaned_data["areas"], user), by=user
        )
    except ValidationError as exc:
        return _refused(request, exc, "homecare:provider-detail", pk)
    messages.success(request, _("Service areas saved."))
    return redirect("homecare:provider-detail", pk)


# --- settlements ----------------------------------------------------------------------


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@requires(ORDER_VIEW)
@require_http_methods(["GET", "POST"])
def settlement_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters, errors = SettlementFilter.from_query(request.GET)
    may_settle = user.has_action(SETTLEMENT_MANAGE)
    form = SettleForm(
        request.POST if request.method == "POST" else None,
        providers=selectors.providers_visible(user=user, action=SETTLEMENT_MANAGE),
        initial={"month": _last_month()},
    )
    if request.method == "POST":
        if not may_settle:
            raise PermissionDenied
        if form.is_valid():
            try:
                settlement = services.settlement_create(
                    provider=form.cleaned_data["provider"],
                    month=form.cleaned_data["month"],
                    by=user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Settlement %(name)s made.") % {"name": settlement})
                return redirect("homecare:settlement-detail", settlement.pk)
    found = filters.apply(selectors.settlements_visible(user=user), user=user)
    return render_list(
        request,
        "homecare/settlement_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        form=form if may_settle else None,
        providers=selectors.providers_visible(user=user),
        status=422 if form.errors else 200,
    )


def _settlement(request: HttpRequest, pk: int) -> Settlement:
    return get_object_or_404(selectors.settlements_visible(user=signed_in_user(request)), pk=pk)


@requires(ORDER_VIEW)
@require_GET
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = _settlement(request, pk)
    return render(
        request,
        "homecare/settlement_detail.html",
        {"settlement": settlement, **selectors.statement(settlement)},
    )


@requires(ORDER_VIEW)
@require_GET
def settlement_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    settlement = _settlement(request, pk)
    out = BytesIO()
    statement_workbook(settlement, out, by=signed_in_user(request))
    out.seek(0)
    return xlsx_download(out, f"settlement-{settlement.provider_id}-{settlement.month:%Y-%m}.xlsx")


# --- panels on care's pages -----------------------------------------------------------


@requires(ORDER_VIEW)
@require_GET
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """居家服务 on the elder's profile (care.elder): their recent orders."""
    user = signed_in_user(request)
    elder = get_object_or_404(Resident.objects.visible_to(user, ORDER_VIEW), pk=pk)
    orders = (
        selectors.orders_visible(user=user).filter(elder=elder).order_by("-starts_at", "-pk")[:10]
    )
    return render(
        request,
        "homecare/elder_panel.html",
        {"elder": elder, "orders": orders, "may_book": user.has_action(ORDER_BOOK)},
    )


@requires(ORDER_REQUEST)
@require_GET
def today_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """今日服务 on the elder's own page (care.today): today's visits, in large type."""
    user = signed_in_user(request)
    elder = selectors.family_elders(user).filter(pk=pk).first()
    if elder is None:
        raise Http404
    today = timezone.localdate()
    orders = (
        Order.objects.filter(elder=elder, starts_at__date=today)
        .exclude(state=HomecareState.CANCELLED)
        .select_related("item", "provider__organisation", "worker")
        .order_by("starts_at")
    )
    return render(request, "homecare/today_panel.html", {"orders": orders, "elder": elder})
