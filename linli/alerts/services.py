"""Every write of the alerts app: places, drafts, issuing, CAP Update and Cancel
messages, expiry, and importing CAP documents (cap.py reads them)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.alerts import areas, cap
from linli.alerts.choices import LANGUAGES, MsgType, Origin, State, Status
from linli.alerts.events import AlertCancelled, AlertExpired, AlertIssued, AlertUpdated
from linli.alerts.models import Alert, AlertChange, AlertInfo, Place
from linli.alerts.permissions import ALERT_ISSUE, ALERT_MANAGE, ALERT_VIEW, PLACE_MANAGE
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core import events
from linli.core.geojson import parse_boundary
from linli.core.scoping import AnyUser
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.regions.selectors import district_path, ensure_may

# What an alert's form gives besides its area, texts and places.
FACTS = (
    "status",
    "scope",
    "category",
    "urgency",
    "severity",
    "certainty",
    "effective",
    "onset",
    "expires",
    "web",
    "contact",
)
TEXTS = ("event", "headline", "description", "instruction")


# --- places ----------------------------------------------------------------------------


@transaction.atomic
def place_create(
    *,
    region: Region,
    name: str,
    kind: str,
    address: str,
    capacity: int,
    longitude: float,
    latitude: float,
    by: AnyUser | None,
) -> Place:
    ensure_may(by, region, PLACE_MANAGE)
    place = Place(
        region=region,
        name=name.strip(),
        kind=kind,
        address=address.strip(),
        capacity=capacity,
        longitude=longitude,
        latitude=latitude,
    )
    place.full_clean()
    place.save()
    audit_record(action=AuditAction.RECORD_CREATE, actor=by, obj=place, object_label=place.name)
    return place


PLACE_FIELDS = ("region", "name", "kind", "address", "capacity", "longitude", "latitude")


@transaction.atomic
def place_update(*, place: Place, by: AnyUser | None, **fields: Any) -> Place:
    """Change a place's facts (any of `PLACE_FIELDS`); moving it to another region
    needs the right there too. Audited with the fields changed."""
    unknown = set(fields) - set(PLACE_FIELDS)
    if unknown:
        raise ValueError(f"Not a place's field: {sorted(unknown)}")
    locked = Place.objects.select_for_update().select_related("region").get(pk=place.pk)
    ensure_may(by, locked.region, PLACE_MANAGE)
    if "region" in fields and fields["region"] != locked.region:
        ensure_may(by, fields["region"], PLACE_MANAGE)
    for name in ("name", "address"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    if changed:
        locked.full_clean()
        locked.save(update_fields=changed)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=locked,
            object_label=locked.name,
            details={"fields": changed},
        )
    return locked


# --- drafts ----------------------------------------------------------------------------


def _identifier(region: Region) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return f"linli-{region.code}-{stamp}-{uuid.uuid4().hex[:8]}"


def _check_area(
    region: Region, polygon: Any, circles: Any, by: AnyUser | None, action: str
) -> tuple[dict[str, Any] | None, list[dict[str, float]]]:
    """The area's clean polygons (one Polygon or a MultiPolygon, or None) and circles;
    ValidationError if outside the district, the user's regions or the region's grids."""
    if not region.path.startswith(district_path()):
        raise ValidationError({"region": _("The area must lie in the district.")})
    if by is not None and not _may(by, region, action):
        raise ValidationError({"region": _("Unknown region.")})
    boundary = None
    if polygon not in (None, "", {}):
        try:
            boundary = parse_boundary(polygon)
        except ValidationError as exc:
            raise ValidationError({"polygon": exc.messages}) from exc
        if len(areas.polygons_of(boundary)) > areas.MAX_POLYGONS:
            raise ValidationError(
                {
                    "polygon": _("At most %(max)s polygons are allowed.")
                    % {"max": areas.MAX_POLYGONS}
                }
            )
    try:
        rounds = areas.clean_circles(circles)
    except ValidationError as exc:
        raise ValidationError({"circles": exc.messages}) from exc
    if boundary is None and not rounds:
        return None, []
    grids = list(
        Region.objects.filter(
            level=Level.GRID, path__startswith=region.path, boundary__isnull=False
        ).only("boundary")
    )
    if grids:
        for shape in areas.polygons_of(boundary):
            one = {"type": "Polygon", "coordinates": shape}
            if not any(areas.overlaps(one, [], g.boundary) for g in grids):
                raise ValidationError({"polygon": _("The polygon lies outside the area's region.")})
        for circle in rounds:
            if not any(areas.overlaps(None, [circle], g.boundary) for g in grids):
                raise ValidationError({"circles": _("The circle lies outside the area's region.")})
    return boundary, rounds


def _may(by: AnyUser, region: Region, action: str) -> bool:
    try:
        ensure_may(by, region, action)
    except PermissionDenied:
        return False
    return True


def _check_facts(facts: dict[str, Any]) -> None:
    effective = facts.get("effective") or timezone.now()
    expires = facts.get("expires")
    if expires is not None and expires <= effective:
        raise ValidationError({"expires": _("An alert expires after it takes effect.")})


def _check_texts(texts: dict[str, dict[str, str]]) -> None:
    zh = texts.get("zh-CN") or {}
    if not zh.get("event", "").strip() or not zh.get("headline", "").strip():
        raise ValidationError({"event": _("Name the event and give a headline in Chinese.")})
    en = texts.get("en-US") or {}
    if any(v.strip() for v in en.values()) and not en.get("event", "").strip():
        raise ValidationError(
            {"event_en": _("Name the event in English too, or leave the English text empty.")}
        )


def _check_places(places: list[Place], by: AnyUser | None) -> None:
    if by is None:
        return
    seen = set(
        Place.objects.visible_to(by, ALERT_VIEW)
        .filter(pk__in=[p.pk for p in places])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in seen for p in places):
        raise ValidationError({"places": _("Unknown place.")})


def _write_texts(alert: Alert, texts: dict[str, dict[str, str]]) -> None:
    alert.infos.all().delete()
    for language in LANGUAGES:
        words = texts.get(language) or {}
        if words.get("event", "").strip():
            info = AlertInfo(
                alert=alert, language=language, **{k: words.get(k, "").strip() for k in TEXTS}
            )
            info.full_clean(exclude=["alert"])
            info.save()


def _user(by: AnyUser | None) -> User | None:
    return by if isinstance(by, User) else None


def _log(alert: Alert, to: str, by: AnyUser | None, note: str = "", old: str = "") -> None:
    AlertChange.objects.create(
        alert=alert,
        from_state=old,
        to_state=to,
        by=_user(by),
        note=note[:200],
    )


@transaction.atomic
def alert_create(
    *,
    region: Region,
    area_desc: str,
    texts: dict[str, dict[str, str]],
    polygon: Any = None,
    circles: Any = None,
    places: list[Place] | None = None,
    by: AnyUser | None,
    **facts: Any,
) -> Alert:
    """A draft alert (msgType Alert) over `region`'s subtree, maybe only polygons and
    circles of it. `texts`: {"zh-CN": {event, headline, description, instruction},
    "en-US": …}."""
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise TypeError(f"unknown alert fields: {sorted(unknown)}")
    boundary, rounds = _check_area(region, polygon, circles, by, ALERT_MANAGE)
    _check_facts(facts)
    _check_texts(texts)
    _check_places(places or [], by)
    alert = Alert(
        identifier=_identifier(region),
        sender=settings.LINLI_CAP_SENDER,
        msg_type=MsgType.ALERT,
        region=region,
        area_desc=area_desc.strip() or region.name,
        polygon=boundary,
        circles=rounds,
        created_by=_user(by),
        **{"status": Status.ACTUAL, "scope": "Public", **facts},
    )
    alert.full_clean(exclude=["replaces"])
    alert.save()
    _write_texts(alert, texts)
    alert.places.set(places or [])
    _log(alert, State.DRAFT, by)
    audit_record(
        action=AuditAction.RECORD_CREATE, actor=by, obj=alert, object_label=alert.identifier
    )
    return alert


@transaction.atomic
def alert_edit(
    *,
    alert: Alert,
    region: Region,
    area_desc: str,
    texts: dict[str, dict[str, str]],
    polygon: Any = None,
    circles: Any = None,
    places: list[Place] | None = None,
    by: AnyUser | None,
    **facts: Any,
) -> Alert:
    """Change a draft (only drafts change: an issued alert is updated by a new message)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    ensure_may(by, alert.region, ALERT_MANAGE)
    if alert.state != State.DRAFT:
        raise ValidationError(_("Only a draft can be edited; issue an update instead."))
    boundary, rounds = _check_area(region, polygon, circles, by, ALERT_MANAGE)
    _check_facts(facts)
    _check_texts(texts)
    _check_places(places or [], by)
    for name, value in facts.items():
        if name not in FACTS:
            raise TypeError(f"unknown alert field: {name}")
        setattr(alert, name, value)
    alert.region, alert.polygon, alert.circles = region, boundary, rounds
    alert.area_desc = area_desc.strip() or region.name
    alert.full_clean(exclude=["replaces"])
    alert.save()
    _write_texts(alert, texts)
    alert.places.set(places or [])
    audit_record(
        action=AuditAction.RECORD_UPDATE, actor=by, obj=alert, object_label=alert.identifier
    )
    return alert


