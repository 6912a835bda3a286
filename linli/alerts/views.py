"""The alerts console (the list, writing and editing a draft with its area and places
on a map, an alert's page with its CAP message and log, issuing, update, cancel,
importing a CAP document, the registry of places) and the public CAP pages: the Atom
feed of the alerts in force, each alert's CAP message and a page for residents."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.alerts import cap, feeds, selectors, services
from linli.alerts.choices import CAP_MEDIA_TYPE, MsgType, State
from linli.alerts.filters import AlertFilter
from linli.alerts.forms import (
    AlertForm,
    CancelForm,
    ImportForm,
    PlaceForm,
    UpdateNoteForm,
    initial_of,
    initial_of_place,
)
from linli.alerts.models import Alert, Place
from linli.alerts.permissions import ALERT_ISSUE, ALERT_MANAGE, ALERT_VIEW, PLACE_MANAGE
from linli.core.access import public, requires
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.core.maps import map_settings
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import may

AREA_LEVELS = [Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]


def _alert(request: HttpRequest, pk: int, action: str = ALERT_VIEW) -> Alert:
    found = selectors.alerts_visible(user=request.user, action=action).prefetch_related(
        "places__region", "changes__by"
    )
    alert: Alert = get_object_or_404(found, pk=pk)
    return alert


def _place_points(places: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": [p.longitude, p.latitude],
            "name": p.name,
            "label": f"{p.get_kind_display()} · {p.address} · "
            + _("%(n)s people") % {"n": p.capacity},
            "kind": p.kind,
            "id": p.pk,
        }
        for p in places
    ]


def _form(request: HttpRequest, data: Any = None, initial: Any = None) -> AlertForm:
    user = signed_in_user(request)
    regions = (
        Region.objects.visible_to(user, ALERT_MANAGE)
        .filter(level__in=AREA_LEVELS, retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")
    )
    return AlertForm(
        data,
        initial=initial,
        regions=regions,
        places=selectors.places_visible(user=user).order_by("kind", "name"),
    )


def _form_page(
    request: HttpRequest, form: AlertForm, template_context: dict[str, Any]
) -> HttpResponse:
    user = signed_in_user(request)
    drawn = {}
    for name in ("polygon", "circles"):
        text = form[name].value()
        try:
            drawn[name] = json.loads(text) if text else None
        except json.JSONDecodeError:
            drawn[name] = None
    context = {
        "form": form,
        "map": {
            **map_settings(),
            "places": _place_points(selectors.places_visible(user=user)),
            "polygon": drawn["polygon"],
            "circles": drawn["circles"],
            "draw": True,
        },
        **template_context,
    }
    status = 422 if form.errors else 200
    return render(request, "alerts/alert_form.html", context, status=status)


def _region_of(request: HttpRequest, form: AlertForm) -> Region:
    region = (
        Region.objects.visible_to(request.user, ALERT_MANAGE)
        .filter(code=form.cleaned_data["region"])
        .first()
    )
    if region is None:
        raise ValidationError({"region": _("Unknown region.")})
    return region


@requires(ALERT_VIEW)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts by region, state, message type, category, severity and words."""
    user = signed_in_user(request)
    filters, errors = AlertFilter.from_query(request.GET)
    found = filters.apply(selectors.alerts_visible(user=user), user=user)
    return render_list(
        request,
        "alerts/alert_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        states=State.choices,
        may_manage=user.has_action(ALERT_MANAGE),
        drill_regions=_drill_regions(request),
    )


def _drill_regions(request: HttpRequest) -> list[Region]:
    """The communities the user may run a drill over (issue and write alerts there)."""
    user = signed_in_user(request)
    if not (user.has_action(ALERT_ISSUE) and user.has_action(ALERT_MANAGE)):
        return []
    found = Region.objects.visible_to(user, ALERT_ISSUE).filter(level=Level.COMMUNITY)
    return [r for r in found.order_by("path")[:200] if may(user, r, ALERT_MANAGE)]


@requires(ALERT_ISSUE)
@require_POST
def alert_drill(request: HttpRequest) -> HttpResponse:
    """Run a drill: a CAP alert with status Exercise (演练) over one of the user's
    communities, issued now, cancellable as any alert."""
    user = signed_in_user(request)
    choices = {r.code: r for r in _drill_regions(request)}
    region = choices.get(request.POST.get("region", ""))
    if region is None:
        messages.error(request, _("Choose one of your communities for the drill."))
        return redirect("alerts:alert-list")
    alert = services.alert_drill(region=region, by=user)
    messages.success(
        request,
        _("The drill is issued: every message of it says it is an exercise. Cancel it when done."),
    )
    return redirect("alerts:alert-detail", alert.pk)


