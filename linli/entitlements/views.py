"""The entitlements console: grants (list, page, a caseworker's grant, end, keep),
grant kinds and their amount rules (editable by the district, audited), disability
certificates, the 应享未享 report, veterans' service-station records, re-verification
campaigns, and the panel the elder's and the resident's pages load."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, query_without_page, render_list
from linli.entitlements import selectors, services
from linli.entitlements.choices import GrantCategory
from linli.entitlements.exports import UNSERVED
from linli.entitlements.filters import GrantFilter, UnservedFilter, VeteranFilter
from linli.entitlements.forms import (
    CampaignForm,
    CertificateForm,
    EndForm,
    GrantForm,
    KeepForm,
    KindForm,
    RuleForm,
    VerificationForm,
    VeteranRecordForm,
)
from linli.entitlements.models import AmountRule, GrantKind
from linli.entitlements.permissions import (
    ENTITLEMENT_CONFIGURE,
    ENTITLEMENT_MANAGE,
    ENTITLEMENT_VERIFY,
    ENTITLEMENT_VIEW,
)
from linli.exports.services import export_start
from linli.exports.views import export_answer
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import may


def _status(form: Any) -> int:
    return 422 if form.errors else 200


# --- grants --------------------------------------------------------------------------


@requires(ENTITLEMENT_VIEW)
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    """Grants of the user's regions: by kind, category, state, name, region."""
    user = signed_in_user(request)
    filters, errors = GrantFilter.from_query(request.GET)
    return render_list(
        request,
        "entitlements/grant_list.html",
        page=page_of(request, selectors.grant_list(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        kinds=GrantKind.objects.all(),
        categories=GrantCategory.choices,
    )


@requires(ENTITLEMENT_VIEW)
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    grant = get_object_or_404(selectors.grants_visible(user=user), pk=pk)
    may_manage = may(user, grant.grid, ENTITLEMENT_MANAGE) and grant.is_open
    return render(
        request,
        "entitlements/grant_detail.html",
        {
            "grant": grant,
            "verifications": grant.verifications.select_related("campaign", "checked_by"),
            "may_manage": may_manage,
            "end_form": EndForm(),
            "keep_form": KeepForm(),
        },
    )


def _resident_for(request: HttpRequest, pk: int, action: str) -> Any:
    return get_object_or_404(
        selectors.residents_visible(user=signed_in_user(request), action=action).select_related(
            "grid__parent"
        ),
        pk=pk,
    )


@requires(ENTITLEMENT_MANAGE)
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """A caseworker's grant to a resident, with the reason; refused with every
    condition the person fails."""
    resident = _resident_for(request, resident_pk, ENTITLEMENT_MANAGE)
    form = GrantForm(
        request.POST or None,
        kinds=selectors.active_kinds(),
        initial={"kind": GrantKind.objects.filter(code=request.GET.get("kind", "")).first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_create(resident=resident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Granted: %(kind)s.") % {"kind": grant.kind.name})
            return redirect("entitlements:grant-detail", grant.pk)
    return render(
        request,
        "entitlements/grant_form.html",
        {"form": form, "resident": resident},
        status=_status(form),
    )


@requires(ENTITLEMENT_MANAGE)
@require_POST
def grant_end(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        selectors.grants_visible(user=signed_in_user(request), action=ENTITLEMENT_MANAGE), pk=pk
    )
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.grant_end(
                grant=grant,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The grant has ended."))
            return redirect("entitlements:grant-detail", grant.pk)
    return render(
        request,
        "entitlements/grant_detail.html",
        {"grant": grant, "may_manage": True, "end_form": form, "keep_form": KeepForm()},
        status=422,
    )


@requires(ENTITLEMENT_MANAGE)
@require_POST
def grant_keep(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        selectors.grants_visible(user=signed_in_user(request), action=ENTITLEMENT_MANAGE), pk=pk
    )
    form = KeepForm(request.POST)
    if form.is_valid():
        try:
            services.grant_keep(grant=grant, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The grant continues; the warning is withdrawn."))
            return redirect("entitlements:grant-detail", grant.pk)
    return render(
        request,
        "entitlements/grant_detail.html",
        {"grant": grant, "may_manage": True, "end_form": EndForm(), "keep_form": form},
        status=422,
    )


@requires(ENTITLEMENT_VIEW)
@require_GET
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """待遇: a resident's grants and certificates (the elder's and the resident's
    pages load it), with the caseworker's buttons."""
    user = signed_in_user(request)
    resident = _resident_for(request, pk, ENTITLEMENT_VIEW)
    return render_page(
        request,
        "entitlements/elder_panel.html",
        {
            "resident": resident,
            "grants": selectors.grants_of(user=user, resident=resident),
            "certificates": selectors.certificates_of(user=user, resident=resident),
            "may_manage": may(user, resident.grid, ENTITLEMENT_MANAGE),
            "today": timezone.localdate(),
        },
        partial="panel",
    )


@requires(ENTITLEMENT_MANAGE)
@require_http_methods(["GET", "POST"])
def certificate_create(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = _resident_for(request, resident_pk, ENTITLEMENT_MANAGE)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_record(resident=resident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Disability certificate recorded."))
            return redirect("entitlements:grant-create", resident.pk)
    return render(
        request,
        "entitlements/certificate_form.html",
        {"form": form, "resident": resident},
        status=_status(form),
    )


# --- kinds and rules -----------------------------------------------------------------


def _may_configure(request: HttpRequest) -> bool:
    return signed_in_user(request).has_action(ENTITLEMENT_CONFIGURE)


@requires(ENTITLEMENT_VIEW)
@require_GET
def kind_list(request: HttpRequest) -> HttpResponse:
    """Grant kinds: legal basis, conditions, amounts by region and age band."""
    return render(
        request,
        "entitlements/kind_list.html",
        {
            "kinds": selectors.kinds(user=signed_in_user(request)),
            "may_configure": _may_configure(request),
        },
    )


@requires(ENTITLEMENT_CONFIGURE)
@require_http_methods(["GET", "POST"])
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(GrantKind, pk=pk)
    initial = {name: getattr(kind, name) for name in services.KIND_FIELDS}
    initial["labels_all"] = list(kind.labels_all.all())
    initial["labels_any"] = list(kind.labels_any.all())
    form = KindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kind_update(kind=kind, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Grant kind saved."))
            return redirect("entitlements:kind-list")
    return render(
        request, "entitlements/kind_form.html", {"form": form, "kind": kind}, status=_status(form)
    )


def _config_regions(request: HttpRequest) -> QuerySet[Region]:
    return (
        Region.objects.visible_to(signed_in_user(request), ENTITLEMENT_CONFIGURE)
        .filter(
            level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY],
            retired_at__isnull=True,
        )
        .order_by("path")
    )


@requires(ENTITLEMENT_CONFIGURE)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(GrantKind, pk=pk)
    form = RuleForm(request.POST or None, regions=_config_regions(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_create(kind=kind, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Amount rule added."))
            return redirect("entitlements:kind-list")
    return render(
        request, "entitlements/rule_form.html", {"form": form, "kind": kind}, status=_status(form)
    )


@requires(ENTITLEMENT_CONFIGURE)
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(
        AmountRule.objects.select_related("kind", "region").filter(
            region__in=Region.objects.visible_to(signed_in_user(request), ENTITLEMENT_CONFIGURE)
        ),
        pk=pk,
    )
    services.rule_delete(rule=rule, by=request.user)
    messages.success(request, _("Amount rule removed."))
    return redirect("entitlements:kind-list")


# --- 应享未享 ----------------------------------------------------------------------------


@requires(ENTITLEMENT_VIEW)
@require_GET
def unserved(request: HttpRequest) -> HttpResponse:
    """应享未享: per kind, who qualifies and gets nothing; the people of one kind."""
    user = signed_in_user(request)
    filters, errors = UnservedFilter.from_query(request.GET)
    kind = selectors.unserved_kind(filters)
    found: Any = selectors.unserved(user=user, kind=kind, filters=filters) if kind else []
    return render_list(
        request,
        "entitlements/unserved.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        kind=kind,
        counts=selectors.unserved_counts(user=user, filters=filters),
        may_manage=user.has_action(ENTITLEMENT_MANAGE),
    )


@requires(ENTITLEMENT_VIEW)
@require_GET
def unserved_export(request: HttpRequest) -> HttpResponseBase:
    filters, errors = UnservedFilter.from_query(request.GET)
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse('entitlements:unserved')}?{query_without_page(request)}")
    return export_answer(export_start(user=request.user, kind=UNSERVED, filters=filters))


# --- veterans ------------------------------------------------------------------------


@requires(ENTITLEMENT_VIEW)
@require_GET
def veteran_list(request: HttpRequest) -> HttpResponse:
    """退役军人服务站: veterans in scope, their plaque, this year's visits and aid."""
    user = signed_in_user(request)
    filters, errors = VeteranFilter.from_query(request.GET)
    return render_list(
        request,
        "entitlements/veteran_list.html",
        page=page_of(request, selectors.veterans(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        year=timezone.localdate().year,
    )


@requires(ENTITLEMENT_VIEW)
@require_http_methods(["GET", "POST"])
def veteran_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A veteran's records; those who may add one get the form."""
    user = signed_in_user(request)
    resident = _resident_for(request, pk, ENTITLEMENT_VIEW)
    may_record = may(user, resident.grid, ENTITLEMENT_VERIFY)
    form = VeteranRecordForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.veteran_record_add(resident=resident, by=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Record added."))
                return redirect("entitlements:veteran-detail", resident.pk)
    return render(
        request,
        "entitlements/veteran_detail.html",
        {
            "resident": resident,
            "records": selectors.veteran_records_of(user=user, resident=resident),
            "grants": selectors.grants_of(user=user, resident=resident),
            "form": form,
            "may_record": may_record,
        },
        status=_status(form),
    )


# --- re-verification -----------------------------------------------------------------


@requires(ENTITLEMENT_VIEW)
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    regions = (
        Region.objects.visible_to(user, ENTITLEMENT_MANAGE)
        .filter(level__in=[Level.SUBDISTRICT, Level.COMMUNITY], retired_at__isnull=True)
        .order_by("path")
    )
    today = timezone.localdate()
    form = CampaignForm(request.POST or None, regions=regions, initial={"year": today.year})
    if request.method == "POST":
        if not user.has_action(ENTITLEMENT_MANAGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                campaign = services.campaign_start(by=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Re-verification started."))
                return redirect("entitlements:campaign-detail", campaign.pk)
    return render(
        request,
        "entitlements/campaign_list.html",
        {
            "campaigns": selectors.campaigns_visible(user=user),
            "form": form,
            "may_start": user.has_action(ENTITLEMENT_MANAGE),
        },
        status=_status(form),
    )


@requires(ENTITLEMENT_VIEW)
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    campaign = get_object_or_404(selectors.campaigns_visible(user=user), pk=pk)
    verifications = selectors.verifications_of(user=user, campaign=campaign)
    household = request.GET.get("household", "")
    if household.isdigit() and len(household) < 19:
        verifications = verifications.filter(grant__resident__household=int(household))
    return render(
        request,
        "entitlements/campaign_detail.html",
        {
            "campaign": campaign,
            "verifications": verifications,
            "may_verify": user.has_action(ENTITLEMENT_VERIFY),
            "form": VerificationForm(),
        },
    )


@requires(ENTITLEMENT_VIEW)
@require_GET
def campaign_task(request: HttpRequest, ref: str) -> HttpResponse:
    """A grid task's link (ref "<campaign>-<household>"): the campaign's page showing
    that household's grants."""
    campaign_pk, _sep, household = ref.partition("-")
    if not (campaign_pk.isdigit() and household.isdigit()) or len(ref) > 40:
        raise Http404
    campaign = get_object_or_404(
        selectors.campaigns_visible(user=signed_in_user(request)), pk=int(campaign_pk)
    )
    return redirect(
        f"{reverse('entitlements:campaign-detail', args=[campaign.pk])}?household={household}"
    )


@requires(ENTITLEMENT_VERIFY)
@require_POST
def verification_record(request: HttpRequest, pk: int, verification_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    campaign = get_object_or_404(selectors.campaigns_visible(user=user), pk=pk)
    verification = get_object_or_404(
        selectors.verifications_of(user=user, campaign=campaign).filter(
            grant__grid__in=Region.objects.visible_to(user, ENTITLEMENT_VERIFY)
        ),
        pk=verification_pk,
    )
    form = VerificationForm(request.POST)
    if form.is_valid():
        try:
            services.verification_record(verification=verification, by=user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Result recorded."))
    else:
        messages.error(request, _("Choose confirmed or ended."))
    return redirect("entitlements:campaign-detail", campaign.pk)