# --- issuing, updates, cancellations, expiry ---------------------------------------------


def _publish(alert: Alert) -> None:
    path = alert.region.path
    if alert.msg_type == MsgType.ALERT:
        events.publish(AlertIssued(alert_id=alert.pk, region_path=path))
    else:
        assert alert.replaces_id is not None
        kind = AlertUpdated if alert.msg_type == MsgType.UPDATE else AlertCancelled
        events.publish(kind(alert_id=alert.pk, replaces_id=alert.replaces_id, region_path=path))


def _end(old: Alert, msg_type: str, by: AnyUser | None, note: str) -> None:
    """The referenced alert is superseded (Update) or cancelled (Cancel)."""
    to = State.SUPERSEDED if msg_type == MsgType.UPDATE else State.CANCELLED
    if old.state in (State.ISSUED, State.EXPIRED):
        _log(old, to, by, note, old=old.state)
        old.state, old.ended_at = to, timezone.now()
        old.save(update_fields=["state", "ended_at"])


def _issue(alert: Alert, by: AnyUser | None, sent: datetime | None = None, note: str = "") -> Alert:
    alert.state, alert.sent = State.ISSUED, sent or timezone.now()
    alert.save(update_fields=["state", "sent"])
    _log(alert, State.ISSUED, by, note, old=State.DRAFT)
    if alert.replaces is not None:
        _end(
            alert.replaces,
            alert.msg_type,
            by,
            _("By %(identifier)s.") % {"identifier": alert.identifier},
        )
    _publish(alert)
    return alert


