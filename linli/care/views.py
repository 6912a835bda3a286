"""The console of elderly care (/care/elders/…), the elder's home kiosk (/care/home/)
and the family's view (/care/family/…). Elders outside the user's regions are 404;
health data is masked unless revealed with a reason, and never goes into a URL."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.care import selectors, services
from linli.care.choices import LivingSituation
from linli.care.filters import ElderFilter
from linli.care.forms import ConsentForm, ContactForm, ProfileForm, RevealForm
from linli.care.masks import mask_health
from linli.care.models import EmergencyContact, FamilyConsent
from linli.care.permissions import ELDER_MANAGE, ELDER_REVEAL_HEALTH, ELDER_VIEW
from linli.core import panels
from linli.core.access import requires, signed_in
from linli.core.crypto import mask_name
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, render_list
from linli.dispatch.selectors import calls_visible
from linli.notices.selectors import notices_for
from linli.regions.selectors import may
from linli.registry.labels import ELDERLY, derived_label_q
from linli.registry.models import Label, Resident
from linli.registry.selectors import labels_of

KIOSK_NOTICES = 4


def _elder(request: HttpRequest, pk: int, action: str = ELDER_VIEW) -> Resident:
    return get_object_or_404(selectors.elders_visible(user=request.user, action=action), pk=pk)


@requires(ELDER_VIEW)
@require_GET
def elder_list(request: HttpRequest) -> HttpResponse:
    filters, errors = ElderFilter.from_query(request.GET)
    found = selectors.elder_list(user=request.user, filters=filters)
    return render_list(
        request,
        "care/elder_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        situations=LivingSituation.choices,
        label_choices=Label.objects.order_by("order", "code"),
    )


def _candidates(resident: Resident) -> list[tuple[str, str]]:
    """The consent form's choices: `resident:<pk>` for the registry's people,
    `contact:<pk>` for emergency contacts the registry does not know."""
    household, contact_in, contact_out = (
        _("same household"),
        _("emergency contact"),
        _("emergency contact outside the registry"),
    )
    offered = []
    for person, _relation in services.family_candidates(resident):
        if person.household_id == resident.household_id:
            offered.append((f"resident:{person.pk}", f"{person.name}（{household}）"))
        else:
            offered.append((f"resident:{person.pk}", f"{mask_name(person.name)}（{contact_in}）"))
    for contact in services.contact_candidates(resident):
        offered.append((f"contact:{contact.pk}", f"{mask_name(contact.name)}（{contact_out}）"))
    return offered


def _elder_page(request: HttpRequest, resident: Resident, **extra: Any) -> HttpResponse:
    profile = selectors.profile_of(resident)
    status = extra.pop("status", 200)
    context = {
        "resident": resident,
        "profile": profile,
        "labels": labels_of(resident),
        "conditions_masked": mask_health(profile.conditions if profile else ""),
        "allergies_masked": mask_health(profile.allergies if profile else ""),
        "contacts": selectors.contacts_of(resident),
        "devices": selectors.devices_at_home(resident),
        "timeline": selectors.timeline(resident),
        "consents": selectors.consents_of(resident),
        "may_manage": may(request.user, resident.grid, ELDER_MANAGE),
        "may_reveal": may(request.user, resident.grid, ELDER_REVEAL_HEALTH),
        "reveal_form": extra.pop("reveal_form", RevealForm()),
        "contact_form": extra.pop("contact_form", ContactForm()),
        "consent_form": extra.pop("consent_form", ConsentForm(candidates=_candidates(resident))),
        **extra,
    }
    return render(request, "care/elder_detail.html", context, status=status)


@requires(ELDER_VIEW)
@require_GET
def elder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _elder_page(request, _elder(request, pk))


@requires(ELDER_MANAGE)
@require_http_methods(["GET", "POST"])
def elder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _elder(request, pk, ELDER_MANAGE)
    profile = selectors.profile_of(resident)
    initial = (
        {
            "living_situation": profile.living_situation,
            "conditions": profile.conditions,
            "allergies": profile.allergies,
        }
        if profile
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.elder_update(resident=resident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The elder's profile was saved."))
            return redirect("care:elder-detail", resident.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "care/elder_edit.html", {"resident": resident, "form": form}, status=status
    )


@requires(ELDER_REVEAL_HEALTH)
@require_POST
def elder_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the conditions or allergies on this page, once; never in a URL or a log."""
    resident = _elder(request, pk, ELDER_REVEAL_HEALTH)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.health_reveal(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    return _elder_page(
        request,
        resident,
        reveal_form=form,
        revealed=revealed,
        revealed_field=form.cleaned_data.get("field") if revealed is not None else None,
        status=200 if revealed is not None else 422,
    )


@requires(ELDER_MANAGE)
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _elder(request, pk, ELDER_MANAGE)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(resident=resident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The emergency contact was added."))
            return redirect("care:elder-detail", resident.pk)
    return _elder_page(request, resident, contact_form=form, status=422)


@requires(ELDER_MANAGE)
@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        EmergencyContact.objects.visible_to(request.user, ELDER_MANAGE).select_related(
            "profile__resident__grid"
        ),
        pk=pk,
    )
    resident_pk = contact.profile.resident_id
    try:
        services.contact_remove(contact=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The emergency contact was removed."))
    return redirect("care:elder-detail", resident_pk)


@requires(ELDER_MANAGE)
@require_POST
def consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _elder(request, pk, ELDER_MANAGE)
    form = ConsentForm(request.POST, candidates=_candidates(resident))
    if form.is_valid():
        chosen = form.holder()
        try:
            services.consent_give(
                resident=resident,
                relation=form.cleaned_data["relation"],
                by=request.user,
                family=Resident.objects.filter(pk=chosen.get("resident", 0)).first(),
                contact=EmergencyContact.objects.filter(pk=chosen.get("contact", 0)).first(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The elder's consent was recorded."))
            return redirect("care:elder-detail", resident.pk)
    return _elder_page(request, resident, consent_form=form, status=422)


@requires(ELDER_MANAGE)
@require_POST
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        FamilyConsent.objects.visible_to(request.user, ELDER_MANAGE).select_related(
            "profile__resident__grid"
        ),
        pk=pk,
    )
    try:
        services.consent_revoke(consent=consent, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent was revoked."))
    return redirect("care:elder-detail", consent.profile.resident_id)


@requires(ELDER_VIEW)
@require_GET
def resident_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The registry resident page's panel 养老档案: a link to the elder's page."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user, ELDER_VIEW), pk=pk)
    is_elder = Resident.objects.filter(derived_label_q(ELDERLY), pk=resident.pk).exists()
    return render_page(
        request,
        "care/resident_panel.html",
        {
            "resident": resident,
            "is_elder": is_elder,
            "profile": selectors.profile_of(resident) if is_elder else None,
        },
        partial="panel",
    )


@requires(ELDER_VIEW)
@require_GET
def elder_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The elder's profile card: living situation, emergency contacts with their
    phones, conditions and allergies masked, the devices at home."""
    return _card(request, _elder(request, pk))


@requires(ELDER_VIEW)
@require_GET
def call_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of the elder a dispatch call is about, on the dispatcher's page of the
    call (the `dispatch.call` panel): 404 for a call the person may not see, a note
    when the call's home has no elder."""
    call = get_object_or_404(calls_visible(user=signed_in_user(request)), pk=pk)
    if call.resident_id is None:
        return render_page(request, "care/elder_card.html", {"resident": None}, partial="card")
    return _card(request, _elder(request, call.resident_id))


def _card(request: HttpRequest, resident: Resident) -> HttpResponse:
    profile = selectors.profile_of(resident)
    return render_page(
        request,
        "care/elder_card.html",
        {
            "resident": resident,
            "profile": profile,
            "conditions_masked": mask_health(profile.conditions if profile else ""),
            "allergies_masked": mask_health(profile.allergies if profile else ""),
            "contacts": selectors.contacts_of(resident),
            "devices": selectors.devices_at_home(resident),
        },
        partial="card",
    )


# --- the elder's own channels ---------------------------------------------------------------


def _kiosk_elder(request: HttpRequest) -> Resident:
    """The signed-in elder (a resident account matched in the registry, aged 60 or
    over), else 404."""
    person = selectors.person_of(request.user)
    if person is None or not services.is_elder(person):
        raise Http404
    return person


@signed_in
@require_GET
def kiosk(request: HttpRequest) -> HttpResponse:
    """The elder's home page for the kiosk or TV: one big call button, the day's
    services (the slot `care.today`), the notices for them."""
    resident = _kiosk_elder(request)
    return render(
        request,
        "care/kiosk.html",
        {
            "resident": resident,
            "today": timezone.localdate(),
            "notices": notices_for(user=request.user)[:KIOSK_NOTICES],
            "called": request.GET.get("called") == "1",
            "services_today": bool(panels.offered(request, panels.Panel, "care.today")),
        },
    )


@signed_in
@require_POST
def kiosk_call(request: HttpRequest) -> HttpResponse:
    resident = _kiosk_elder(request)
    services.help_call(resident=resident, by=request.user)
    return redirect(reverse("care:kiosk") + "?called=1")


@signed_in
@require_GET
def family_home(request: HttpRequest) -> HttpResponse:
    """The elders whose consent the signed-in family member holds."""
    return render(
        request, "care/family_home.html", {"consents": selectors.consents_for(request.user)}
    )


@signed_in
@require_GET
def family_elder(request: HttpRequest, pk: int) -> HttpResponse:
    """An elder's alarms at home and visits, for a family member with the elder's
    consent in force; anyone else: 404."""
    consent = get_object_or_404(selectors.consents_for(request.user), profile__resident_id=pk)
    resident = consent.profile.resident
    return render(
        request,
        "care/family_elder.html",
        {
            "consent": consent,
            "resident": resident,
            "timeline": selectors.timeline(resident),
            "visits": selectors.visits_of(resident),
        },
    )
