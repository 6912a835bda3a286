"""The alerts API: alerts (drafts, issuing, CAP Update and Cancel, import), the alerts
in force over a region or at a point, and the registry of places. Every list and
object is the caller's (`visible_to`): 404 outside."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field, model_validator

from linli.accounts.auth import signed_in_user
from linli.alerts import cap, selectors, services
from linli.alerts.filters import AlertFilter
from linli.alerts.models import Alert, Place
from linli.alerts.permissions import ALERT_ISSUE, ALERT_MANAGE, ALERT_VIEW, PLACE_MANAGE
from linli.alerts.schemas import (
    AlertCancelIn,
    AlertDetailOut,
    AlertIn,
    AlertOut,
    AlertUpdateIn,
    ImportOut,
    PlaceIn,
    PlaceOut,
)
from linli.core.access import requires
from linli.core.routers import Router
from linli.regions.models import Region

router = Router(tags=["alerts"])


class ActiveQuery(Schema):
    region: str | None = Field(None, pattern=r"^\d{12}(\d{3})?$", description="A region's code.")
    longitude: float | None = Field(None, ge=-180, le=180)
    latitude: float | None = Field(None, ge=-90, le=90)

    @model_validator(mode="after")
    def _one(self) -> "ActiveQuery":
        if self.region is None and (self.longitude is None or self.latitude is None):
            raise ValueError(_("Give a region's code, or a longitude and a latitude."))
        return self


def _alert(request: HttpRequest, alert_id: int, action: str = ALERT_VIEW) -> Alert:
    found = selectors.alerts_visible(user=request.user, action=action).prefetch_related("places")
    alert: Alert = get_object_or_404(found, pk=alert_id)
    return alert


def _fresh(alert: Alert) -> Alert:
    fresh: Alert = (
        Alert.objects.select_related("region", "replaces")
        .prefetch_related("infos", "places__region")
        .get(pk=alert.pk)
    )
    return fresh


def _region(request: HttpRequest, code: str, action: str = ALERT_MANAGE) -> Region:
    region = Region.objects.visible_to(request.user, action).filter(code=code).first()
    if region is None:
        raise ValidationError({"region": _("Unknown region.")})
    return region


def _places(request: HttpRequest, ids: list[int]) -> list[Place]:
    found = list(selectors.places_visible(user=request.user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"places": _("Unknown place.")})
    return found


def _arguments(request: HttpRequest, payload: AlertIn) -> dict[str, Any]:
    texts = {"zh-CN": payload.zh.dict()}
    if payload.en is not None:
        texts["en-US"] = payload.en.dict()
    return {
        "region": _region(request, payload.region),
        "area_desc": payload.area_desc,
        "polygon": payload.polygon,
        "circles": [c.dict() for c in payload.circles],
        "texts": texts,
        "places": _places(request, payload.places),
        **{name: getattr(payload, name) for name in services.FACTS},
    }


@router.get("/alerts", response=list[AlertOut], operation_id="alert_list", url_name="alert-list")
@requires(ALERT_VIEW)
@paginate
def alert_list(request: HttpRequest, filters: Query[AlertFilter]) -> QuerySet[Alert]:
    """Alerts over the caller's regions, newest first."""
    return filters.apply(selectors.alerts_visible(user=request.user), user=request.user)


@router.get(
    "/alerts/active",
    response=list[AlertDetailOut],
    operation_id="alert_active",
    url_name="alert-active",
)
@requires(ALERT_VIEW)
def alert_active(request: HttpRequest, query: Query[ActiveQuery]) -> list[Alert]:
    """The actual alerts in force over a region (or an ancestor of it) or at a point,
    gravest first: what screens and TV show."""
    path = None
    if query.region is not None:
        region = (
            Region.objects.visible_to(request.user, ALERT_VIEW).filter(code=query.region).first()
        )
        if region is None:
            raise ValidationError({"region": _("Unknown region.")})
        path = region.path
    found = selectors.active_alerts(path=path, longitude=query.longitude, latitude=query.latitude)
    mine = set(
        selectors.alerts_visible(user=request.user)
        .filter(pk__in=[a.pk for a in found])
        .values_list("pk", flat=True)
    )
    return [a for a in found if a.pk in mine]