@transaction.atomic
def alert_issue(*, alert: Alert, by: AnyUser | None) -> Alert:
    """Issue a draft: it is sent now, published as CAP and in the feed, and reaches the
    residents of its area (subscribers.py) once the transaction commits."""
    alert = Alert.objects.select_for_update().select_related("region").get(pk=alert.pk)
    ensure_may(by, alert.region, ALERT_ISSUE)
    if alert.state != State.DRAFT:
        raise ValidationError(_("This alert has already been issued."))
    if alert.expires is not None and alert.expires <= timezone.now():
        raise ValidationError(
            {"expires": _("The alert has expired already; change its expiry first.")}
        )
    _issue(alert, by)
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=alert,
        object_label=alert.identifier,
        details={"state": State.ISSUED},
    )
    return alert


DRILL_HOURS = 1


@transaction.atomic
def alert_drill(*, region: Region, by: AnyUser | None) -> Alert:
    """A drill (CAP status Exercise) over `region`, issued at once: every text says
    演练 (Exercise), it reaches the area's residents as one and ends in an hour or when
    cancelled; screens and TV take over for actual alerts only."""
    ensure_may(by, region, ALERT_ISSUE)
    name = region.name
    with translation.override("zh-hans"):  # the Chinese texts, whoever asks
        chinese = {
            "event": _("Exercise"),
            "headline": _("[Exercise] Emergency alert drill in %(region)s") % {"region": name},
            "description": _("This is an exercise, not a real alert."),
            "instruction": _("Exercise: nothing needs to be done."),
        }
    texts = {
        "zh-CN": chinese,
        "en-US": {
            "event": "Exercise",
            "headline": f"EXERCISE: emergency alert drill in {name}",
            "description": "This is an exercise, not a real alert.",
            "instruction": "Exercise: no action is needed.",
        },
    }
    alert = alert_create(
        region=region,
        area_desc=name,
        texts=texts,
        by=by,
        status=Status.EXERCISE,
        category="Other",
        urgency="Unknown",
        severity="Minor",
        certainty="Unknown",
        expires=timezone.now() + timedelta(hours=DRILL_HOURS),
    )
    return alert_issue(alert=alert, by=by)