@requires(ALERT_MANAGE)
@require_http_methods(["GET", "POST"])
def alert_create(request: HttpRequest) -> HttpResponse:
    """Write a draft alert: its area (a region, maybe a polygon drawn in it), its texts
    in Chinese and English, the shelters and sites it points to."""
    user = signed_in_user(request)
    form = _form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.alert_create(
                region=_region_of(request, form),
                area_desc=form.cleaned_data["area_desc"],
                polygon=form.cleaned_data["polygon"],
                circles=form.cleaned_data["circles"],
                texts=form.texts(),
                places=list(form.cleaned_data["places"]),
                by=user,
                **form.facts(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it, then issue it."))
            return redirect("alerts:alert-detail", alert.pk)
    return _form_page(request, form, {"title": _("New emergency alert")})


@requires(ALERT_VIEW)
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An alert: its texts, facts, area and places on a map, its CAP message, the
    messages before and after it, and its log."""
    user = signed_in_user(request)
    alert = _alert(request, pk)
    places = list(alert.places.all())
    in_force = alert.state == State.ISSUED and alert.msg_type != MsgType.CANCEL
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "alert": alert,
            "infos": list(alert.infos.all()),
            "places": places,
            "chain": selectors.alert_chain(alert),
            "changes": list(alert.changes.all()),
            "map": {
                **map_settings(),
                "places": _place_points(places),
                "polygon": alert.polygon,
                "circles": alert.circles,
                "boundaries": _outline(alert.region),
            },
            "may_edit": alert.state == State.DRAFT and may(user, alert.region, ALERT_MANAGE),
            "may_issue": alert.state == State.DRAFT and may(user, alert.region, ALERT_ISSUE),
            "may_end": in_force and may(user, alert.region, ALERT_ISSUE),
        },
    )


def _outline(region: Region) -> dict[str, Any]:
    grids = Region.objects.filter(
        level=Level.GRID, path__startswith=region.path, boundary__isnull=False
    ).only("name", "boundary")[:300]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g.boundary, "properties": {"name": g.name}}
            for g in grids
        ],
    }


@requires(ALERT_VIEW)
@require_GET
def alert_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """The alert's CAP 1.2 message as staff see it (a draft's too, dated now)."""
    alert = _alert(request, pk)
    return HttpResponse(cap.alert_xml(alert), content_type=f"{CAP_MEDIA_TYPE}; charset=utf-8")


@requires(ALERT_MANAGE)
@require_http_methods(["GET", "POST"])
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft."""
    user = signed_in_user(request)
    alert = _alert(request, pk, ALERT_MANAGE)
    if alert.state != State.DRAFT:
        messages.error(request, _("Only a draft can be edited; issue an update instead."))
        return redirect("alerts:alert-detail", alert.pk)
    data = request.POST if request.method == "POST" else None
    form = _form(request, data, initial=initial_of(alert))
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_edit(
                alert=alert,
                region=_region_of(request, form),
                area_desc=form.cleaned_data["area_desc"],
                polygon=form.cleaned_data["polygon"],
                circles=form.cleaned_data["circles"],
                texts=form.texts(),
                places=list(form.cleaned_data["places"]),
                by=user,
                **form.facts(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("alerts:alert-detail", alert.pk)
    return _form_page(request, form, {"title": _("Edit the draft"), "alert": alert})


@requires(ALERT_ISSUE)
@require_POST
def alert_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a draft."""
    alert = _alert(request, pk, ALERT_ISSUE)
    try:
        services.alert_issue(alert=alert, by=signed_in_user(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Issued: the alert is published and sent to the residents of its area.")
        )
    return redirect("alerts:alert-detail", alert.pk)


@requires(ALERT_ISSUE)
@require_http_methods(["GET", "POST"])
def alert_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a CAP Update of an alert in force: its words, area, time or places
    changed."""
    user = signed_in_user(request)
    alert = _alert(request, pk, ALERT_ISSUE)
    data = request.POST if request.method == "POST" else None
    form = _form(request, data, initial=initial_of(alert))
    note = UpdateNoteForm(data)
    if request.method == "POST" and form.is_valid() and note.is_valid():
        try:
            new = services.alert_update(
                alert=alert,
                region=_region_of(request, form),
                area_desc=form.cleaned_data["area_desc"],
                polygon=form.cleaned_data["polygon"],
                circles=form.cleaned_data["circles"],
                texts=form.texts(),
                places=list(form.cleaned_data["places"]),
                note=note.cleaned_data["note"],
                by=user,
                **form.facts(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The update is issued; it replaces the earlier alert."))
            return redirect("alerts:alert-detail", new.pk)
    return _form_page(
        request, form, {"title": _("Update the alert"), "alert": alert, "note_form": note}
    )


@requires(ALERT_ISSUE)
@require_http_methods(["GET", "POST"])
def alert_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an alert in force (a CAP Cancel message)."""
    user = signed_in_user(request)
    alert = _alert(request, pk, ALERT_ISSUE)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.alert_cancel(alert=alert, note=form.cleaned_data["note"], by=user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The alert is cancelled."))
            return redirect("alerts:alert-detail", new.pk)
    status = 422 if form.errors else 200
    return render(
        request, "alerts/alert_cancel.html", {"form": form, "alert": alert}, status=status
    )


@requires(ALERT_MANAGE)
@require_http_methods(["GET", "POST"])
def alert_import(request: HttpRequest) -> HttpResponse:
    """Import a CAP 1.2 message or an Atom feed of them: all or nothing."""
    user = signed_in_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            done = services.alerts_import(
                data=upload.read(cap.MAX_BYTES + 1), by=user, name=upload.name or ""
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("document", message)
        else:
            messages.success(
                request,
                _("%(created)s alerts imported, %(known)s already here.")
                % {"created": len(done.created), "known": done.known},
            )
            if len(done.created) == 1:
                return redirect("alerts:alert-detail", done.created[0].pk)
            return redirect("alerts:alert-list")
    status = 422 if form.errors else 200
    return render(request, "alerts/alert_import.html", {"form": form}, status=status)


@requires(ALERT_VIEW)
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    """Shelters and civil-defence sites, listed and on a map."""
    user = signed_in_user(request)
    places = list(selectors.places_visible(user=user).order_by("kind", "name")[:500])
    return render(
        request,
        "alerts/place_list.html",
        {
            "places": places,
            "map": {**map_settings(), "places": _place_points(places)},
            "may_manage": user.has_action(PLACE_MANAGE),
            "managed": set(
                selectors.places_visible(user=user, action=PLACE_MANAGE)
                .filter(pk__in=[p.pk for p in places])
                .values_list("pk", flat=True)
            ),
        },
    )


def _place_regions(request: HttpRequest) -> Any:
    """The regions the user keeps places in (a district, subdistrict or community)."""
    return (
        Region.objects.visible_to(request.user, PLACE_MANAGE)
        .filter(level__in=AREA_LEVELS, retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")
    )


def _place_form_page(
    request: HttpRequest, form: PlaceForm, place: Place | None = None
) -> HttpResponse:
    return render(
        request,
        "alerts/place_form.html",
        {
            "form": form,
            "place": place,
            "title": _("Edit the place") if place else _("New shelter or civil-defence site"),
            "map": map_settings(),
        },
        status=422 if form.errors else 200,
    )


def _save_place(request: HttpRequest, form: PlaceForm, place: Place | None) -> Place | None:
    """The place saved from a valid form (None: the errors are on the form)."""
    user = signed_in_user(request)
    region = _place_regions(request).filter(code=form.cleaned_data["region"]).first()
    if region is None:
        form.add_error("region", _("Unknown region."))
        return None
    try:
        if place is None:
            return services.place_create(region=region, by=user, **form.facts())
        return services.place_update(place=place, region=region, by=user, **form.facts())
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


@requires(PLACE_MANAGE)
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    """Register a shelter or civil-defence site in one of the user's regions, its point
    tapped on the map."""
    data = request.POST if request.method == "POST" else None
    form = PlaceForm(data, regions=_place_regions(request))
    if request.method == "POST" and form.is_valid():
        place = _save_place(request, form, None)
        if place is not None:
            messages.success(request, _("%(name)s is registered.") % {"name": place.name})
            return redirect("alerts:place-list")
    return _place_form_page(request, form)


@requires(PLACE_MANAGE)
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a place's facts, region or point."""
    user = signed_in_user(request)
    place = get_object_or_404(selectors.places_visible(user=user, action=PLACE_MANAGE), pk=pk)
    data = request.POST if request.method == "POST" else None
    form = PlaceForm(data, initial=initial_of_place(place), regions=_place_regions(request))
    if request.method == "POST" and form.is_valid():
        saved = _save_place(request, form, place)
        if saved is not None:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("alerts:place-list")
    return _place_form_page(request, form, place)


# --- public: the CAP feed, messages and a page for residents ---------------------------


@public
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed of public, actual alerts in force; each entry links its CAP."""
    return HttpResponse(
        feeds.atom_feed(request), content_type="application/atom+xml; charset=utf-8"
    )


def _public(pk: int) -> Alert:
    alert = selectors.public_alert(pk)
    if alert is None:
        raise Http404
    return alert


@public
@require_GET
def public_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """A published public alert's CAP 1.2 message."""
    return HttpResponse(cap.alert_xml(_public(pk)), content_type=f"{CAP_MEDIA_TYPE}; charset=utf-8")


@public
@require_GET
def public_alert(request: HttpRequest, pk: int) -> HttpResponse:
    """A published public alert for residents: what, where, what to do, where to go."""
    alert = _public(pk)
    places = list(alert.places.all())
    later = Alert.objects.filter(replaces=alert).exclude(state=State.DRAFT).first()
    return render(
        request,
        "alerts/public_alert.html",
        {
            "alert": alert,
            "info": alert.info("zh-CN") or next(iter(alert.infos.all()), None),
            "places": places,
            "later": later,
            "xml": reverse("cap:alert-xml", args=[alert.pk]),
            "map": {
                **map_settings(),
                "places": _place_points(places),
                "polygon": alert.polygon,
                "circles": alert.circles,
            },
        },
    )