@router.post(
    "/alerts", response={201: AlertDetailOut}, operation_id="alert_create", url_name="alert-create"
)
@requires(ALERT_MANAGE)
def alert_create(request: HttpRequest, payload: AlertIn) -> Status[Alert]:
    """A draft alert (msgType Alert)."""
    alert = services.alert_create(**_arguments(request, payload), by=signed_in_user(request))
    return Status(201, _fresh(alert))


@router.post(
    "/alerts/import",
    response={201: ImportOut},
    operation_id="alert_import",
    url_name="alert-import",
)
@requires(ALERT_MANAGE)
def alert_import(request: HttpRequest, document: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Import a CAP 1.2 message, or an Atom feed carrying them: all or nothing (422
    naming each schema error); messages already here are counted in `known`."""
    data = document.read(cap.MAX_BYTES + 1)
    done = services.alerts_import(data=data, by=signed_in_user(request), name=document.name or "")
    return Status(201, {"created": [_fresh(a) for a in done.created], "known": done.known})


@router.get(
    "/alerts/{alert_id}", response=AlertDetailOut, operation_id="alert_get", url_name="alert-get"
)
@requires(ALERT_VIEW)
def alert_get(request: HttpRequest, alert_id: int) -> Alert:
    """An alert with its texts and places."""
    return _alert(request, alert_id)


@router.put(
    "/alerts/{alert_id}", response=AlertDetailOut, operation_id="alert_edit", url_name="alert-edit"
)
@requires(ALERT_MANAGE)
def alert_edit(request: HttpRequest, alert_id: int, payload: AlertIn) -> Alert:
    """Change a draft (422 once issued: update it instead)."""
    alert = _alert(request, alert_id, ALERT_MANAGE)
    services.alert_edit(alert=alert, **_arguments(request, payload), by=signed_in_user(request))
    return _fresh(alert)


@router.post(
    "/alerts/{alert_id}/issue",
    response=AlertDetailOut,
    operation_id="alert_issue",
    url_name="alert-issue",
)
@requires(ALERT_ISSUE)
def alert_issue(request: HttpRequest, alert_id: int) -> Alert:
    """Issue a draft: sent now, in the CAP feed, told to the area's residents."""
    alert = _alert(request, alert_id, ALERT_ISSUE)
    return _fresh(services.alert_issue(alert=alert, by=signed_in_user(request)))


@router.post(
    "/alerts/{alert_id}/update",
    response={201: AlertDetailOut},
    operation_id="alert_update",
    url_name="alert-update",
)
@requires(ALERT_ISSUE)
def alert_update(request: HttpRequest, alert_id: int, payload: AlertUpdateIn) -> Status[Alert]:
    """A CAP Update of an alert in force: a new message, issued now; the old one is
    superseded."""
    alert = _alert(request, alert_id, ALERT_ISSUE)
    new = services.alert_update(
        alert=alert, **_arguments(request, payload), note=payload.note, by=signed_in_user(request)
    )
    return Status(201, _fresh(new))


@router.post(
    "/alerts/{alert_id}/cancel",
    response={201: AlertDetailOut},
    operation_id="alert_cancel",
    url_name="alert-cancel",
)
@requires(ALERT_ISSUE)
def alert_cancel(request: HttpRequest, alert_id: int, payload: AlertCancelIn) -> Status[Alert]:
    """A CAP Cancel of an alert in force: a new message, issued now; the old one is
    cancelled."""
    alert = _alert(request, alert_id, ALERT_ISSUE)
    new = services.alert_cancel(alert=alert, note=payload.note, by=signed_in_user(request))
    return Status(201, _fresh(new))


@router.get("/places", response=list[PlaceOut], operation_id="place_list", url_name="place-list")
@requires(ALERT_VIEW)
@paginate
def place_list(request: HttpRequest) -> QuerySet[Place]:
    """Shelters and civil-defence sites in the caller's regions."""
    return selectors.places_visible(user=request.user)


@router.post(
    "/places", response={201: PlaceOut}, operation_id="place_create", url_name="place-create"
)
@requires(PLACE_MANAGE)
def place_create(request: HttpRequest, payload: PlaceIn) -> Status[Place]:
    """Register a shelter or civil-defence site."""
    region = _region(request, payload.region, PLACE_MANAGE)
    place = services.place_create(
        region=region,
        **payload.dict(exclude={"region"}),
        by=signed_in_user(request),
    )
    return Status(201, place)