def _successor(old: Alert, msg_type: str, by: AnyUser | None) -> Alert:
    old = Alert.objects.select_for_update().select_related("region").get(pk=old.pk)
    ensure_may(by, old.region, ALERT_ISSUE)
    if old.state != State.ISSUED or old.msg_type == MsgType.CANCEL:
        raise ValidationError(_("Only an alert in force can be updated or cancelled."))
    return old


@transaction.atomic
def alert_update(
    *,
    alert: Alert,
    region: Region,
    area_desc: str,
    texts: dict[str, dict[str, str]],
    polygon: Any = None,
    circles: Any = None,
    places: list[Place] | None = None,
    note: str = "",
    by: AnyUser | None,
    **facts: Any,
) -> Alert:
    """A CAP Update of an alert in force: a new message, issued now, that references
    it; the old one is superseded."""
    old = _successor(alert, MsgType.UPDATE, by)
    new = alert_create(
        region=region,
        area_desc=area_desc,
        texts=texts,
        polygon=polygon,
        circles=circles,
        places=places,
        by=by,
        **facts,
    )
    new.msg_type, new.replaces = MsgType.UPDATE, old
    new.save(update_fields=["msg_type", "replaces"])
    return _issue(new, by, note=note)


@transaction.atomic
def alert_cancel(*, alert: Alert, note: str, by: AnyUser | None) -> Alert:
    """A CAP Cancel of an alert in force: a new message, issued now, with the old one's
    area and facts and the reason in its texts; the old one is cancelled."""
    old = _successor(alert, MsgType.CANCEL, by)
    if not note.strip():
        raise ValidationError({"note": _("Say why the alert is cancelled.")})
    texts = {
        info.language: {
            "event": info.event,
            "headline": (
                _("Cancelled: %(headline)s")
                if info.language == "zh-CN"
                else "Cancelled: %(headline)s"
            )
            % {"headline": info.headline or info.event},
            "description": note.strip() if info.language == "zh-CN" else "",
            "instruction": "",
        }
        for info in old.infos.all()
    }
    facts = {name: getattr(old, name) for name in FACTS}
    facts.update(urgency="Past", expires=None)
    new = Alert(
        identifier=_identifier(old.region),
        sender=settings.LINLI_CAP_SENDER,
        msg_type=MsgType.CANCEL,
        replaces=old,
        region=old.region,
        area_desc=old.area_desc,
        polygon=old.polygon,
        circles=old.circles,
        created_by=_user(by),
        **facts,
    )
    new.save()
    _write_texts(new, texts)
    _log(new, State.DRAFT, by)
    _issue(new, by, note=note)
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=old,
        object_label=old.identifier,
        details={"state": State.CANCELLED, "by": new.identifier},
    )
    return new


@transaction.atomic
def alerts_expire(*, now: datetime | None = None) -> int:
    """Issued alerts whose `expires` has passed are expired; returns how many."""
    now = now or timezone.now()
    due = list(
        Alert.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=State.ISSUED, expires__lte=now)
        .select_related("region")
    )
    for alert in due:
        _log(alert, State.EXPIRED, None, old=State.ISSUED)
        alert.state, alert.ended_at = State.EXPIRED, now
        alert.save(update_fields=["state", "ended_at"])
        events.publish(AlertExpired(alert_id=alert.pk, region_path=alert.region.path))
    return len(due)


# --- import ----------------------------------------------------------------------------


@dataclass
class Imported:
    created: list[Alert] = field(default_factory=list)
    known: int = 0  # already here (same sender and identifier): left as they were


@dataclass
class _Area:
    region: Region
    polygon: dict[str, Any] | None
    circles: list[dict[str, float]]
    desc: str


def _area_of(message: cap.Message, by: AnyUser | None) -> _Area:
    """The area's region (by geocode, else by the polygons and circles over the grids),
    its polygons as one GeoJSON geometry, its circles and its description;
    ValidationError if outside the district or the areas are too many."""
    areas_ = [area for info in message.infos for area in info.areas]
    desc = next((a.desc for a in areas_ if a.desc), "")
    # Division codes: 12 digits (15 for a grid); 6 (a county) or 9 (a township), as
    # weather bureaus send them, are the same region padded with zeros.
    codes = {c.ljust(12, "0") if len(c) in (6, 9) else c for a in areas_ for c in a.geocodes}
    # The same area repeats in each language's info block: each shape counts once.
    rings: list[list[list[float]]] = []
    for area in areas_:
        for points in area.polygons:
            ring = [[lon, lat] for lon, lat in points]
            if ring not in rings:
                rings.append(ring)
    boundary = None
    if len(rings) == 1:
        boundary = {"type": "Polygon", "coordinates": [rings[0]]}
    elif rings:
        boundary = {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}
    raw = [
        {"longitude": lon, "latitude": lat, "radius_km": radius}
        for area in areas_
        for lon, lat, radius in area.circles
    ]
    circles = [c for n, c in enumerate(raw) if c not in raw[:n]]
    try:
        if boundary is not None:
            boundary = parse_boundary(boundary)
            if len(rings) > areas.MAX_POLYGONS:
                raise ValidationError(
                    _("At most %(max)s polygons are allowed.") % {"max": areas.MAX_POLYGONS}
                )
        circles = areas.clean_circles(circles)
    except ValidationError as exc:
        raise ValidationError(
            _("Alert %(identifier)s: %(problems)s")
            % {"identifier": message.identifier, "problems": " ".join(exc.messages)}
        ) from exc
    district = district_path()
    regions = list(
        Region.objects.filter(code__in=codes, path__startswith=district, retired_at__isnull=True)
    )
    region = None
    if regions:
        region = _common(sorted(r.path for r in regions))
    elif boundary is not None or circles:
        inside = [
            grid.path
            for grid in Region.objects.filter(
                level=Level.GRID, path__startswith=district, boundary__isnull=False
            ).only("path", "boundary")
            if areas.overlaps(boundary, circles, grid.boundary)
        ]
        if inside:
            region = _common(sorted(inside))
    if region is None:
        raise ValidationError(
            _(
                "Alert %(identifier)s: its area lies outside the district "
                "(no known division code, no polygon or circle over its grids)."
            )
            % {"identifier": message.identifier}
        )
    if by is not None and not _may(by, region, ALERT_MANAGE):
        raise ValidationError(
            _("Alert %(identifier)s: its area lies outside your regions.")
            % {"identifier": message.identifier}
        )
    return _Area(region, boundary, circles, desc or region.name)


def _common(paths: list[str]) -> Region | None:
    """The lowest region whose subtree holds every path."""
    first, last = paths[0], paths[-1]
    shared = 0
    while shared < min(len(first), len(last)) and first[shared] == last[shared]:
        shared += 1
    candidates = [first[:n] for n in sorted(PATH_LENGTH.values(), reverse=True) if n <= shared]
    found = list(Region.objects.filter(path__in=candidates))
    return max(found, key=lambda r: len(r.path)) if found else None


def _facts(info: cap.Info) -> dict[str, Any]:
    return {
        "category": info.category,
        "urgency": info.urgency,
        "severity": info.severity,
        "certainty": info.certainty,
        "effective": info.effective,
        "onset": info.onset,
        "expires": info.expires,
        "web": info.web[:200],
        "contact": info.contact[:100],
    }


def _save_message(message: cap.Message, by: AnyUser | None, now: datetime) -> Alert:
    replaces = None
    if message.msg_type != MsgType.ALERT:
        candidates = [
            Alert.objects.filter(sender=sender, identifier=identifier)
            .select_related("region")
            .first()
            for sender, identifier in message.references
        ]
        found = [c for c in candidates if c is not None]
        if not found:
            raise ValidationError(
                _(
                    "Alert %(identifier)s: the alert it updates or cancels "
                    "(%(references)s) is unknown here."
                )
                % {
                    "identifier": message.identifier,
                    "references": " ".join(f"{s},{i}" for s, i in message.references) or "—",
                }
            )
        replaces = max(found, key=lambda a: (a.sent or now, a.pk))
    area = _area_of(message, by)
    first = next(iter(message.infos), None)
    if first is None:
        raise ValidationError(
            _("Alert %(identifier)s has no info block.") % {"identifier": message.identifier}
        )
    alert = Alert(
        identifier=message.identifier[:120],
        sender=message.sender[:120],
        status=message.status,
        msg_type=message.msg_type,
        scope=message.scope,
        replaces=replaces,
        region=area.region,
        area_desc=area.desc[:200],
        polygon=area.polygon,
        circles=area.circles,
        origin=Origin.IMPORT,
        created_by=_user(by),
        **_facts(first),
    )
    try:
        alert.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            _("Alert %(identifier)s: %(problems)s")
            % {"identifier": message.identifier, "problems": " ".join(exc.messages)}
        ) from exc
    alert.save()
    for info in message.infos:
        if not AlertInfo.objects.filter(alert=alert, language=info.language[:10]).exists():
            AlertInfo.objects.create(
                alert=alert,
                language=info.language[:10],
                event=info.event[:100],
                headline=info.headline[:200],
                description=info.description[:4000],
                instruction=info.instruction[:4000],
            )
    _log(alert, State.DRAFT, by, _("Imported."))
    _issue(alert, by, sent=message.sent, note=_("Imported."))
    if alert.expires is not None and alert.expires <= now:
        _log(alert, State.EXPIRED, None, old=State.ISSUED)
        alert.state, alert.ended_at = State.EXPIRED, now
        alert.save(update_fields=["state", "ended_at"])
    return alert


@transaction.atomic
def alerts_import(*, data: bytes, by: AnyUser | None, name: str = "") -> Imported:
    """Import the CAP messages of a document (one alert, or an Atom feed carrying them):
    all or nothing. A message already here (same sender and identifier) is left as it
    was; an Update or Cancel is applied to the alert it references, which must be
    known; the area is mapped to a region by its division code, else its polygon."""
    messages = cap.read(data)
    now = timezone.now()
    done = Imported()
    for message in sorted(messages, key=lambda m: m.sent):
        if Alert.objects.filter(sender=message.sender, identifier=message.identifier).exists():
            done.known += 1
            continue
        done.created.append(_save_message(message, by, now))
    audit_record(
        action=AuditAction.IMPORT,
        actor=by,
        object_type="alerts.alert",
        region=done.created[0].region if done.created else None,
        object_label=name[:100] or "CAP",
        details={"created": len(done.created), "known": done.known},
    )
    return done
